"""Run every rendered body and summary through the allowlist before anything uses it."""

from archivist import sanitize


def sanitize_content(content):
    """content_object_init: clean the HTML of an article or page (static files have none).

    Runs before any generator, plugin or template sees the content; the
    summary is Markdown rendered to HTML too (``FORMATTED_FIELDS``), and is
    what the Atom feeds publish.
    """
    if isinstance(getattr(content, "_content", None), str):
        content._content = sanitize.clean(content._content)
    if isinstance(getattr(content, "_summary", None), str):
        content._summary = sanitize.clean(content._summary)
    for field in content.settings.get("FORMATTED_FIELDS", ()):
        value = content.metadata.get(field)
        if isinstance(value, str):
            content.metadata[field] = sanitize.clean(value)
