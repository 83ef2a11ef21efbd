"""Benchmarks, each a standalone script (`python bench/<name>.py`); a package only so that a script
named like an app (bench/bookings.py) is the module `bench.bookings` to mypy, not a second `bookings`."""
