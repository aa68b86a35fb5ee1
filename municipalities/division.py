"""The official 2025 division into employment areas, as the product ships it in
`fixtures/areas_2025.json`: each area's code, names and member municipalities' codes.

Read from the fixture file (the product's own copy of Statistics Finland's correspondence), not
from the pilots in the database, so an admin can set an area up from the official division
whether or not the 45 areas were loaded, and after an area has been changed or ended."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

DIVISION_FILE = Path(settings.BASE_DIR) / "fixtures" / "areas_2025.json"


@dataclass(frozen=True)
class DivisionArea:
    code: str
    name: str
    name_sv: str
    region_code: str
    start_date: str
    members: tuple[str, ...]  # municipality codes

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def parse_division(text: str) -> list[DivisionArea]:
    """The areas of a fixture in `dumpdata --natural-foreign` form, ordered by code (as a
    number); memberships are (pilot slug, municipality code) natural keys."""
    objects = json.loads(text)
    areas = {}
    members: dict[str, list[str]] = {}
    for obj in objects:
        fields = obj.get("fields", {})
        if obj.get("model") == "municipalities.pilot" and fields.get("kind") == "area":
            areas[fields["slug"]] = fields
        elif obj.get("model") == "municipalities.pilotmembership":
            slug, code = fields["pilot"][0], fields["municipality"][0]
            members.setdefault(slug, []).append(code)
    result = [
        DivisionArea(
            code=fields.get("code", ""),
            name=fields["name"],
            name_sv=fields.get("name_sv", ""),
            region_code=(fields.get("statistical_region") or [""])[0],
            start_date=fields["start_date"],
            members=tuple(sorted(members.get(slug, ()))),
        )
        for slug, fields in areas.items()
    ]
    return sorted(result, key=lambda area: (int(area.code or 0), area.name))


@cache
def division_2025() -> tuple[DivisionArea, ...]:
    return tuple(parse_division(DIVISION_FILE.read_text(encoding="utf-8")))


def division_area(code: str) -> DivisionArea | None:
    return next((area for area in division_2025() if area.code == code), None)
