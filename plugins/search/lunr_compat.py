"""Every touch of lunr.py's internals, in one place.

The index is lunr's serialized form computed without lunr.py's Builder (see
:mod:`shards`). The numbers of its arithmetic (BM25's ``k1`` and ``b``, the
field boosts) and the head of its serialized form are read from a Builder
configured as the index is, so that they stay lunr's own; lunr.py keeps them
in private attributes (``_k1``, ``_b``, ``_fields``) that another version may
rename or change. The tests compare the index with one built by lunr.py's own
Builder; :func:`check_version` stops a build on a version they did not run on.
"""

import lunr
from lunr import __TARGET_JS_VERSION__ as LUNR_VERSION
from lunr.builder import Builder

from archivist.errors import ArchivistError

from .analysis import FIELDS, REF

# The lunr.py these helpers were written for (pinned in pyproject.toml).
LUNR_PY_VERSION = "0.8.0"


def check_version():
    """Raise an ArchivistError when the installed lunr.py is not the one these helpers read."""
    if lunr.__VERSION__ != LUNR_PY_VERSION:
        raise ArchivistError(
            f"lunr {lunr.__VERSION__} is installed, but the search index reads internals of lunr "
            f"{LUNR_PY_VERSION}; install lunr=={LUNR_PY_VERSION} (pyproject.toml) or check "
            "plugins/search/lunr_compat.py against the new version")


def configured(builder):
    """``builder`` set up as the index is: empty pipelines (terms arrive analyzed), our ref and fields."""
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref(REF)
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    return builder


def index_head(builder):
    """The parts of a serialized index that every shard repeats: lunr's version, fields, pipeline."""
    return {"version": LUNR_VERSION, "fields": field_names(builder), "pipeline": builder.search_pipeline.serialize()}


def field_names(builder):
    return list(builder._fields)


def field_boosts(builder):
    """The boost of each field, in field order."""
    return [field.boost for field in builder._fields.values()]


def bm25_parameters(builder):
    """(k1, b): the term-frequency saturation and length normalisation of lunr's BM25."""
    return builder._k1, builder._b


def index_parameters():
    """(head, field boosts, (k1, b)) of the index, from a Builder configured as it is."""
    builder = configured(Builder())
    return index_head(builder), field_boosts(builder), bm25_parameters(builder)
