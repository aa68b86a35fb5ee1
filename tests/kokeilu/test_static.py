"""Nothing is loaded from outside the server: templates name no external scripts or styles."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"""@import\s+url\(\s*["']?(?:https?:)?//|url\(\s*["']?https?://""")


def template_files():
    for folder in ("templates", "kokeilu", "municipalities", "staffing", "servicepoints"):
        yield from (ROOT / folder).rglob("*.html")


def test_templates_load_nothing_from_outside():
    offenders = [
        str(path.relative_to(ROOT))
        for path in template_files()
        if EXTERNAL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_own_stylesheets_load_nothing_from_outside():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "static" / "css").rglob("*.css")
        if CSS_EXTERNAL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_vendored_assets_are_present():
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/chartjs/chart.umd.min.js",
    ):
        assert (ROOT / "static" / name).stat().st_size > 10_000, name
