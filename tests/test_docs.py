"""Docs cannot drift: every setting is on the settings page with its default, the README keeps
the two commands, and the MkDocs site builds with --strict."""

import re
import subprocess
import sys
from pathlib import Path

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
SETTINGS_PAGE = (ROOT / "docs" / "settings.md").read_text("utf-8")


def test_every_setting_is_documented_on_the_settings_page():
    documented = set(re.findall(r"`(PLAN_[A-Z][A-Z0-9_]*)`", SETTINGS_PAGE))
    expected = {f"PLAN_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "settings missing from docs/settings.md"
    assert documented - expected == set(), "docs/settings.md documents settings that do not exist"


def test_documented_defaults_match_the_code():
    rows = dict(re.findall(r"^\| `(PLAN_[A-Z0-9_]+)` \| `([^`]*)` \|", SETTINGS_PAGE, re.MULTILINE))
    for name, field in Settings.model_fields.items():
        default = field.default if field.default_factory is None else field.default_factory()
        if isinstance(default, list):
            default = ",".join(default)
        if isinstance(default, bool):
            default = str(default).lower()  # as it is written in the environment
        key = f"PLAN_{name.upper()}"
        if key in rows and name != "embedding_model":
            assert rows[key] == str(default), f"{key}: docs {rows[key]!r}, code {default!r}"


def test_ci_runs_the_readme_test_command():
    assert "scripts/test.sh" in README and "scripts/run.sh" in README
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text("utf-8")
    for script in ("scripts/test.sh", "scripts/run.sh", "scripts/bootstrap.sh", ".ci/run"):
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"


def test_the_image_is_built_without_local_state_and_converts_the_model():
    ignored = set((ROOT / ".dockerignore").read_text("utf-8").split())
    assert {".git", ".venv", "data/index", "data/models", "data/uploads"} <= ignored
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    build, run = dockerfile.split("\nUSER ")
    assert "python -m index.model_setup" in build  # converted at build time, not at run time
    assert "download.pytorch.org/whl/cpu" in build
    assert "PLAN_WORKERS=" in dockerfile and "uid 10001" in dockerfile
    assert '"planassistent", "serve"' in run


def test_every_documented_setting_elsewhere_exists():
    """Other pages name settings too; a renamed setting must not linger there."""
    expected = {f"PLAN_{name.upper()}" for name in Settings.model_fields}
    for page in (ROOT / "docs").glob("*.md"):
        named = set(re.findall(r"`(PLAN_[A-Z][A-Z0-9_]*)`", page.read_text("utf-8")))
        assert named - expected == set(), f"{page.name} names settings that do not exist"


def test_readme_is_short_and_links_into_the_docs():
    assert len(README.encode("utf-8")) <= 10_000
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).is_file(), f"README links to a missing page: {target}"


def test_the_docs_site_builds_strictly(tmp_path):
    mkdocs = Path(sys.executable).with_name("mkdocs")
    run = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "settings" / "index.html").is_file()
