"""Replace the ``<!-- offline-download -->`` marker with a link to the offline zip."""

import html
import posixpath

from archivist import pelican_compat

MARKER = "<!-- offline-download -->"


def link_html(url, page_url):
    """The download paragraph; a site-relative ``url`` is made relative to the page."""
    if "://" not in url and not url.startswith("/"):
        url = posixpath.relpath(url, posixpath.dirname(page_url or "") or ".")
    return (
        f'<p class="offline-download"><a href="{html.escape(url)}" download>Download the archive '
        "for offline reading</a>: a zip file; unpack it and open <code>index.html</code> "
        "(search works there too).</p>"
    )


def replace_marker(text, url, page_url):
    """``text`` with the marker replaced by the link, or removed when ``url`` is empty."""
    return text.replace(MARKER, link_html(url, page_url) if url else "")


def insert(content):
    """content_object_init receiver: fill in the marker of a page or article."""
    text = pelican_compat.body_html(content)
    if text and MARKER in text:
        url = content.settings.get("OFFLINE_DOWNLOAD_URL") or ""
        pelican_compat.set_body_html(content, replace_marker(text, url, content.url))
