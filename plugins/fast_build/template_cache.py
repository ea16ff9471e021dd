"""Jinja's compiled templates kept between builds (FAST_BUILD "template_cache").

Every build loads the templates, a skipped page's too, and compiling them is
a noticeable part of a rebuild. Jinja checks each kept entry against its
template's source and its own and Python's versions, so an edited template
is compiled again.
"""

import os

import jinja2


def template_cache(cache_path):
    """A bytecode cache in ``cache_path``/jinja."""
    folder = os.path.join(cache_path, "jinja")
    os.makedirs(folder, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(folder)


def keep_compiled_templates(env, settings):
    """Give the Jinja environment ``env`` the bytecode cache, when Pelican caches content and it has none."""
    if env.bytecode_cache is None and settings.get("CACHE_CONTENT"):
        env.bytecode_cache = template_cache(settings["CACHE_PATH"])
