"""The readable text of rendered HTML: what the search index holds and reading time counts."""

import hashlib
import html.parser

# Elements whose content is not text a reader reads.
NOT_TEXT = frozenset({"script", "style", "template"})
# Elements that separate words: "<p>a</p><p>b</p>" is "a b", "a<em>b</em>" is "ab".
BLOCK = frozenset({"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
                   "blockquote", "pre", "section", "article", "figcaption", "dd", "dt"})


class _TextExtractor(html.parser.HTMLParser):
    def __init__(self, skipped):
        super().__init__(convert_charrefs=True)
        self.skipped = skipped
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.skipped:
            self.skipping += 1
        elif tag in BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.skipped and self.skipping:
            self.skipping -= 1
        elif tag in BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup, skipped=NOT_TEXT):
    """The text of an HTML fragment, whitespace collapsed; elements in ``skipped`` dropped whole."""
    parser = _TextExtractor(skipped)
    parser.feed(markup or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def markup_key(markup):
    """A content hash of an HTML fragment: the key of what is cached about it."""
    return hashlib.blake2b((markup or "").encode("utf-8", "surrogatepass"), digest_size=16).digest()


def reused_by_markup(markups, known, compute):
    """(``compute(markup)`` of each of ``markups``, {markup_key: result} of them all).

    Results in ``known`` ({markup_key: result}, a previous build's) are taken
    as they are: turning HTML into text is most of the cost of both users
    (reading time, the search index), and a rebuild after one edit has one
    body to turn.
    """
    results, fresh = [], {}
    for markup in markups:
        key = markup_key(markup)
        result = known.get(key)
        if result is None:
            result = compute(markup)
        fresh[key] = result
        results.append(result)
    return results, fresh
