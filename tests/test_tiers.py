"""The test tiers: conftest puts what builds a site or starts a process in the slow tier."""

import types
from pathlib import Path

from . import conftest

# Sample code compiled from text (under this file's name, so it counts as the
# repository's): were it written here as functions, this module's own tests
# would name subprocess and land in the slow tier themselves.
SAMPLES = '''
import subprocess

def build_site(output):
    return subprocess.run(["pelican", "-o", str(output)])

def pure(words):
    return sorted(set(words))

def builds(tmp):
    return build_site(tmp / "output")

def calls_a_builder(tmp):
    return pure(["b", "a"]), builds(tmp)

def runs_node():
    import subprocess as child
    return child.run(["node", "--version"])

def runs_through_a_module(tmp):
    return helpers.builds(tmp)
'''


def samples():
    namespace = {}
    exec(compile(SAMPLES, str(Path(__file__)), "exec"), namespace)
    helpers = types.ModuleType("helpers")
    helpers.builds = namespace["builds"]
    namespace["helpers"] = helpers
    return namespace


def test_a_process_anywhere_on_the_way_is_slow_and_pure_code_is_not():
    code = samples()
    assert not conftest._starts_a_process(code["pure"], set())
    for name in ("builds", "calls_a_builder", "runs_node", "runs_through_a_module"):
        assert conftest._starts_a_process(code[name], set()), name


def test_every_test_on_the_site_or_the_browser_is_in_the_slow_tier(request):
    for item in request.session.items:
        if {"site", "browser"} & set(getattr(item, "fixturenames", ())):
            assert item.get_closest_marker("slow"), item.nodeid
