"""The GitHub Actions workflows: valid, pinned, least privilege, and clean for zizmor (offline)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent  # the venv's bin/, where the linters are installed
# Any attempt to reach the network fails fast: the checks must work offline.
OFFLINE = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "NO_PROXY": ""}
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def tool(name):
    path = BIN / name
    return str(path) if path.exists() else name


def load(path):
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_both_workflows_exist():
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "pages.yml"]


def test_workflows_match_the_github_schema_offline():
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True, text=True, env=OFFLINE,
    )
    assert result.returncode == 0 and "ok -- validation done" in result.stdout, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_severity_or_more():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--min-severity", "medium", *map(str, WORKFLOWS)],
        capture_output=True, text=True, env=OFFLINE,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_checkouts_keep_no_credentials(path):
    lines = [line.split("uses:", 1)[1].strip() for line in path.read_text().splitlines() if "uses:" in line]
    assert lines
    for action in lines:
        assert PINNED.match(action), f"{path.name}: {action!r} is not pinned to a commit SHA with a version comment"
    for job in load(path)["jobs"].values():
        for step in job.get("steps", ()):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege(path):
    workflow = load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert "write" not in job["permissions"].values() or name == "deploy", (name, job["permissions"])


def test_ci_runs_tests_check_build_and_uploads_the_site():
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert set(workflow["on"]) == {"pull_request", "push"}
    steps = workflow["jobs"]["test"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert ".ci/run" in runs  # installs Chromium from Debian, then `make test`
    assert "apt-get install" in (ROOT / ".ci" / "run").read_text() and "make test" in (ROOT / ".ci" / "run").read_text()
    assert "archivist check --format github" in runs and "make site" in runs
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/setup-node@") for u in uses)
    assert any(u.startswith("actions/cache@") for u in uses)
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "output/"


def test_pages_builds_for_its_address_and_deploys_with_the_offline_copy():
    workflow = load(ROOT / ".github" / "workflows" / "pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["group"] == "pages"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = build["steps"]
    configure = next(s for s in steps if s.get("uses", "").startswith("actions/configure-pages@"))
    publish = next(s for s in steps if "publishconf.py" in s.get("run", ""))
    assert publish["env"]["SITEURL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert "make dist" in " ".join(s.get("run", "") for s in steps)
    assert "output/downloads/archive.zip" in publish["run"] and "OFFLINE_DOWNLOAD_URL" in publish["run"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in steps)
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
