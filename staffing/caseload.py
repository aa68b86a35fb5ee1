"""Caseload: clients per client-work FTE ("asiakasta / asiakasvastaava").

Computed for a pilot, an organisation or a serving unit (a municipality together
with the municipalities it produces services for). Zero client-work FTE is a
state the user must see ("ei asiakasvastaavaa"), never a ZeroDivisionError.

Pure Python, no Django: views translate the Finnish messages by ``code``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import ClassVar

from staffing.apportionment import largest_remainder
from staffing.rounding import (
    DEFAULT_STEP,
    CalculationError,
    exact_context,
    is_multiple,
    quantize,
    quotient,
    to_decimal,
)

__all__ = [
    "STATUS_MESSAGES",
    "Caseload",
    "CaseloadError",
    "CaseloadStatus",
    "ComparableUnit",
    "ComparableUnits",
    "DuplicateMunicipalityError",
    "MissingClientsError",
    "NegativeClientWorkFteError",
    "NegativeClientsError",
    "NonPositiveTargetError",
    "ProducerIsRecipientError",
    "RecipientClaimedTwiceError",
    "ServingUnit",
    "UnitCaseload",
    "UnknownMunicipalityError",
    "caseload",
    "comparable_caseloads",
    "serving_units",
    "unit_caseloads",
    "with_target",
]


class CaseloadStatus(StrEnum):
    WITHIN = "within"
    OVER = "over"
    NO_TARGET = "no_target"
    NO_ADVISOR = "no_advisor"


#: Finnish default labels; views translate them by status value.
STATUS_MESSAGES: Mapping[CaseloadStatus, str] = {
    CaseloadStatus.WITHIN: "tavoitteen mukainen",
    CaseloadStatus.OVER: "yli tavoitteen",
    CaseloadStatus.NO_TARGET: "ei tavoitetta",
    CaseloadStatus.NO_ADVISOR: "ei asiakasvastaavaa",
}


# --- errors ---------------------------------------------------------------------------------


class CaseloadError(CalculationError):
    code: ClassVar[str] = "caseload_error"
    template: ClassVar[str] = "Asiakasmäärää per asiakasvastaava ei voi laskea"


class NegativeClientsError(CaseloadError):
    code = "negative_clients"
    template = "Asiakasmäärä ei voi olla negatiivinen, nyt {value}"


class NegativeClientWorkFteError(CaseloadError):
    code = "negative_client_work_fte"
    template = "Asiakastyön henkilötyövuodet eivät voi olla negatiivisia, nyt {value}"


class NonPositiveTargetError(CaseloadError):
    code = "non_positive_target"
    template = "Tavoitteen on oltava positiivinen, nyt {value}"


class DuplicateMunicipalityError(CaseloadError):
    code = "duplicate_municipality"
    template = "Kunta {municipality} on luettelossa useammin kuin kerran"


class UnknownMunicipalityError(CaseloadError):
    code = "unknown_municipality"
    template = "Kunta {municipality} ei kuulu kokeiluun"


class RecipientClaimedTwiceError(CaseloadError):
    code = "recipient_claimed_twice"
    template = "Kunnan {recipient} palvelut tuottavat sekä {first} että {second}"


class ProducerIsRecipientError(CaseloadError):
    code = "producer_is_recipient"
    template = (
        "Kunta {producer} tuottaa muiden palveluja, mutta {recipient_of} tuottaa sen palvelut"
    )


class MissingClientsError(CaseloadError):
    code = "missing_clients"
    template = "Kunnalta {municipality} puuttuu asiakasmäärä"


# --- caseload -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    """clients ÷ client-work FTE at full precision, with its status against a target.

    ``value`` is None exactly when there is no client-work FTE. Comparison with the
    target uses the unrounded value, so 95,66 is over a target of 95,65 even
    though both print as 95,7.
    """

    clients: Decimal
    client_work_fte: Decimal
    value: Decimal | None
    status: CaseloadStatus
    target: Decimal | None = None

    @property
    def message(self) -> str:
        """Finnish default label of the status."""
        return STATUS_MESSAGES[self.status]

    @property
    def over_by(self) -> Decimal | None:
        """How far above the target; zero when within, None without a value or a target."""
        if self.status is CaseloadStatus.OVER:
            return self.value - self.target
        if self.status is CaseloadStatus.WITHIN:
            return Decimal(0)
        return None

    def rounded(self, places: int = 1) -> Decimal | None:
        """The value rounded half-up for display (2622 / 27,4 → 95,7)."""
        if self.value is None:
            return None
        return quantize(self.value, step=Decimal(1).scaleb(-places), mode=ROUND_HALF_UP)


def _status(value: Decimal | None, target: Decimal | None) -> CaseloadStatus:
    if value is None:
        return CaseloadStatus.NO_ADVISOR
    if target is None:
        return CaseloadStatus.NO_TARGET
    return CaseloadStatus.WITHIN if value <= target else CaseloadStatus.OVER


def _validate_target(target: Decimal | int | None) -> Decimal | None:
    if target is None:
        return None
    target = to_decimal(target, name="target")
    if target <= 0:
        raise NonPositiveTargetError(value=target)
    return target


def caseload(
    *,
    clients: Decimal | int,
    client_work_fte: Decimal | int,
    target: Decimal | int | None = None,
) -> Caseload:
    """Clients per client-work FTE; zero FTE gives status NO_ADVISOR instead of raising."""
    clients = to_decimal(clients, name="clients")
    client_work_fte = to_decimal(client_work_fte, name="client_work_fte")
    if clients < 0:
        raise NegativeClientsError(value=clients)
    if client_work_fte < 0:
        raise NegativeClientWorkFteError(value=client_work_fte)
    target = _validate_target(target)
    value = None if client_work_fte == 0 else quotient(clients, client_work_fte)
    return Caseload(
        clients=clients,
        client_work_fte=client_work_fte,
        value=value,
        status=_status(value, target),
        target=target,
    )


def with_target(result: Caseload, *, target: Decimal | int | None) -> Caseload:
    """The same caseload judged against another target (or none)."""
    target = _validate_target(target)
    return dataclasses.replace(result, target=target, status=_status(result.value, target))


# --- serving units --------------------------------------------------------------------------


@dataclass(frozen=True)
class ServingUnit:
    """A producing municipality and the ones it serves; ``members`` starts with the provider."""

    provider: Hashable
    members: tuple[Hashable, ...]


@dataclass(frozen=True)
class UnitCaseload:
    unit: ServingUnit
    caseload: Caseload


def serving_units(
    *,
    municipalities: Iterable[Hashable],
    produces_for: Mapping[Hashable, Iterable[Hashable]],
) -> list[ServingUnit]:
    """Group every municipality with the one that produces its services.

    Ylivieska produces Alavieska's services, so they form one unit and Alavieska
    is no unit of its own; a municipality that neither produces for nor receives
    from another is a unit alone. Units follow the order of ``municipalities``,
    members too (after the provider). Chains (a producer whose own services come
    from elsewhere) and a recipient claimed by two producers are refused: both
    would make a caseload count clients twice or nowhere.
    """
    order: list[Hashable] = []
    for municipality in municipalities:
        if municipality in order:
            raise DuplicateMunicipalityError(municipality=municipality)
        order.append(municipality)
    known = set(order)

    producer_of: dict[Hashable, Hashable] = {}
    for producer, recipients in produces_for.items():
        if producer not in known:
            raise UnknownMunicipalityError(municipality=producer)
        for recipient in recipients:
            if recipient not in known:
                raise UnknownMunicipalityError(municipality=recipient)
            if recipient == producer:
                continue  # producing one's own services is the default, not a relation
            if recipient in producer_of and producer_of[recipient] != producer:
                raise RecipientClaimedTwiceError(
                    recipient=recipient, first=producer_of[recipient], second=producer
                )
            producer_of[recipient] = producer

    for producer in producer_of.values():
        if producer in producer_of:
            raise ProducerIsRecipientError(producer=producer, recipient_of=producer_of[producer])

    units = []
    for municipality in order:
        if municipality in producer_of:
            continue
        served = tuple(m for m in order if producer_of.get(m) == municipality)
        units.append(ServingUnit(provider=municipality, members=(municipality, *served)))
    return units


def unit_caseloads(
    *,
    units: Iterable[ServingUnit],
    clients: Mapping[Hashable, Decimal | int],
    client_work_fte: Mapping[Hashable, Decimal | int],
    target: Decimal | int | None = None,
) -> list[UnitCaseload]:
    """Caseload per serving unit: members' clients summed over members' client-work FTE.

    A member without client-work FTE contributes none (Alavieska has no advisors
    of its own); a member without a client count is an error, because a missing
    count would silently lower the caseload.
    """
    results = []
    for unit in units:
        missing = [member for member in unit.members if member not in clients]
        if missing:
            raise MissingClientsError(municipality=missing[0])
        unit_clients = [to_decimal(clients[m], name=f"clients[{m!r}]") for m in unit.members]
        unit_fte = [
            to_decimal(client_work_fte.get(m, Decimal(0)), name=f"client_work_fte[{m!r}]")
            for m in unit.members
        ]
        with exact_context(*unit_clients, *unit_fte):
            total_clients = sum(unit_clients, Decimal(0))
            total_fte = sum(unit_fte, Decimal(0))
        for value in unit_clients:
            if value < 0:
                raise NegativeClientsError(value=value)
        for value in unit_fte:
            if value < 0:
                raise NegativeClientWorkFteError(value=value)
        results.append(
            UnitCaseload(
                unit=unit,
                caseload=caseload(clients=total_clients, client_work_fte=total_fte, target=target),
            )
        )
    return results


# --- comparable serving-unit caseloads --------------------------------------------------------

#: The method named beside the table: how the pilot-wide staff are shared among the units.
SHARE_METHOD = "largest_remainder_by_clients"


@dataclass(frozen=True)
class ComparableUnit:
    """A unit's caseload over its own client-work FTE plus its share of the pilot-wide staff.

    ``own_fte`` + ``shared_fte`` = ``total_fte``; ``caseload`` is clients ÷ ``total_fte``,
    so the units' figures can be read against the pilot's headline (clients ÷ all its
    client-work FTE).
    """

    key: Hashable
    clients: Decimal
    own_fte: Decimal
    shared_fte: Decimal
    caseload: Caseload

    @property
    def total_fte(self) -> Decimal:
        return self.caseload.client_work_fte


@dataclass(frozen=True)
class ComparableUnits:
    """Every unit's comparable caseload and how the pilot-wide client-work FTE was shared.

    ``step`` is the step of the largest-remainder split: 0,1 FTE, or 0,01 when the
    pilot-wide FTE is not a multiple of 0,1 (the shares must add up to it exactly).
    ``unshared_fte`` is what could not be shared because no unit has clients.
    """

    units: tuple[ComparableUnit, ...]
    pilot_wide_fte: Decimal
    step: Decimal
    unshared_fte: Decimal

    @property
    def clients(self) -> Decimal:
        return sum((unit.clients for unit in self.units), Decimal(0))

    @property
    def own_fte(self) -> Decimal:
        return sum((unit.own_fte for unit in self.units), Decimal(0))

    @property
    def shared_fte(self) -> Decimal:
        return sum((unit.shared_fte for unit in self.units), Decimal(0))

    @property
    def total_fte(self) -> Decimal:
        return sum((unit.total_fte for unit in self.units), Decimal(0))

    def for_key(self, key: Hashable) -> ComparableUnit:
        for unit in self.units:
            if unit.key == key:
                return unit
        raise KeyError(key)


def _share_step(pool: Decimal, step: Decimal) -> Decimal:
    """The coarsest of ``step`` and its tenths, hundredths… of which ``pool`` is a multiple."""
    while not is_multiple(pool, step=step):
        step = step / 10
    return step


def comparable_caseloads(
    *,
    clients: Mapping[Hashable, Decimal | int],
    own_client_work_fte: Mapping[Hashable, Decimal | int],
    pilot_wide_client_work_fte: Decimal | int,
    target: Decimal | int | None = None,
    step: Decimal = DEFAULT_STEP,
) -> ComparableUnits:
    """Caseload per unit with the pilot-wide client-work FTE shared among the units.

    The pilot-wide FTE (staff who serve every municipality, e.g. the TE staff) is split
    in proportion to the units' clients with the largest-remainder helper, so the shares
    add up to it exactly, and each unit's caseload is clients ÷ (own + share). Units
    follow the order of ``clients``; a unit missing from ``own_client_work_fte`` has none
    of its own. When no unit has clients nothing can be shared: every share is zero and
    the whole pilot-wide FTE is reported in ``unshared_fte``.
    """
    weights = {key: to_decimal(value, name=f"clients[{key!r}]") for key, value in clients.items()}
    for value in weights.values():
        if value < 0:
            raise NegativeClientsError(value=value)
    own = {
        key: to_decimal(own_client_work_fte.get(key, Decimal(0)), name=f"own[{key!r}]")
        for key in weights
    }
    for value in own.values():
        if value < 0:
            raise NegativeClientWorkFteError(value=value)
    unknown = [key for key in own_client_work_fte if key not in weights]
    if unknown:
        raise UnknownMunicipalityError(municipality=unknown[0])
    pool = to_decimal(pilot_wide_client_work_fte, name="pilot_wide_client_work_fte")
    if pool < 0:
        raise NegativeClientWorkFteError(value=pool)
    share_step = _share_step(pool, to_decimal(step, name="step"))

    unshared = Decimal(0)
    if not weights:
        shares: dict[Hashable, Decimal] = {}
        unshared = pool
    elif pool > 0 and all(value == 0 for value in weights.values()):
        shares = {key: Decimal(0) for key in weights}
        unshared = pool
    else:
        shares = largest_remainder(pool=pool, weights=weights, step=share_step).parts()

    units = []
    for key, unit_clients in weights.items():
        with exact_context(own[key], shares[key]):
            total = own[key] + shares[key]
        units.append(
            ComparableUnit(
                key=key,
                clients=unit_clients,
                own_fte=own[key],
                shared_fte=shares[key],
                caseload=caseload(clients=unit_clients, client_work_fte=total, target=target),
            )
        )
    return ComparableUnits(
        units=tuple(units), pilot_wide_fte=pool, step=share_step, unshared_fte=unshared
    )
