"""`import fast6`: the picks app's SQLite file read, decoded and moved into `nfl.*`."""
