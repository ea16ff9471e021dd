"""Findings, their stable codes, and the forms they are printed in.

A finding's ``code`` names the rule it breaks and never changes with the
wording of its message: tools (the importer, CI scripts) match codes, people
read messages. Every code is listed in ``CODES`` and, with its fix, in
docs/check-messages.md.
"""

import dataclasses

from ..errors import log_line

ERROR = "error"
WARNING = "warning"

# code -> what it means. Adding a rule adds its code here and to the docs.
CODES = {
    # Reading the file
    "not-markdown": "the file does not end in .md, so the build ignores it",
    "too-large": "the file is over ARCHIVE_GUARD max_bytes",
    "not-regular-file": "a FIFO, a device or another file that is not a regular file",
    "outside-content": "a symbolic link to a place outside the content folder",
    "not-utf8": "the file is not valid UTF-8",
    "empty-file": "the file holds nothing",
    "hidden-file": "a file whose name or folder starts with a dot",
    "bad-front-matter": "no YAML front matter, invalid YAML, or not a mapping",
    "bad-key": "a front matter key that is not a name",
    "duplicate-key": "one key twice, in different cases",
    "key-case": "a front matter key not written in lower case",
    "invalid-date": "'date' or 'modified' is not a real date",
    # Keys and values of one article
    "missing-key": "a required key (title, date, category, tags, summary, source; title on a page) is missing",
    "unknown-key": "a front matter key the site does not read (save_as, url, template, lang...)",
    "draft": "status: draft: built for preview only, never published",
    "bad-status": "a status other than draft that would hide the file or make the build skip it",
    "not-text": "a text field holds a number, date or yes/no",
    "bad-character": "a value holds a control character or half of a surrogate pair",
    "extra-spaces": "spaces around a value or inside a tag",
    "placeholder": "a TODO placeholder is left",
    "bad-source-url": "source_url is not a web address",
    "bad-authors": "authors is not a list of names",
    "future-date": "'date' or 'modified' is in the future",
    "date-too-early": "'date' or 'modified' is before 1900",
    "modified-before-date": "'modified' is before 'date'",
    "bad-updates": "'updates' is not a list of real dated notes after 'date'",
    "unknown-topic": "the category is not one of ARCHIVE_TOPICS",
    "unsafe-slug": "the slug would write outside its folder",
    "non-ascii-slug": "the slug is not ASCII",
    "bad-slug": "the slug is not of the form words-like-this",
    "reserved-slug": "the slug names a page or folder the site generates (index, tags, 2025...)",
    "no-text": "the article has no text",
    "raw-element": "a <script>, <iframe>, <object> or <embed> in the body",
    "event-handler": "an on...= attribute in the body",
    "javascript-url": "a javascript: URL in the body",
    "unsafe-markup": "markup the build's sanitiser would remove from the rendered body or summary",
    "file-name": "the file name does not follow YYYY-MM-DD-<slug>.md",
    "tags-not-list": "'tags' is not a YAML list",
    "tag-not-text": "a tag is not text",
    "empty-tag": "an empty tag",
    "duplicate-tag": "one tag twice in an article",
    "empty-tag-slug": "a tag with no letter or digit, so its page has no address",
    "too-many-tags": "more tags than ARCHIVE_GUARD max_tags",
    # Against the rest of the archive
    "tag-spelling": "a tag spelled differently elsewhere in the archive",
    "similar-tag": "a new tag spelled almost like an existing one",
    "duplicate-slug": "another article has the same slug",
    "near-duplicate": "another article's text is nearly the same",
    # The build (archive_guard)
    "unread-by-pelican": "Pelican could not read the article",
    "shared-output": "two sources would write one output file",
    "outside-output": "a page would be written outside the output folder",
}


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    """One problem with an article; ``str()`` gives ``path:line: severity: message``.

    ``code`` is one of ``CODES``; ``key`` the front matter key at fault, if any.
    """

    path: str
    line: int
    severity: str
    message: str
    code: str
    key: str = ""

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}: add it to CODES and the docs")

    def __str__(self):
        return log_line(f"{self.path}:{self.line}: {self.severity}: {self.message}")

    def github(self):
        """The finding as a GitHub Actions workflow command (an annotation on the file), on one line."""
        return (f"::{self.severity} file={_escape_property(self.path)},line={self.line}::"
                f"{_escape_data(log_line(self.message))}")


def _escape_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text):
    return _escape_data(log_line(text)).replace(":", "%3A").replace(",", "%2C")


FORMATS = {"text": str, "github": Finding.github}


def counts(findings):
    """(errors, warnings) in a list of findings."""
    errors = sum(1 for f in findings if f.severity == ERROR)
    return errors, len(findings) - errors
