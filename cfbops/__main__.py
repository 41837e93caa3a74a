from cfbops.cli import entry

entry()
