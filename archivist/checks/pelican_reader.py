"""What pelican-yaml-metadata does with a file, from its own module: the one touch of its internals.

The checks must read a file exactly as the build's reader does; rather than
copy its header pattern, they use it, and this module fails loudly when a
new version of the reader might read files differently.
"""

from importlib import metadata

from pelican.plugins.yaml_metadata.yaml_metadata import HEADER_RE

# The versions whose HEADER_RE and key lowercasing the checks were written against.
KNOWN_VERSIONS = ("2.2.0",)
VERSION = metadata.version("pelican-yaml-metadata")
if VERSION not in KNOWN_VERSIONS:
    raise ImportError(
        f"pelican-yaml-metadata {VERSION} is not one archivist.checks knows ({', '.join(KNOWN_VERSIONS)}): "
        "check that its HEADER_RE and key handling still match archivist/checks/reading.py, then add it"
    )


def body_as_read(text):
    """The Markdown body the reader would render from ``text``, or None when it finds no YAML header."""
    match = HEADER_RE.fullmatch(text)
    return None if match is None else match.group("content")
