"""`migrate --adopt`: compare the files with a warehouse that exists, and run what is missing."""
