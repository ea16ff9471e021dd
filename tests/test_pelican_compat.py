"""archivist.pelican_compat: Pelican's internals used in one place, for the versions they were written for."""

import re
import subprocess
import sys
import tomllib

import pytest

from archivist import pelican_compat

from .conftest import ROOT


def test_the_patches_are_written_for_the_pinned_versions():
    pins = dict(re.fullmatch(r"([\w-]+)(?:\[\w+\])?==(.+)", requirement).groups()
                for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    assert {package: pins[package] for package in pelican_compat.WRITTEN_FOR} == pelican_compat.WRITTEN_FOR
    for package, version in pelican_compat.WRITTEN_FOR.items():
        assert pelican_compat.installed_version(package) == version


def test_another_installed_version_is_refused_naming_the_package_both_versions_and_the_fix():
    installed = {"pelican": "4.12.0", "pelican-sitemap": "1.3.0"}.get
    pelican_compat.require_written_for(["pelican"], installed=installed)
    with pytest.raises(pelican_compat.PelicanVersionError) as raised:
        pelican_compat.require_written_for(["pelican", "pelican-sitemap"], installed=installed)
    message = str(raised.value)
    assert message.startswith("pelican-sitemap 1.3.0 is installed, but archivist/pelican_compat.py uses the "
                              "internals of pelican-sitemap 1.2.2: install pelican-sitemap==1.2.2")
    assert "check every function of archivist/pelican_compat.py against pelican-sitemap 1.3.0" in message
    assert "\n" not in message
    # A package that is not installed has no internals to use.
    pelican_compat.require_written_for(["pelican-sitemap"], installed={}.get)


def test_no_private_name_of_pelican_or_its_plugins_is_used_outside_the_compat_module():
    private = re.compile(r"\._content\b|\._summary\b|_written_files|_overridden_files|_open_w\b|_filestamp_func"
                         r"|_cache_data_policy|_filter_discardable_metadata|\._build_period_archives"
                         r"|\.override_url\s*=|sitemap\.\w+\s*=(?!=)")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for folder in ("archivist", "plugins") for path in sorted((ROOT / folder).rglob("*.py"))
             if path.name != "pelican_compat.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if private.search(line)]
    assert found == []


@pytest.mark.parametrize("package", ["pelican", "pelican-sitemap"])
def test_a_build_with_another_version_stops_with_one_line(package, tmp_path):
    output = tmp_path / "output"
    script = (
        "import sys\n"
        "from archivist import pelican_compat\n"
        f"pelican_compat.WRITTEN_FOR[{package!r}] = '0.1'\n"
        "from pelican import main\n"
        "main(sys.argv[1:])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "content"), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"),
         "-e", f'CACHE_PATH="{tmp_path / "cache"}"'],
        cwd=ROOT, capture_output=True, text=True,
    )
    installed = pelican_compat.installed_version(package)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {package} {installed} is installed, but archivist/pelican_compat.py uses the internals of "
        f"{package} 0.1: install {package}==0.1 (`make deps`), or check every function of "
        f"archivist/pelican_compat.py against {package} {installed} and set WRITTEN_FOR[{package!r}] "
        f"to {installed!r}"
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert not output.exists() or not any(output.iterdir()), "nothing may be written"


def test_theme_static_outputs_are_the_files_pelican_copies(tmp_path):
    from pelican.utils import copy

    theme = tmp_path / "theme"
    for name in ("static/css/site.css", "static/js/a.js", "static/.hidden", "static/.git/x", "extra/robots.txt"):
        (theme / name).parent.mkdir(parents=True, exist_ok=True)
        (theme / name).write_text(name)
    settings = {"THEME": str(theme), "THEME_STATIC_DIR": "theme", "IGNORE_FILES": [".*"],
                "THEME_STATIC_PATHS": ["static", "extra/robots.txt"]}
    output = tmp_path / "output"
    for path in settings["THEME_STATIC_PATHS"]:  # as StaticGenerator._copy_paths calls it
        source = theme / path
        copy(str(source), str(output / "theme" / (source.name if source.is_file() else ".")), [".*"])
    copied = sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_file())
    assert pelican_compat.theme_static_outputs(settings) == copied == [
        "theme/css/site.css", "theme/js/a.js", "theme/robots.txt"]


def test_pelican_s_content_cache_is_saved_atomically_and_a_damaged_one_is_read_as_empty(tmp_path):
    from pelican.cache import FileDataCacher

    warned = []
    pelican_compat.make_content_cache_safe(lambda path, error: warned.append((path, type(error).__name__)))
    settings = {"CACHE_PATH": str(tmp_path), "GZIP_CACHE": False}
    cache = FileDataCacher(settings, "ArticlesGenerator-Readers", True, True)
    cache.cache_data("a.md", "reading")
    cache.save_cache()
    assert FileDataCacher(settings, "ArticlesGenerator-Readers", True, True).get_cached_data("a.md") == "reading"
    assert [p.name for p in tmp_path.iterdir()] == ["ArticlesGenerator-Readers"]  # no temporary file left
    assert pelican_compat.content_cache_files(settings) == [str(tmp_path / "ArticlesGenerator-Readers")]

    (tmp_path / "ArticlesGenerator-Readers").write_bytes(b"")  # killed while Pelican wrote it
    assert FileDataCacher(settings, "ArticlesGenerator-Readers", True, True).get_cached_data("a.md") is None
    assert warned == [(str(tmp_path / "ArticlesGenerator-Readers"), "EOFError")]
