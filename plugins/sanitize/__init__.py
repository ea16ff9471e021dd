"""sanitize: articles from strangers are built inert.

Every rendered body and summary of articles and pages goes through the
allowlist of ``archivist.sanitize``. No setting of its own.
"""

from pelican import signals

from . import bodies


def register():
    signals.content_object_init.connect(bodies.sanitize_content)
