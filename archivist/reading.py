"""Step 1 of the import: read input files into documents of numbered paragraphs.

Formats (``detect_format`` picks one; ``--format`` overrides it):

- ``text``: raw text, one paragraph per line or paragraphs separated by blank
  lines; may hold several articles glued together (the splitter cuts them).
- ``separated``: text whose articles are separated by a line of ``---`` or
  ``***`` or by a form feed; each part is one article.
- ``folder``: a folder of ``.txt``/``.md`` files, one article each (sorted by name);
  a symbolic link among them is refused (it could point anywhere: ``/etc/passwd``),
  a FIFO or other non-regular file is skipped with a note.
- ``jsonl``: JSON Lines, one article a line: ``paragraphs`` (a list) or ``text``,
  and optional ``title``, ``date``, ``category``, ``tags``, ``source``,
  ``source_url``, ``summary`` that win over inferred values.

Decoding: UTF-8 (with or without BOM) and UTF-16/32 with a BOM are decoded
with a note when not plain UTF-8; other bytes are tried as Windows-1252 (a
superset of Latin-1's printable range) and accepted with a note only when the
result is ordinary text; otherwise the file is refused naming the first bad
byte's line.

Plausible prose: a decoded file is refused, naming it, when it is not
plausibly news text in a Latin-script language: when fewer than
``MIN_LATIN_SHARE`` of its letters are Latin ("decoded" garbage such as
bytes that happen to start with a UTF-16 mark comes out as CJK or other
scripts), when more than ``MAX_ODD_SHARE`` of its characters are control,
private-use, unassigned or replacement characters, or when the whole file
(all its records, for JSON Lines) holds fewer than ``MIN_WORDS`` words.
"""

import codecs
import dataclasses
import json
import os
import re
import stat
import unicodedata

from .errors import InputError
from .frontmatter import file_kind

FORMATS = ("text", "separated", "folder", "jsonl")
JSON_FIELDS = ("title", "date", "category", "tags", "source", "source_url", "summary")
MIN_WORDS = 20  # fewer words in a whole input file are not an article
MIN_LATIN_SHARE = 0.5  # of the letters
MAX_ODD_SHARE = 0.01  # of the characters: controls, private use, unassigned, U+FFFD
PROSE_SAMPLE = 200_000  # characters looked at by the script check
_WORD = re.compile(r"[^\W\d_]+")
_SEPARATOR_RE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,})[ \t]*$")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (with BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (with BOM)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (with BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (with BOM)"),
)


@dataclasses.dataclass(frozen=True)
class Paragraph:
    """One paragraph of input with the 1-based lines it spans; headings are subheadings."""

    text: str
    line: int
    last_line: int
    heading: bool = False


@dataclasses.dataclass(frozen=True)
class Document:
    """What one input yields: paragraphs, overrides from JSON, and whether to split it."""

    path: str
    paragraphs: tuple
    meta: dict = dataclasses.field(default_factory=dict)
    split: bool = False


def decode(data, path):
    """Decode ``data``; return (text, note) where note names a non-UTF-8 encoding or is None."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), f"decoded as {label}"
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {label} mark but is not valid {label}: {exc.reason}; "
                                 "re-save the file as UTF-8", path=path) from None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = exc.start
    line = data.count(b"\n", 0, bad) + 1
    refusal = InputError(
        f"is not UTF-8 (byte 0x{data[bad]:02x}) and does not look like Windows-1252 text either; "
        "convert it to UTF-8 (e.g. iconv -f ENCODING -t UTF-8)",
        path=path,
        line=line,
    )
    if b"\x00" in data:
        raise refusal
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise refusal from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls:
        raise refusal
    return text, "not UTF-8: decoded as Windows-1252 (cp1252/Latin-1); check accented letters"


def read_text_file(path):
    """Read and decode one file; raise InputError for a missing, unreadable, empty or
    non-regular file (a FIFO would wait for a writer, a device never ends)."""
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer; fstat then refuses it.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("no such file; check the path", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder; pass --format folder or a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", path=path) from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a folder; pass --format folder or a file", path=path)
        if not stat.S_ISREG(mode):
            raise InputError(f"is not a regular file ({file_kind(mode)}): save the text to a file and import that",
                             path=path)
        try:
            data = handle.read()
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror}", path=path) from None
    text, note = decode(data, path)
    if not text.strip():
        raise InputError("is empty: there is no text to import", path=path)
    check_script(text, path, note)
    return text.replace("\r\n", "\n").replace("\r", "\n"), note


def check_script(text, path, note=None):
    """Refuse ``text`` unless it is mostly Latin-script letters and ordinary characters."""
    how = f"{note}, but " if note else ""
    sample = text[:PROSE_SAMPLE]
    if sample.isascii():
        odd = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
        latin = letters = 1
    else:
        odd = latin = letters = 0
        scripts = {}
        for ch in sample:
            category = unicodedata.category(ch)
            if category[0] == "L":
                letters += 1
                name = unicodedata.name(ch, "")
                if name.startswith("LATIN"):
                    latin += 1
                else:
                    script = name.split(" ")[0] or "unnamed"
                    scripts[script] = scripts.get(script, 0) + 1
            elif (category in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\n\r\f") or ch == "\ufffd":
                odd += 1
    if odd > MAX_ODD_SHARE * len(sample):
        raise InputError(f"{how}holds {odd} control or unreadable character(s): it is not text; "
                         "import a plain-text UTF-8 file", path=path)
    if not letters or latin < MIN_LATIN_SHARE * letters:
        main = max(scripts, key=scripts.get) if letters else "no"
        main = main if len(main) <= 4 else main.capitalize()
        raise InputError(f"{how}does not read as Latin-script text ({letters - latin} of {letters} letters "
                         f"are {main} or other scripts): it is probably not text, or in another encoding; "
                         "convert it to UTF-8", path=path)


def check_length(texts, path):
    """Refuse an input whose ``texts`` hold fewer than MIN_WORDS words: too short to be an article."""
    count = sum(len(_WORD.findall(text)) for text in texts)
    if count < MIN_WORDS:
        raise InputError(f"holds only {count} word(s): too short to be an article (at least {MIN_WORDS}); "
                         "check that it is the file you meant", path=path)


def paragraphs_of(text, first_line=1):
    """Paragraphs of ``text``: a non-blank line each, or blank-line separated blocks.

    When some paragraph spans several consecutive lines (hard-wrapped text with
    blank lines between paragraphs), consecutive lines join into one paragraph;
    otherwise every non-blank line is a paragraph.
    """
    return _paragraphs(list(enumerate(text.split("\n"), first_line)))


def _paragraphs(numbered):
    blocks_mode = _has_wrapped_block(numbered)
    out = []
    buffer, start, previous = [], None, None
    for number, line in numbered:
        stripped = line.strip()
        if buffer and (not stripped or not blocks_mode):
            out.append(Paragraph(" ".join(buffer), start, previous))
            buffer = []
        if stripped:
            if not buffer:
                start = number
            buffer.append(stripped)
            previous = number
    if buffer:
        out.append(Paragraph(" ".join(buffer), start, previous))
    return out


def _has_wrapped_block(numbered):
    """True when some paragraph spans consecutive non-blank lines and blank lines separate them."""
    flags = [bool(line.strip()) for _number, line in numbered]
    while flags and not flags[-1]:
        flags.pop()
    while flags and not flags[0]:
        flags.pop(0)
    run, longest, blanks = 0, 0, 0
    for filled in flags:
        if filled:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
            blanks += 1
    return longest >= 2 and blanks > 0


def detect_format(path, text=None):
    """Guess the format of ``path`` (see the module docstring)."""
    if os.path.isdir(path):
        return "folder"
    if path.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if text is not None:
        first = text.lstrip()[:1]
        if first == "{":
            return "jsonl"
        if "\f" in text or any(_SEPARATOR_RE.match(line) for line in text.split("\n")):
            return "separated"
    return "text"


def read_input(path, fmt=None):
    """Read one input path into (documents, notes); ``fmt`` forces a format."""
    if fmt not in (None, "auto") and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", path=path)
    if fmt == "folder" or (fmt in (None, "auto") and os.path.isdir(path)):
        return _read_folder(path)
    text, note = read_text_file(path)
    notes = [f"{path}: {note}"] if note else []
    fmt = detect_format(path, text) if fmt in (None, "auto") else fmt
    if fmt == "jsonl":
        documents = _read_jsonl(text, path)
        check_length([p.text for d in documents for p in d.paragraphs], path)
        return documents, notes
    check_length([text], path)
    if fmt == "separated":
        return _read_separated(text, path), notes
    paragraphs = paragraphs_of(text)
    return [Document(path, tuple(paragraphs), split=True)], notes


def _read_folder(path):
    if not os.path.isdir(path):
        raise InputError("is not a folder (--format folder)", path=path)
    names = sorted(n for n in os.listdir(path) if n.endswith((".txt", ".md")))
    documents, notes = [], []
    for name in names:
        file_path = os.path.join(path, name)
        mode = os.lstat(file_path).st_mode
        if stat.S_ISLNK(mode):
            raise InputError("is a symbolic link: the import does not follow links; "
                             "copy the file into the folder instead", path=file_path)
        if not stat.S_ISREG(mode):
            notes.append(f"{file_path}: skipped: not a regular file ({file_kind(mode)})")
            continue
        text, note = read_text_file(file_path)
        if note:
            notes.append(f"{file_path}: {note}")
        check_length([text], file_path)
        documents.append(Document(file_path, tuple(paragraphs_of(text))))
    if not documents:
        raise InputError("has no .txt or .md files to import", path=path)
    return documents, notes


def _read_separated(text, path):
    documents, chunk = [], []

    def flush():
        paragraphs = _paragraphs(chunk)
        if paragraphs:
            documents.append(Document(path, tuple(paragraphs)))
        chunk.clear()

    for number, line in enumerate(text.split("\n"), 1):
        for index, piece in enumerate(line.split("\f")):
            if index > 0:
                flush()
            if _SEPARATOR_RE.match(piece):
                flush()
            else:
                chunk.append((number, piece))
    flush()
    if not documents:
        raise InputError("has separators but no text between them", path=path)
    return documents


def _read_jsonl(text, path):
    documents = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"broken JSON line: {exc.msg} (column {exc.colno}); "
                             "each line must be one JSON object", path=path, line=number) from None
        if not isinstance(record, dict):
            raise InputError("each line must be a JSON object {...}", path=path, line=number)
        body = record.get("paragraphs", record.get("text"))
        if isinstance(body, str):
            texts = [p.text for p in paragraphs_of(body)]
        elif isinstance(body, list) and all(isinstance(p, str) for p in body):
            texts = [p.strip() for p in body if p.strip()]
        else:
            raise InputError("needs 'paragraphs' (a list of strings) or 'text' (a string)",
                             path=path, line=number)
        if not texts:
            raise InputError("the article has no text", path=path, line=number)
        meta = {key: record[key] for key in JSON_FIELDS if record.get(key) not in (None, "", [])}
        _check_meta(meta, path, number)
        paragraphs = tuple(Paragraph(t, number, number) for t in texts)
        documents.append(Document(path, paragraphs, meta=meta))
    return documents


def _check_meta(meta, path, line):
    for key, value in meta.items():
        if key == "tags":
            if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
                raise InputError("'tags' must be a list of strings", path=path, line=line)
        elif not isinstance(value, str):
            raise InputError(f"'{key}' must be a string", path=path, line=line)
    if "date" in meta and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"][:10]):
        raise InputError("'date' must look like YYYY-MM-DD", path=path, line=line)
