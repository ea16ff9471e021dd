"""sanitize: articles from strangers are built inert and read within bounds.

Every rendered body and summary of articles and pages goes through the
allowlist of ``archivist.sanitize``; source files are stat-ed before they are
read (see ``bounds``). No setting of its own: the size limit is
``ARCHIVE_GUARD["max_bytes"]``, the one ``archivist check`` applies.
"""

from pelican import signals

from . import bounds, bodies


def register():
    signals.content_object_init.connect(bodies.sanitize_content)
    signals.finalized.connect(bodies.save_cleaned)
    signals.readers_init.connect(bounds.bound_readers)
    signals.initialized.connect(bounds.refuse_unreadable_sources)
