"""The FAST_BUILD setting: its keys, their defaults, and the one check of the values given."""

from archivist.settings import merge_options

# FAST_BUILD = {...} in pelicanconf.py is merged over these.
DEFAULTS = {
    # Skip rendering unchanged pages (False: plain Pelican writing).
    "enabled": True,
    # Delete output files the previous build wrote and this one did not.
    "delete_stale": True,
    # Manifest file name inside CACHE_PATH.
    "manifest": "fast_build.pickle",
    # Processes that read (Markdown to HTML) the articles missing from the
    # content cache: 0 = one per CPU, 1 = read in the build process only.
    "processes": 0,
    # Fewer uncached articles than this are read in the build process.
    "parallel_min": 64,
    # Skip the whole build when no input changed and the output is as the
    # last successful build left it (never with DELETE_OUTPUT_DIRECTORY).
    "skip_unchanged_builds": True,
    # Other files or folders the build reads (code the plugins import, files
    # they copy): a change to them means "build again".
    "inputs": [],
    # Keep Jinja's compiled templates in CACHE_PATH/jinja (with CACHE_CONTENT).
    "template_cache": True,
    # Exempt the build's long-lived objects from Python's cycle collector
    # while it runs (see collector.py).
    "gc_freeze": True,
}
_FLAGS = ("enabled", "delete_stale", "skip_unchanged_builds", "template_cache", "gc_freeze")
_MINIMUMS = {"processes": 0, "parallel_min": 0}


def merge_settings(value):
    """FAST_BUILD merged over DEFAULTS; PluginSettingsError (a ValueError) names a bad key or value and the fix."""
    return merge_options("FAST_BUILD", value, DEFAULTS, minimums=_MINIMUMS, flags=_FLAGS)
