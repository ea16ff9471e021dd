"""Archivist: turn raw news text into a curated, searchable Pelican archive."""

__version__ = "0.1.0"
