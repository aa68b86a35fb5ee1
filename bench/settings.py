"""Settings of the benchmark: production's settings as a deployment runs them (DEBUG and the
query log off), plus `bench.urls`, whose bare page is the floor every page is measured against.

The benchmark process and the gunicorn it starts read the same environment: DATABASE_URL
(SQLite unless set), and BENCH_DATABASE_NAME, the throwaway database bench/run.py built.
"""

import os
import warnings

os.environ["KOKEILU_ENV_FILE"] = "off"
os.environ["DEBUG"] = "false"
os.environ["SECURE"] = "false"  # plain HTTP on 127.0.0.1
os.environ.setdefault("SECRET_KEY", "kokeilu-bench-only-not-a-secret-0123456789-abcdefghijklmnop")

from kokeilu.settings import *  # noqa: E402, F403  (the one place settings are read)
from kokeilu.settings import DATABASES, STORAGES  # noqa: E402

ROOT_URLCONF = "bench.urls"
# No collectstatic in a benchmark run, so no manifest of hashed names.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("BENCH_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["BENCH_DATABASE_NAME"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and os.environ.get(
    "BENCH_SQLITE_FILE"
):
    # A file, not the in-memory test database, so the gunicorn workers share it.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["BENCH_SQLITE_FILE"]}
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
# WhiteNoise's note that there is no collected static directory, once per worker.
warnings.filterwarnings("ignore", message="No directory at")
