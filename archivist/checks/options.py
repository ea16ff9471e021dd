"""The ``ARCHIVE_GUARD`` setting: the limits of ``archivist check`` and the build."""

from ..settings import merge_options

# ARCHIVE_GUARD = {...} in pelicanconf.py is merged over these.
DEFAULTS = {
    # Larger article files are refused: a news article is a few kilobytes.
    "max_bytes": 1_000_000,
    # Two bodies sharing this fraction of their word 5-grams are near-duplicates
    # (Jaccard similarity); None turns the comparison off.
    "duplicate_threshold": 0.8,
    # Tags whose spelling keys are this similar (difflib ratio) are flagged.
    "tag_similarity": 0.9,
    # Dates up to this many days after today (in the TIMEZONE setting) are accepted.
    "future_days": 0,
    # More tags than this on one article are refused: each tag is a page, and a
    # list of thousands made checking and building take minutes.
    "max_tags": 20,
}


def options(settings):
    """The validation options: ``ARCHIVE_GUARD`` from the settings over DEFAULTS, checked."""
    return merge_options(
        "ARCHIVE_GUARD", settings.get("ARCHIVE_GUARD"), DEFAULTS,
        minimums={"max_bytes": 1, "future_days": 0, "max_tags": 1},
        fractions=("duplicate_threshold", "tag_similarity"),
        optional=("duplicate_threshold",),
    )
