"""Archive search: a term-sharded lunr index written into the site (see search_index)."""

from pelican import signals

from .search_index import finish, generate


def register():
    signals.all_generators_finalized.connect(generate)
    signals.finalized.connect(finish)
