"""The offline copy: ``python -m archivist.dist [OUTPUT_DIR]`` (``make dist``).

Builds the site for reading from disk (relative URLs, the settings of
``pelicanconf.py``) into a temporary folder and zips it as
``<OUTPUT_DIR>/<archive>-<date>.zip``: archive = the slug of SITENAME, date =
the newest article's date. Entries sit in one top folder named like the zip,
in sorted order, with the newest article's date as their time and fixed
permissions, so the same content always gives the same bytes.
"""

import argparse
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
from .validate import archive_files, read, options

DEFAULT_OUTPUT = "dist"
DATA_FOLDER = "data"


def archive_name(settings):
    """The slug of SITENAME: "Archivist" -> "archivist"."""
    from pelican.utils import slugify

    return slugify(settings.get("SITENAME") or "archive", regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()))


def newest_date(settings):
    """The newest publication date among the archive's articles."""
    opts = options(settings)
    dates = []
    for path in archive_files(settings):
        with open(path, "rb") as handle:
            parsed = read(path, handle.read(), opts)
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


def write_zip(site, zip_path, top, date):
    """Zip the folder ``site`` under ``top/`` deterministically."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    files = []
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        files.extend(os.path.join(dirpath, name) for name in filenames)
    entries = sorted((os.path.relpath(f, site).replace(os.sep, "/"), f) for f in files)
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


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m archivist.dist",
        description="Build the archive for reading from disk and zip it as <archive>-<date>.zip.",
    )
    parser.add_argument("output", nargs="?", default=DEFAULT_OUTPUT,
                        help="folder for the zip (default: %(default)s)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE,
                        help="Pelican settings file (default: %(default)s)")
    parser.add_argument("--content", help="content folder (default: PATH of the settings)")
    args = parser.parse_args(argv)
    try:
        path = make_dist(args.output, args.settings, args.content)
    except ArchivistError as exc:
        print(f"archivist.dist: error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
