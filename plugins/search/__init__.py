"""Archive search: a term-sharded lunr index written into the site (see search_index)."""

from pelican import signals

from .search_index import finish, generate_for_articles


def register():
    signals.article_generator_finalized.connect(generate_for_articles)
    signals.finalized.connect(finish)
