"""Benchmarks: run by `make bench`, `make bench-import` and `make bench-search`."""
