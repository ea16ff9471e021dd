"""The readable text of rendered HTML: what the search index holds and reading time counts."""

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
