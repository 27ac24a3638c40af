"""Docs cannot drift: every setting is in the README, and the README's commands exist."""

import re
from pathlib import Path

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_every_setting_is_documented_in_the_readme():
    documented = set(re.findall(r"`(PLAN_[A-Z][A-Z0-9_]*)`", README))
    expected = {f"PLAN_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set(), "settings missing from README"
    assert documented - expected == set(), "README documents settings that do not exist"


def test_readme_defaults_match_the_code():
    rows = dict(re.findall(r"^\| `(PLAN_[A-Z0-9_]+)` \| `([^`]*)` \|", README, re.MULTILINE))
    for name, field in Settings.model_fields.items():
        default = field.default if field.default_factory is None else field.default_factory()
        if isinstance(default, list):
            default = ",".join(default)
        if isinstance(default, bool):
            default = str(default).lower()  # as it is written in the environment
        key = f"PLAN_{name.upper()}"
        if key in rows and name != "embedding_model":
            assert rows[key] == str(default), f"{key}: README {rows[key]!r}, code {default!r}"


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
