"""The Finnish and Swedish catalogues stay complete: no untranslated or fuzzy entries."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue_is_complete(language):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (gettext) is needed; `make test` installs it"
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    assert "translated message" in result.stderr


#: What a copy of the project for makemessages leaves out: no source of the product's texts.
NOT_COPIED = shutil.ignore_patterns(
    ".venv", ".git", "test-artifacts", "__pycache__", "vendor", "*.sqlite3*", "*.mo"
)


def test_every_text_of_the_code_and_templates_is_in_both_catalogues(tmp_path):
    """makemessages, run over a copy of the project, finds no text the catalogues lack: a text
    marked for translation but missing from django.po would show in English to everyone (the
    database revision's field names did). The tests and the benchmark are not the product."""
    msgattrib = shutil.which("msgattrib")
    assert msgattrib, "msgattrib (gettext) is needed; `make test` installs it"
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fi", "-l", "sv", "-v0"]
        + ["--ignore=tests", "--ignore=bench"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for language in ("fi", "sv"):
        po = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        for option in ("--untranslated", "--only-fuzzy"):
            missing = subprocess.run(
                [msgattrib, option, "--no-wrap", str(po)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            entries = [line for line in missing.splitlines() if line.startswith("msgid ")]
            # The header is an entry of its own (msgid ""): nothing else may be listed.
            assert entries in ([], ['msgid ""']), f"{language} {option}:\n{missing}"
