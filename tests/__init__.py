"""Archivist tests: run with `make test`."""
