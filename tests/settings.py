"""Settings of the test run: the product's settings (kokeilu/settings.py) read from a fixed
environment, never from a developer's `.env`.

DEBUG and the HTTPS hardening are off, the secret key is a test one, and the database is the one
DATABASE_URL in the process environment names (SQLite when unset). pyproject.toml names this
module as pytest's DJANGO_SETTINGS_MODULE.
"""

import os

os.environ["KOKEILU_ENV_FILE"] = "off"
os.environ["DEBUG"] = "false"
os.environ["SECURE"] = "false"
os.environ["SECRET_KEY"] = "kokeilu-tests-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

from kokeilu.settings import *  # noqa: E402, F403  (the one place settings are read)
from kokeilu.settings import STORAGES  # noqa: E402

# The tests run no collectstatic, so there is no manifest for production's hashed names.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A form layout naming a field the form does not have is a mistake: in the tests it fails
# instead of being logged and left out of the page (the product's default).
CRISPY_FAIL_SILENTLY = False
