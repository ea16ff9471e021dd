"""The offline copy of the site: ``archivist dist [OUTPUT_DIR]`` (``make dist``).

Builds the site for reading from disk (relative URLs, the settings of
``pelicanconf.py``) into a temporary folder and zips it as
``<OUTPUT_DIR>/<archive>-<date>.zip``: archive = the slug of SITENAME, date =
the newest article's date. Entries sit in one top folder named like the zip,
in sorted order, with the newest article's date as their time and fixed
permissions, so the same content always gives the same bytes. No entry
name can leave that folder (no ``..``, no backslash), and symbolic links in
the static files or the built site are refused, not followed.
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import zipfile

from .errors import ArchivistError, InputError
from .export import export
from .settings import DEFAULT_SETTINGS_FILE, load_settings
from .slugs import pelican_slug
from .checks import archive_files, options, read_file

DEFAULT_OUTPUT = "dist"
DATA_FOLDER = "data"


def archive_name(settings):
    """The slug of SITENAME: "Archivist" -> "archivist"."""
    return pelican_slug(settings.get("SITENAME") or "archive", settings)


def newest_date(settings):
    """The newest publication date among the archive's articles."""
    opts = options(settings)
    dates = []
    for path in archive_files(settings):
        parsed = read_file(path, opts)
        value = parsed.meta.get("date")
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            dates.append(value)
    if not dates:
        raise InputError("no dated article in the archive: nothing to publish", path=settings["PATH"])
    return max(dates)


def build(settings_path, content, output, overrides=()):
    """Build the site for file:// into ``output`` with the real ``pelican`` command
    (``overrides``: more ``NAME=JSON`` settings)."""
    cmd = [
        sys.executable, "-m", "pelican", content,
        "-o", output,
        "-s", settings_path,
        "--fatal", "errors",
        "-e", "RELATIVE_URLS=true", 'SITEURL=""', 'OFFLINE_DOWNLOAD_URL=""',
        f'CACHE_PATH="{os.path.join(output, os.pardir, "cache")}"',
        "LOAD_CONTENT_CACHE=false",
        *overrides,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise ArchivistError(
            f"the site build failed (exit {result.returncode}); run `make site` to see why:\n"
            + (result.stderr or result.stdout)[-4000:],
            path=settings_path,
        )


def refuse_links(folders):
    """Raise ArchivistError naming the first symbolic link under ``folders`` (sorted walk).

    The build copies the theme's and the content's static files by
    following links, so a link there (``theme/static/x -> /etc/passwd``)
    would put whatever it points to into the zip.
    """
    for folder in folders:
        if os.path.islink(folder):
            raise ArchivistError(_LINK_REFUSED, path=folder)
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted([*dirnames, *filenames]):
                if os.path.islink(os.path.join(dirpath, name)):
                    raise ArchivistError(_LINK_REFUSED, path=os.path.join(dirpath, name))


_LINK_REFUSED = "is a symbolic link: the offline copy does not follow links; copy the file in instead"


def static_folders(settings, settings_path):
    """The folders the build copies as they are: the theme's static files and STATIC_PATHS."""
    base = os.path.dirname(os.path.abspath(settings_path))
    theme = os.path.join(base, settings.get("THEME") or "theme")
    folders = [os.path.join(theme, "static")]
    folders += [os.path.join(settings["PATH"], path) for path in settings.get("STATIC_PATHS") or ()]
    return [folder for folder in folders if os.path.lexists(folder)]


def entry_name(relative):
    """The zip entry name of a file at ``relative`` (a path inside the site, "/"-separated).

    Refused (ArchivistError) when an unzipper could put it outside its
    folder: a backslash (a separator on Windows), an empty, "." or ".."
    part, or an absolute path.
    """
    parts = relative.split("/")
    if "\\" in relative or relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ArchivistError("cannot go into the offline zip: its name has a backslash or a '.', '..' or "
                             "empty part, which an unzipper could write outside its folder; rename it",
                             path=relative)
    return relative


def write_zip(site, zip_path, top, date):
    """Zip the folder ``site`` under ``top/`` deterministically; links are refused, not followed."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    refuse_links([site])
    files = []
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        files.extend(os.path.join(dirpath, name) for name in filenames)
    entries = sorted((entry_name(os.path.relpath(f, site).replace(os.sep, "/")), f) for f in files)
    entry_name(top)
    partial = zip_path + ".partial"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read())
    os.replace(partial, zip_path)
    return zip_path


def make_dist(output_dir=DEFAULT_OUTPUT, settings_path=DEFAULT_SETTINGS_FILE, content=None):
    """Build and zip the offline copy; return the zip's path."""
    settings = load_settings(settings_path)
    content = content or settings["PATH"]
    if content != settings["PATH"]:
        settings = {**settings, "PATH": os.path.abspath(content)}
    refuse_links(static_folders(settings, settings_path))
    date = newest_date(settings)
    name = f"{archive_name(settings)}-{date.isoformat()}"
    os.makedirs(output_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="archivist-dist-") as tmp:
        site = os.path.join(tmp, "site")
        # The archive as data goes in too (archivist export), linked from the About page.
        citations = {**(settings.get("CITATIONS") or {}), "data_url": DATA_FOLDER}
        build(os.path.abspath(settings_path), content, site, [f"CITATIONS={json.dumps(citations)}"])
        export(settings, os.path.join(site, DATA_FOLDER))
        if not os.path.isfile(os.path.join(site, "index.html")):
            raise ArchivistError("the build wrote no index.html: check THEME in the settings",
                                 path=settings_path)
        return write_zip(site, os.path.join(output_dir, f"{name}.zip"), name, date)
