"""Production settings refuse to start without a secret and pass Django's deploy check; the
test settings never read a local `.env`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[2]
# Each test starts Django in a fresh process.
pytestmark = pytest.mark.slow


def run_manage(*args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(KOKEILU_ENV_FILE=os.devnull, DJANGO_SETTINGS_MODULE="kokeilu.settings")
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_a_missing_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_an_empty_secret_key():
    result = run_manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_check_deploy_with_production_values_prints_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        # Django's key alphabet, starting with "$" as one in 50 of its keys does (django-environ
        # would read it as the name of another variable: the check failed now and then).
        SECRET_KEY="$" + get_random_secret_key() + get_random_secret_key(),
        ALLOWED_HOSTS="kokeilu.example.fi",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues" in output


def printed_by_fresh_process(code, *, without, **env_overrides):
    """What `code` prints as JSON in a fresh Python process whose environment is this one's
    without the variables `without`, plus `env_overrides`."""
    env = {key: value for key, value in os.environ.items() if key not in without}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def settings_seen_by(module, env_file):
    """DEBUG, ALLOWED_HOSTS and SECRET_KEY as a fresh process with settings `module` sees them
    when KOKEILU_ENV_FILE names `env_file`."""
    return printed_by_fresh_process(
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DEBUG, settings.ALLOWED_HOSTS, settings.SECRET_KEY]))",
        without={"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"},
        KOKEILU_ENV_FILE=str(env_file),
        DJANGO_SETTINGS_MODULE=module,
    )


def test_a_local_env_file_does_not_reach_the_test_settings(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nALLOWED_HOSTS=leak.example\nSECRET_KEY=from-the-env-file\n")
    # The product reads the file …
    assert settings_seen_by("kokeilu.settings", env_file) == [
        True,
        ["leak.example"],
        "from-the-env-file",
    ]
    # … the test settings do not.
    debug, allowed_hosts, secret_key = settings_seen_by("tests.settings", env_file)
    assert debug is False
    assert "leak.example" not in allowed_hosts
    assert secret_key != "from-the-env-file"


def database_settings_seen_by(**env_overrides):
    """The default database's CONN_MAX_AGE and OPTIONS as a fresh process sees them (settings
    only: no connection is made)."""
    return printed_by_fresh_process(
        "import json; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d.get('OPTIONS', {})]))",
        without={"DATABASE_URL", "CONN_MAX_AGE", "PG_PREPARE", "PG_PREPARE_THRESHOLD"},
        **{"KOKEILU_ENV_FILE": os.devnull, "DJANGO_SETTINGS_MODULE": "tests.settings"}
        | env_overrides,
    )


POSTGRES_URL = "postgres://kokeilu@db.example:5432/kokeilu"


def test_postgresql_keeps_connections_and_prepares_what_they_repeat():
    age, options = database_settings_seen_by(DATABASE_URL=POSTGRES_URL)
    assert age == 60
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2


def test_behind_a_pooler_prepared_statements_and_kept_connections_can_be_turned_off():
    age, options = database_settings_seen_by(
        DATABASE_URL=POSTGRES_URL, PG_PREPARE="false", CONN_MAX_AGE="0"
    )
    assert age == 0
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_without_prepared_statements_connections_are_still_kept():
    age, options = database_settings_seen_by(DATABASE_URL=POSTGRES_URL, PG_PREPARE="false")
    assert age == 60
    assert "server_side_binding" not in options


def test_sqlite_opens_a_connection_per_request_and_binds_nothing_on_a_server():
    age, options = database_settings_seen_by()
    assert age == 0
    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"
