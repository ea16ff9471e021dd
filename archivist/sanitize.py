"""Sanitise rendered HTML: what a stranger's Markdown may put on the site.

Every file under ``content/`` arrives by pull request, so the HTML that
Markdown renders from it (bodies, and summaries, which are Markdown too) goes
through an allowlist before it is written: ``clean(html)``. The allowlist is
applied by nh3 (the bindings of ammonia, which parses with html5ever as a
browser does, so a payload cannot hide from it in markup that regexes read
differently: a quoted ``>``, a CR-only line end, an escaped backtick):

- elements: text structure, lists, tables, links, images, code and the
  markup of Markdown's ``extra`` and ``codehilite`` extensions; anything else
  (``base``, ``meta``, ``link``, ``form``, ``svg``...) is removed, keeping its
  text, and ``script``, ``style`` and the other elements whose content is
  code or not text (ELEMENTS_REMOVED_WITH_CONTENT) go with their content;
- attributes: a short list per element (ATTRIBUTES); no ``on*`` handler,
  no ``style`` (the site's Content-Security-Policy would refuse it anyway);
- links: ``http``, ``https``, ``mailto`` or relative, checked after the
  browser's own decoding (``jav&#x61;script:``, ``java&#9;script:``);
- resources: an image is loaded only from the site itself. An image from
  another host (``https://...``, ``//host/...``) becomes a link to it,
  labelled with its alt text, or its alt text alone inside a link: the
  reader can still open it, and nobody learns who read the page. An image
  left without a source (``javascript:...`` removed) becomes its alt text.

``clean`` is deterministic. It normalises character references (``&quot;``
becomes ``"``, ``&#8617;`` the character itself) and ``\\r`` to ``\\n``:
the same text, other bytes.

``removals(html)`` says what ``clean`` takes out, as messages, and
``markdown_removals(body, markdown_settings)`` does it for a Markdown body,
with the line of the body each comes from where it can be found: for
``archivist check``, so that CI names the line before the build changes it.
"""

import html
import html.parser
import re

import nh3

ALLOWED_ELEMENTS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "var", "wbr",
})
# Removed with everything inside them: code, or content that is not text.
ELEMENTS_REMOVED_WITH_CONTENT = frozenset({
    "script", "style", "template", "svg", "math", "iframe", "object", "embed", "noscript",
    "noembed", "noframes", "textarea", "select", "title", "xmp", "plaintext", "frameset",
})
# Allowed on every allowed element.
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
ATTRIBUTES = {
    "*": set(GLOBAL_ATTRIBUTES),
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "abbr": set(),
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
}
URL_ATTRIBUTES = frozenset({"href", "src"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_ELEMENTS),
    clean_content_tags=set(ELEMENTS_REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    # Markdown's own output, unchanged: no rel="noopener" added to links;
    # comments are inert and html5ever writes them back safely.
    link_rel=None,
    strip_comments=False,
)
# In nh3's output attribute values are double-quoted with '"', '<' and '>'
# escaped, and text has '<' escaped: a tag is exactly this.
_OUTPUT_TOKEN_RE = re.compile(r"<!--.*?-->|<(/?)(a|img)\b((?:\s+[^\s=>]+(?:=\"[^\"]*\")?)*)\s*/?>", re.DOTALL)
_OUTPUT_ATTRIBUTE_RE = re.compile(r"([^\s=>]+)(?:=\"([^\"]*)\")?")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def clean(markup):
    """``markup`` (an HTML fragment) with everything outside the allowlist removed."""
    if not markup:
        return markup
    return _images_from_the_site_only(_CLEANER.clean(markup))


def browser_url(value):
    """A URL attribute's decoded value as a browser reads it: outer spaces and
    control characters stripped, tabs and newlines removed, ``\\`` read as ``/``."""
    value = value.strip("".join(map(chr, range(0x21))))
    return re.sub(r"[\t\n\r]", "", value).replace("\\", "/")


def is_other_host(url):
    """True when ``url`` (decoded) loads from another host: it has a scheme or starts with ``//``."""
    url = browser_url(url)
    return bool(_SCHEME_RE.match(url)) or url.startswith("//")


def url_is_allowed(url):
    """True when ``url`` (decoded) is a link the sanitiser keeps: http(s), mailto or relative."""
    match = _SCHEME_RE.match(browser_url(url))
    return match is None or match.group(1).lower() in URL_SCHEMES


def _images_from_the_site_only(markup):
    if "<img" not in markup:
        return markup
    pieces, last, in_link = [], 0, False
    for match in _OUTPUT_TOKEN_RE.finditer(markup):
        closing, tag, attributes = match.group(1), match.group(2), match.group(3)
        if tag == "a":
            in_link = not closing
            continue
        if tag != "img" or closing:
            continue
        values = {name: html.unescape(value or "") for name, value in _OUTPUT_ATTRIBUTE_RE.findall(attributes or "")}
        source = values.get("src")
        if source is not None and not is_other_host(source):
            continue
        label = html.escape(values.get("alt", "").strip() or "image", quote=False)
        # An image whose src was removed (javascript:...) is its alt text.
        replacement = label if in_link or source is None else f'<a href="{html.escape(source)}">{label}</a>'
        pieces.append(markup[last:match.start()] + replacement)
        last = match.end()
    return "".join(pieces) + markup[last:] if pieces else markup


# --- What clean() removes, for messages ---------------------------------------


class _Removals(html.parser.HTMLParser):
    """Reads HTML as the allowlist does and notes, in order, what ``clean`` would take out.

    Each note is (message, needles): the texts that may be found in the
    Markdown source to tell its line, most precise first.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.notes = []
        self._inside_removed = []  # names of open elements removed with their content

    def handle_starttag(self, tag, attrs):
        if self._inside_removed:
            if tag == self._inside_removed[-1]:
                self._inside_removed.append(tag)
            return
        raw = self.get_starttag_text() or ""
        if tag in ELEMENTS_REMOVED_WITH_CONTENT:
            self.notes.append((f"<{tag}> is not allowed in an article: it is removed with its content",
                               (raw, f"<{tag}")))
            if tag not in _VOID_ELEMENTS:
                self._inside_removed.append(tag)
            return
        if tag not in ALLOWED_ELEMENTS:
            self.notes.append((f"<{tag}> is not allowed in an article: it is removed (its text is kept)",
                               (raw, f"<{tag}")))
            return
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                hint = " (scripts never run in an article)" if name.startswith("on") else ""
                self.notes.append((f"attribute {name!r} of <{tag}> is not allowed: it is removed{hint}",
                                   (f"{name}=", name)))
            elif name in URL_ATTRIBUTES and value is not None and not url_is_allowed(value):
                scheme = _SCHEME_RE.match(browser_url(value)).group(1).lower()
                self.notes.append((f"{scheme}: link in <{tag} {name}> is removed: "
                                   "only http, https, mailto and relative links are allowed",
                                   (_raw_value(raw, name), value, f"{name}=")))
            elif tag == "img" and name == "src" and value is not None and is_other_host(value):
                self.notes.append(("image from another host is turned into a link to it: "
                                   "put the image in the archive or link to it",
                                   (_raw_value(raw, name), value, "<img", "![")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._inside_removed and self._inside_removed[-1] == tag:
            self._inside_removed.pop()

    def handle_endtag(self, tag):
        if self._inside_removed and self._inside_removed[-1] == tag:
            self._inside_removed.pop()

    def handle_decl(self, decl):
        self.notes.append(("a markup declaration <!...> is removed", ("<!",)))

    def handle_pi(self, data):
        self.notes.append(("a processing instruction <?...> is removed", ("<?",)))

    def unknown_decl(self, data):
        self.notes.append(("a markup declaration <![...]> is removed", ("<![",)))


_VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                            "source", "track", "wbr", "plaintext"})


def _raw_value(start_tag, name):
    """The text of attribute ``name`` as written in ``start_tag``, before decoding."""
    match = re.search(rf"[\s\"'/]{re.escape(name)}\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", start_tag, re.IGNORECASE)
    return match.group(1).strip("\"'") if match else ""


def _notes(markup):
    reader = _Removals()
    # Browsers and Markdown both end a line at a lone CR: so does the reading.
    reader.feed(markup.replace("\r\n", "\n").replace("\r", "\n"))
    reader.close()
    return reader.notes


def removals(markup):
    """Messages for what ``clean(markup)`` removes or changes, in document order."""
    return [message for message, _needles in _notes(markup)]


def render_markdown(body, markdown_settings):
    """``body`` rendered as Pelican renders it with the ``MARKDOWN`` setting."""
    import markdown

    settings = dict(markdown_settings or {})
    configs = settings.pop("extension_configs", {})
    extensions = list(settings.pop("extensions", []) or [])
    extensions += [name for name in configs if name not in extensions]
    return markdown.Markdown(extensions=extensions, extension_configs=configs, **settings).convert(body)


def markdown_removals(body, markdown_settings, first_line=1):
    """(line, message) for what the sanitiser removes from ``body`` rendered as Markdown.

    ``first_line`` is the file's line where ``body`` starts. The line is that
    of the first text of the source that the removed markup comes from,
    searched after the previous one found, else ``first_line``.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n")
    folded = lines.casefold()
    found, cursor = [], 0
    for message, needles in _notes(render_markdown(body, markdown_settings)):
        position = None
        for needle in needles:
            needle = needle.casefold()
            if not needle:
                continue
            position = folded.find(needle, cursor)
            if position < 0:
                position = folded.find(needle)
            if position >= 0:
                cursor = position + 1
                break
            position = None
        line = first_line + (lines.count("\n", 0, position) if position is not None else 0)
        found.append((line, message))
    return found
