"""Production defaults (issue 14, item 18): gunicorn listens on a local address only, and the
proxy header is trusted only when switched on."""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_binds_to_a_local_address_with_a_bounded_backlog_and_timeout(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_BACKLOG", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"].startswith("127.0.0.1:")
    assert 0 < config["backlog"] <= 256
    assert 0 < config["timeout"] <= 60
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_the_readme_never_binds_gunicorn_to_every_address():
    readme = (ROOT / "README.md").read_text()
    assert "0.0.0.0" not in readme  # noqa: S104 (a string searched for, not a bind)
    assert "`SECURE_PROXY_SSL_HEADER=true`\n  **only there**" in readme
