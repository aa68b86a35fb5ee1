"""Statistics Finland's municipality classification read from an export, and what loading it
would change. Framework-free: the command reads the files and the database, this module
compares them, `services.classification_apply` writes.

Two export shapes are read:

- the correspondence CSV (as the product's own fixtures were built from): columns `code`,
  `name_fi`, optional `name_sv`, `seutukunta_code`, `seutukunta_fi`, `seutukunta_sv`,
  `maakunta_code`, `maakunta_fi`, `maakunta_sv`, and `merged_into` (the code a municipality
  that ends was merged into, when the file lists ended municipalities that way);
- the classification API's JSON (data.stat.fi/api/classifications/v2): a list of
  classification items (`code`, `classificationItemNames` with `lang` and `name`) and/or a
  correspondence table's maps (`sourceItem` → `targetItem`, the target a sub-region or a
  region). Several files are read together, e.g. the items in Finnish, in Swedish and the
  municipality → sub-region and sub-region → region maps.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field, replace

MUNICIPALITY_CODE = re.compile(r"^[0-9]{3}$")
SUB_REGION_CODE = re.compile(r"^[0-9]{3}$")
REGION_CODE = re.compile(r"^[0-9]{2}$")
CLASSIFICATION_DATE = re.compile(r"(?:kunta|seutukunta|maakunta)_1_(\d{4})(\d{2})(\d{2})")
REQUIRED_COLUMNS = ("code", "name_fi")


class ClassificationError(ValueError):
    """The file cannot be read as a classification: every problem found, one per line."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Unit:
    """A region or a sub-region: its code with the product's prefix (MK16, SK161)."""

    code: str
    name_fi: str
    name_sv: str = ""
    region_code: str = ""  # a sub-region's region


@dataclass(frozen=True)
class Entry:
    """One municipality of the classification."""

    code: str
    name_fi: str
    name_sv: str = ""
    sub_region_code: str = ""
    merged_into: str = ""


@dataclass
class Classification:
    municipalities: dict[str, Entry] = field(default_factory=dict)
    sub_regions: dict[str, Unit] = field(default_factory=dict)
    regions: dict[str, Unit] = field(default_factory=dict)
    valid_from: datetime.date | None = None


# --- reading ---------------------------------------------------------------------------------


def _clean(value) -> str:
    return " ".join(str(value or "").split())


def read_csv(text: str, classification: Classification | None = None) -> Classification:
    result = classification or Classification()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ClassificationError([f"Missing columns: {', '.join(missing)}."])
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        row = {(key or "").strip(): _clean(value) for key, value in raw.items()}
        code, name_fi = row.get("code", ""), row.get("name_fi", "")
        if not MUNICIPALITY_CODE.match(code):
            errors.append(f"Row {number}: the code {code!r} is not three digits.")
            continue
        if code in seen:
            errors.append(f"Row {number}: the code {code} appears twice.")
            continue
        seen.add(code)
        if not name_fi:
            errors.append(f"Row {number}: the municipality {code} has no Finnish name.")
            continue
        sub_code = row.get("seutukunta_code", "")
        region_code = row.get("maakunta_code", "")
        if sub_code and not SUB_REGION_CODE.match(sub_code):
            errors.append(f"Row {number}: the sub-region code {sub_code!r} is not three digits.")
            continue
        if region_code and not REGION_CODE.match(region_code):
            errors.append(f"Row {number}: the region code {region_code!r} is not two digits.")
            continue
        merged_into = row.get("merged_into", "")
        if merged_into and not MUNICIPALITY_CODE.match(merged_into):
            errors.append(f"Row {number}: merged_into {merged_into!r} is not a municipality code.")
            continue
        if region_code:
            result.regions[f"MK{region_code}"] = Unit(
                f"MK{region_code}", row.get("maakunta_fi", ""), row.get("maakunta_sv", "")
            )
        if sub_code:
            result.sub_regions[f"SK{sub_code}"] = Unit(
                f"SK{sub_code}",
                row.get("seutukunta_fi", ""),
                row.get("seutukunta_sv", ""),
                f"MK{region_code}" if region_code else "",
            )
        result.municipalities[code] = Entry(
            code=code,
            name_fi=name_fi,
            name_sv=row.get("name_sv", ""),
            sub_region_code=f"SK{sub_code}" if sub_code else "",
            merged_into=merged_into,
        )
    if errors:
        raise ClassificationError(errors)
    if not result.municipalities:
        raise ClassificationError(["The file has no municipalities."])
    return result


def _names(item: dict) -> dict[str, str]:
    names = {}
    for name in item.get("classificationItemNames") or []:
        if isinstance(name, dict) and name.get("name"):
            names[str(name.get("lang") or item.get("lang") or "fi")] = _clean(name["name"])
    return names


def _level(item: dict) -> str:
    """ "kunta", "seutukunta" or "maakunta", from the item's local id or its code's length."""
    local_id = str(item.get("localId") or "")
    for level in ("seutukunta", "maakunta", "kunta"):
        if f"/{level}_" in local_id or local_id.startswith(f"{level}_"):
            return level
    code = str(item.get("code") or "")
    return {3: "kunta", 2: "maakunta"}.get(len(code), "")


def _date_of(text: str) -> datetime.date | None:
    match = CLASSIFICATION_DATE.search(text)
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


def read_json(text: str, classification: Classification | None = None) -> Classification:
    result = classification or Classification()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ClassificationError([f"Not JSON: {error.msg} (line {error.lineno})."]) from None
    if isinstance(data, dict):
        data = data.get("items") or data.get("maps") or [data]
    if not isinstance(data, list) or not data:
        raise ClassificationError(["The JSON is not a list of classification items or maps."])
    errors: list[str] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(f"Item {number}: not an object.")
            continue
        if "sourceItem" in item:
            _read_map(number, item, result, errors)
        elif "code" in item:
            _read_item(number, item, result, errors)
        else:
            errors.append(f"Item {number}: neither a classification item nor a map.")
        result.valid_from = result.valid_from or _date_of(str(item.get("localId") or ""))
        result.valid_from = result.valid_from or _date_of(
            str((item.get("sourceItem") or {}).get("localId") or "")
        )
    if errors:
        raise ClassificationError(errors)
    return result


def _read_item(number: int, item: dict, result: Classification, errors: list[str]) -> None:
    code, level, names = str(item.get("code") or ""), _level(item), _names(item)
    if level != "kunta" or not MUNICIPALITY_CODE.match(code):
        errors.append(f"Item {number}: {code!r} is not a municipality code.")
        return
    entry = result.municipalities.get(code) or Entry(code=code, name_fi="")
    result.municipalities[code] = replace(
        entry, name_fi=names.get("fi", entry.name_fi), name_sv=names.get("sv", entry.name_sv)
    )


def _read_map(number: int, item: dict, result: Classification, errors: list[str]) -> None:
    source, target = item.get("sourceItem") or {}, item.get("targetItem") or {}
    if not isinstance(source, dict) or not isinstance(target, dict):
        errors.append(f"Item {number}: the map's items are not objects.")
        return
    source_code, target_code = str(source.get("code") or ""), str(target.get("code") or "")
    source_level, target_level = _level(source), _level(target)
    target_names = _names(target)
    if target_level == "seutukunta" and SUB_REGION_CODE.match(target_code):
        unit_code = f"SK{target_code}"
        unit = result.sub_regions.get(unit_code) or Unit(unit_code, "")
        result.sub_regions[unit_code] = replace(
            unit,
            name_fi=target_names.get("fi", unit.name_fi),
            name_sv=target_names.get("sv", unit.name_sv),
        )
    elif target_level == "maakunta" and REGION_CODE.match(target_code):
        unit_code = f"MK{target_code}"
        unit = result.regions.get(unit_code) or Unit(unit_code, "")
        result.regions[unit_code] = replace(
            unit,
            name_fi=target_names.get("fi", unit.name_fi),
            name_sv=target_names.get("sv", unit.name_sv),
        )
    else:
        errors.append(f"Item {number}: the target {target_code!r} is not a sub-region or region.")
        return
    if source_level == "kunta" and MUNICIPALITY_CODE.match(source_code):
        entry = result.municipalities.get(source_code) or Entry(code=source_code, name_fi="")
        names = _names(source)
        entry = replace(
            entry, name_fi=names.get("fi", entry.name_fi), name_sv=names.get("sv", entry.name_sv)
        )
        if target_level == "seutukunta":
            entry = replace(entry, sub_region_code=f"SK{target_code}")
        result.municipalities[source_code] = entry
    elif source_level == "seutukunta" and SUB_REGION_CODE.match(source_code):
        if target_level != "maakunta":
            errors.append(f"Item {number}: a sub-region maps to a region only.")
            return
        unit_code = f"SK{source_code}"
        unit = result.sub_regions.get(unit_code) or Unit(unit_code, "")
        names = _names(source)
        result.sub_regions[unit_code] = replace(
            unit,
            name_fi=names.get("fi", unit.name_fi),
            name_sv=names.get("sv", unit.name_sv),
            region_code=f"MK{target_code}",
        )
    else:
        errors.append(f"Item {number}: the source {source_code!r} is not a municipality code.")


def read_file(name: str, text: str, classification: Classification | None = None):
    """The file by its content: JSON when it starts with [ or {, else the CSV."""
    result = (read_json if text.lstrip("\ufeff \r\n\t")[:1] in "[{" else read_csv)(
        text, classification
    )
    result.valid_from = result.valid_from or _date_of(name)
    return result


def check_complete(classification: Classification) -> None:
    """Every municipality named in Finnish, in a known sub-region that is in a known region."""
    errors = []
    for code, entry in sorted(classification.municipalities.items()):
        if not entry.name_fi:
            errors.append(f"The municipality {code} has no Finnish name in the files.")
        if entry.sub_region_code and entry.sub_region_code not in classification.sub_regions:
            errors.append(f"The municipality {code}: unknown sub-region {entry.sub_region_code}.")
    for code, unit in sorted(classification.sub_regions.items()):
        if not unit.name_fi:
            errors.append(f"The sub-region {code} has no Finnish name in the files.")
        if unit.region_code and unit.region_code not in classification.regions:
            errors.append(f"The sub-region {code}: unknown region {unit.region_code}.")
    for code, unit in sorted(classification.regions.items()):
        if not unit.name_fi:
            errors.append(f"The region {code} has no Finnish name in the files.")
    if errors:
        raise ClassificationError(errors)


# --- comparing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    """A municipality as the database has it."""

    code: str
    name_fi: str
    name_sv: str
    sub_region_code: str
    valid_to: datetime.date | None = None


@dataclass
class Changes:
    valid_from: datetime.date
    new: list[Entry] = field(default_factory=list)
    renamed: list[tuple[Current, Entry]] = field(default_factory=list)
    moved: list[tuple[Current, Entry]] = field(default_factory=list)
    merged: list[tuple[Current, str]] = field(default_factory=list)
    ended: list[Current] = field(default_factory=list)
    units_new: list[Unit] = field(default_factory=list)
    units_changed: list[Unit] = field(default_factory=list)

    @property
    def ends_on(self) -> datetime.date:
        return self.valid_from - datetime.timedelta(days=1)

    def __bool__(self):
        return any(
            (self.new, self.renamed, self.moved, self.merged, self.ended)
            + (self.units_new, self.units_changed)
        )

    def report(self) -> list[str]:
        lines = []
        for entry in self.new:
            lines.append(f"new: {entry.code} {entry.name_fi} (from {self.valid_from:%d.%m.%Y})")
        for current, entry in self.renamed:
            lines.append(
                f"renamed: {current.code} {current.name_fi} / {current.name_sv or '-'} → "
                f"{entry.name_fi} / {entry.name_sv or '-'}"
            )
        for current, entry in self.moved:
            lines.append(
                f"moved: {current.code} {entry.name_fi} sub-region "
                f"{current.sub_region_code or '-'} → {entry.sub_region_code or '-'}"
            )
        for current, into in self.merged:
            lines.append(
                f"merged: {current.code} {current.name_fi} into {into} "
                f"(valid until {self.ends_on:%d.%m.%Y})"
            )
        for current in self.ended:
            lines.append(
                f"ended: {current.code} {current.name_fi} (valid until {self.ends_on:%d.%m.%Y})"
            )
        for unit in self.units_new:
            lines.append(f"new: {unit.code} {unit.name_fi}")
        for unit in self.units_changed:
            lines.append(f"changed: {unit.code} {unit.name_fi} / {unit.name_sv or '-'}")
        return lines


def compare(
    *,
    classification: Classification,
    current: list[Current],
    units: dict[str, Unit],
    valid_from: datetime.date,
    merges: dict[str, str] | None = None,
) -> Changes:
    """What loading the classification on `valid_from` changes. `units` are the regions and
    sub-regions in the database by code; `merges` (old code → new code) names the successor of
    municipalities that end, beside the file's own `merged_into`."""
    merges = dict(merges or {})
    for entry in classification.municipalities.values():
        if entry.merged_into:
            merges[entry.code] = entry.merged_into
    changes = Changes(valid_from=valid_from)
    in_force = {row.code: row for row in current if row.valid_to is None}
    known = {row.code for row in current}
    listed = {code for code, entry in classification.municipalities.items() if code not in merges}
    for code in sorted(listed):
        entry = classification.municipalities[code]
        row = in_force.get(code)
        if row is None:
            if code not in known:
                changes.new.append(entry)
            continue
        if (row.name_fi, row.name_sv) != (entry.name_fi, entry.name_sv):
            changes.renamed.append((row, entry))
        if entry.sub_region_code and row.sub_region_code != entry.sub_region_code:
            changes.moved.append((row, entry))
    unknown_successors = []
    for code in sorted(set(in_force) - listed):
        row = in_force[code]
        if code in merges:
            if merges[code] not in listed:
                unknown_successors.append(
                    f"{code} {row.name_fi} is merged into {merges[code]}, which the files lack."
                )
            changes.merged.append((row, merges[code]))
        else:
            changes.ended.append(row)
    if unknown_successors:
        raise ClassificationError(unknown_successors)
    for unit in [*classification.regions.values(), *classification.sub_regions.values()]:
        existing = units.get(unit.code)
        if existing is None:
            changes.units_new.append(unit)
        elif (existing.name_fi, existing.name_sv, existing.region_code) != (
            unit.name_fi,
            unit.name_sv,
            unit.region_code or existing.region_code,
        ):
            changes.units_changed.append(unit)
    return changes
