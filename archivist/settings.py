"""Read the archive's configuration from ``pelicanconf.py``.

The command line uses the same settings as the site build so that the topic
taxonomy (``ARCHIVE_TOPICS``) and the content folder are defined once.
"""

import logging
import os

from .errors import PluginSettingsError, SettingsError

DEFAULT_SETTINGS_FILE = "pelicanconf.py"


def merge_options(setting, value, defaults, minimums=None, flags=(), fractions=(), optional=()):
    """``defaults`` with the dict setting ``setting`` (e.g. "SEARCH") over them, as a new dict.

    The one check of every plugin's namespaced setting. ``None`` gives the
    defaults. Anything but a dict, a key ``defaults`` does not have, a key of
    ``minimums`` that is not a whole number of at least its minimum, a key
    of ``flags`` that is not True or False, or a key of ``fractions`` that
    is not a number above 0 and at most 1 raises ``PluginSettingsError``
    naming the setting, the key and how to fix it. A key of ``optional``
    may also be None (the feature it sets is off).
    """
    if value is None:
        value = {}
    if not isinstance(value, dict):
        key, default = next(iter(defaults.items()))
        raise PluginSettingsError(
            f"{setting} must be a dict, not {type(value).__name__}: "
            f"set e.g. {setting} = {{{key!r}: {default!r}}} in pelicanconf.py"
        )
    unknown = sorted(set(value) - set(defaults))
    if unknown:
        raise PluginSettingsError(
            f"unknown {setting} key(s) {', '.join(map(repr, unknown))}: "
            f"use only {', '.join(map(repr, sorted(defaults)))} in pelicanconf.py"
        )
    merged = {**defaults, **value}
    for key, least in (minimums or {}).items():
        number = merged[key]
        if number is None and key in optional:
            continue
        if isinstance(number, bool) or not isinstance(number, int) or number < least:
            raise PluginSettingsError(
                f"{setting}[{key!r}] must be a whole number of at least {least}, not {number!r}: "
                "fix it in pelicanconf.py"
            )
    for key in flags:
        if not isinstance(merged[key], bool):
            raise PluginSettingsError(
                f"{setting}[{key!r}] must be True or False, not {merged[key]!r}: fix it in pelicanconf.py"
            )
    for key in fractions:
        number = merged[key]
        if number is None and key in optional:
            continue
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 < number <= 1:
            off = " (or None to turn it off)" if key in optional else ""
            raise PluginSettingsError(
                f"{setting}[{key!r}] must be a number above 0 and at most 1{off}, not {number!r}: "
                "fix it in pelicanconf.py"
            )
    return merged


def load_settings(path=DEFAULT_SETTINGS_FILE):
    """Return Pelican's settings dict for ``path``, with ``PATH`` made absolute.

    Raises SettingsError when the file is missing or defines no topics.
    """
    from pelican.settings import read_settings

    if not os.path.isfile(path):
        raise SettingsError(
            "settings file not found (run from the archive's folder or pass --settings)",
            path=path,
        )
    # Pelican warns about feeds without SITEURL: true of every local build, and
    # noise in the output of a command that only reads the topics and paths.
    settings_logger = logging.getLogger("pelican.settings")
    previous_level = settings_logger.level
    settings_logger.setLevel(logging.ERROR)
    try:
        settings = read_settings(path)
    finally:
        settings_logger.setLevel(previous_level)
    topics = settings.get("ARCHIVE_TOPICS")
    if not isinstance(topics, dict) or not topics:
        raise SettingsError(
            "ARCHIVE_TOPICS must be a dict of topic name -> one-line description",
            path=path,
        )
    return settings


def articles_dir(settings):
    """The folder new articles are written to: the first of ARTICLE_PATHS."""
    article_paths = settings.get("ARTICLE_PATHS") or [""]
    return os.path.join(settings["PATH"], article_paths[0])
