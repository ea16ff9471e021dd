"""offline_download: the About page links to the offline zip when it is published.

Setting: ``OFFLINE_DOWNLOAD_URL`` (default unset: no link). The page marks the
place with ``<!-- offline-download -->``; local builds, which have no zip,
show nothing there, so no link is ever broken.
"""

from pelican import signals

from . import link


def register():
    signals.content_object_init.connect(link.insert)
