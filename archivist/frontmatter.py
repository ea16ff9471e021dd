"""Articles as Markdown with YAML front matter: parse with line numbers, render stably.

The layout matches what pelican-yaml-metadata reads: a first line ``---``, the
YAML mapping, a line ``---``, then the Markdown body.
"""

import dataclasses
import datetime
import os
import re
import stat

import yaml

from .errors import FrontMatterError

# libyaml when PyYAML has it: about 15 times faster than the pure-Python loader.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The order keys are written in; GitHub shows them as a table in this order.
FIELD_ORDER = (
    "title",
    "date",
    "modified",
    "updates",
    "category",
    "tags",
    "summary",
    "source",
    "source_url",
    "slug",
    "authors",
)

HEADER_RE = re.compile(
    r"\A(?P<lead>\s*)^---[ \t]*$\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*$\n?(?P<body>.*)\Z",
    re.MULTILINE | re.DOTALL,
)


@dataclasses.dataclass(frozen=True)
class Article:
    """A parsed article file: metadata, Markdown body and where each key stands."""

    meta: dict
    body: str
    key_lines: dict  # key -> 1-based line number in the file
    body_line: int  # 1-based line number where the body starts


def parse(text, path=None):
    """Parse an article's text; raise FrontMatterError naming the line on failure."""
    match = HEADER_RE.match(text)
    if not match:
        raise FrontMatterError(
            "no YAML front matter: the file must start with a line '---', "
            "the metadata, and a closing line '---'",
            path=path,
            line=1,
        )
    yaml_first_line = match.group("lead").count("\n") + 2
    yaml_text = match.group("yaml")
    refuse_anchors(yaml_text, path, yaml_first_line)
    # One pass: compose the node tree (it carries the line of each key), then
    # build the values from it. A date like 2025-02-30 raises ValueError here.
    loader = _LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = yaml_first_line + mark.line if mark is not None else yaml_first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(f"invalid YAML front matter: {problem}", path=path, line=line) from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        raise FrontMatterError(
            "front matter must be a mapping of 'key: value' lines",
            path=path,
            line=yaml_first_line,
        )
    key_lines = {}
    for key_node, _value in node.value:
        key_lines[str(key_node.value)] = yaml_first_line + key_node.start_mark.line
    body_line = yaml_first_line + yaml_text.count("\n") + 1
    return Article(meta=meta, body=match.group("body"), key_lines=key_lines, body_line=body_line)


def refuse_anchors(yaml_text, path=None, first_line=1):
    """Raise FrontMatterError at the first anchor (``&a``) or alias (``*a``) of ``yaml_text``.

    Front matter never needs them, and aliases are how a few hundred bytes
    of YAML expand into gigabytes once a reader walks the values (a "billion
    laughs"). Only the parser's events are read: nothing is expanded.
    ``first_line`` is the file's line of the YAML's first line.
    """
    loader = _LOADER(yaml_text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise FrontMatterError(
                    f"YAML anchors and aliases (&{event.anchor}, *{event.anchor}) are not allowed "
                    "in front matter: write each value out",
                    path=path,
                    line=first_line + event.start_mark.line,
                )
    except yaml.YAMLError:
        return  # parse() reports a syntax error with its line
    finally:
        loader.dispose()


def read_source(path, max_bytes):
    """The bytes of the file ``path``, refused before reading when it could not be an article.

    The file is stat-ed first: anything but a regular file (a FIFO would
    block, ``/dev/zero`` never ends) and a file over ``max_bytes`` are
    refused with FrontMatterError without reading; then at most
    ``max_bytes`` + 1 bytes are read, in case it grew meanwhile.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FrontMatterError(f"cannot be read: {exc.strerror}", path=path, line=1) from None
    if not stat.S_ISREG(info.st_mode):
        raise FrontMatterError(
            f"is not a regular file ({file_kind(info.st_mode)}): an article is a Markdown file; remove it",
            path=path, line=1)
    if info.st_size > max_bytes:
        raise FrontMatterError(too_large(info.st_size, max_bytes), path=path, line=1)
    # O_NONBLOCK: should a FIFO replace the file after the stat, opening it does not wait for a writer.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FrontMatterError(too_large(len(data), max_bytes), path=path, line=1)
    return data


def too_large(size, max_bytes):
    """The message for a file of ``size`` bytes over the limit."""
    return (f"file is {size:,} bytes, over the limit of {max_bytes:,} (ARCHIVE_GUARD max_bytes): "
            "trim it or split it into several articles")


def file_kind(mode):
    """What a non-regular file is, in words: "a FIFO", "a character device"..."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def _scalar(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def render(meta, body):
    """Render metadata and a Markdown body as an article file.

    Known keys come first in FIELD_ORDER, others after in sorted order; empty
    values are left out. Lists are written one item per line.
    """
    keys = [k for k in FIELD_ORDER if k in meta] + sorted(k for k in meta if k not in FIELD_ORDER)
    lines = ["---"]
    for key in keys:
        value = meta[key]
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, (list, tuple)):
            lines.append(f"{key}:")
            lines.extend(f"  - {_scalar(item)}" for item in value)
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"
