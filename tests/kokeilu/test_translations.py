"""The Finnish and Swedish catalogues stay complete: no untranslated or fuzzy entries."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def catalogue_statistics(po: Path) -> str:
    """What `msgfmt --check --statistics` says of the catalogue `po`; fails if it is broken."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (gettext) is needed; `make test` installs it"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def assert_complete(po: Path) -> None:
    statistics = catalogue_statistics(po)
    assert "untranslated" not in statistics, statistics
    assert "fuzzy" not in statistics, statistics
    assert "translated message" in statistics


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue_is_complete(language):
    assert_complete(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")


#: What a copy of the project for makemessages leaves out: nothing of it is a text of the
#: product (the tests and the benchmark are skipped by makemessages itself).
NOT_COPIED = shutil.ignore_patterns(
    ".venv",
    ".git",
    ".env*",
    ".hypothesis",
    "*_cache",
    "*.egg-info",
    "test-artifacts",
    "__pycache__",
    "vendor",
    "*.sqlite3*",
    "*.mo",
)


def test_every_text_of_the_code_and_templates_is_in_both_catalogues(tmp_path):
    """makemessages, run over a copy of the project, finds no text the catalogues lack: a text
    marked for translation but missing from django.po would show in English to everyone (the
    database revision's field names did)."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fi", "-l", "sv", "-v0"]
        + ["--ignore=tests", "--ignore=bench"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(copy)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for language in ("fi", "sv"):
        po = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        # makemessages rewrote the copy's catalogue (it names where each text is), not another.
        assert "#: templates/includes/pilot_nav.html" in po.read_text()
        assert_complete(po)
