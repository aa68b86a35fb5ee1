"""Profile pages in process at national scale (a developer's tool, not run by make):

.venv/bin/python bench/profile_page.py home dashboard
.venv/bin/python bench/profile_page.py save    (the bench's inline line save against the floor)

PAGE_CACHE_TIMEOUT=0 profiles pages computed, not kept; PROFILE_OUT=/tmp/prof saves each
profile's stats (a page's or the save's) to /tmp/prof.<name> for pstats.
"""

import cProfile
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import data  # noqa: E402

# Importing bench.run is the benchmark's own set-up: its settings, a throwaway database file
# and django.setup().
from bench.run import FIXTURES, SEED_PILOT  # noqa: E402


def main(names):
    from django.contrib.auth import get_user_model

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    call_command("loaddata", *FIXTURES, verbosity=0)
    user = get_user_model().objects.create_superuser("bench", password=None)
    client = Client()
    client.force_login(user)
    national = "--seed" not in names
    areas = data.build(45, 293, 60, 60) if national else []
    area = areas[len(areas) // 2].slug if areas else SEED_PILOT
    urls = {
        "home": reverse("home"),
        "dashboard": reverse("staffing:pilot-dashboard", kwargs={"pilot": area}),
        "kokkola": reverse("staffing:pilot-dashboard", kwargs={"pilot": SEED_PILOT}),
        "lines": reverse("staffing:allocation-list", kwargs={"pilot": area}),
    }
    for name in [n for n in names if not n.startswith("--")]:
        if name == "save":
            from bench.run import line_save
            from staffing.models import StaffingPlan

            plan = StaffingPlan.objects.filter(pilot__slug=area).first()
            line_save(client, plan, int(os.environ.get("REPEAT", "50")))
            profile = cProfile.Profile()
            profile.enable()
            line_save(client, plan, 10)
            profile.disable()
            report(profile, name, "(the floor and the save, 3 × 11 requests each)")
            continue
        url = urls[name]
        client.get(url)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            assert client.get(url).status_code == 200
        profile.disable()
        report(profile, name, f"{url} (10 requests)")


def report(profile: cProfile.Profile, name: str, title: str) -> None:
    """Print the profile's top functions (SORT=, TOP=) and, with PROFILE_OUT=, save its stats
    to PROFILE_OUT.<name>."""
    if os.environ.get("PROFILE_OUT"):
        profile.dump_stats(f"{os.environ['PROFILE_OUT']}.{name}")
    print(f"=== {name} {title}")
    pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
        int(os.environ.get("TOP", "45"))
    )


if __name__ == "__main__":
    main(sys.argv[1:])
