"""Comparable serving-unit caseloads: own client-work FTE plus a share of the pilot-wide staff."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffing.caseload import (
    CaseloadStatus,
    NegativeClientsError,
    NegativeClientWorkFteError,
    UnknownMunicipalityError,
    caseload,
    comparable_caseloads,
)

D = Decimal

KOKKOLA_CLIENTS = {"Kokkola": 1975, "Kannus": 185, "Perho": 96, "Kaustisen seutukunta": 366}
KOKKOLA_OWN = {
    "Kokkola": D("8.25"),
    "Kannus": D("2.30"),
    "Perho": D("0.95"),
    "Kaustisen seutukunta": D("2.00"),
}


def test_seed_000_units_carry_their_share_of_the_te_staff():
    result = comparable_caseloads(
        clients=KOKKOLA_CLIENTS,
        own_client_work_fte=KOKKOLA_OWN,
        pilot_wide_client_work_fte=D("13.9"),
    )
    shares = {unit.key: unit.shared_fte for unit in result.units}
    # 13,9 × clients ÷ 2622: 10,47 / 0,98 / 0,51 / 1,94; the two leftover tenths go to the
    # largest remainders (Kannus 0,81, Kokkola 0,70).
    assert shares == {
        "Kokkola": D("10.5"),
        "Kannus": D("1.0"),
        "Perho": D("0.5"),
        "Kaustisen seutukunta": D("1.9"),
    }
    kokkola = result.for_key("Kokkola")
    assert (kokkola.own_fte, kokkola.shared_fte, kokkola.total_fte) == (
        D("8.25"),
        D("10.5"),
        D("18.75"),
    )
    assert kokkola.caseload.rounded() == D("105.3")  # not 239,4 over its own staff only
    assert [unit.caseload.rounded() for unit in result.units] == [
        D("105.3"),
        D("56.1"),
        D("66.2"),
        D("93.8"),
    ]
    # The units add up to the headline: 2622 clients over 27,4 FTE = 95,7.
    assert result.clients == 2622
    assert result.total_fte == D("27.4")
    assert caseload(clients=result.clients, client_work_fte=result.total_fte).rounded() == D("95.7")
    assert result.step == D("0.1")
    assert result.unshared_fte == 0


def test_seed_001_psychologist_is_shared_by_clients():
    result = comparable_caseloads(
        clients={"Ylivieska + Alavieska": 664, "Kalajoki + Merijärvi": 420, "Oulainen": 293},
        own_client_work_fte={
            "Ylivieska + Alavieska": D("12.00"),
            "Kalajoki + Merijärvi": D("5.00"),
            "Oulainen": D("3.50"),
        },
        pilot_wide_client_work_fte=D("0.40"),
    )
    assert [unit.shared_fte for unit in result.units] == [D("0.2"), D("0.1"), D("0.1")]
    assert [unit.caseload.rounded() for unit in result.units] == [
        D("54.4"),
        D("82.4"),
        D("81.4"),
    ]
    assert result.total_fte == D("20.90")


def test_pool_not_a_multiple_of_a_tenth_is_split_to_hundredths_exactly():
    result = comparable_caseloads(
        clients={"a": 100, "b": 50}, own_client_work_fte={}, pilot_wide_client_work_fte=D("2.25")
    )
    assert result.step == D("0.01")
    assert [unit.shared_fte for unit in result.units] == [D("1.50"), D("0.75")]
    assert result.shared_fte == D("2.25")


def test_no_clients_anywhere_shares_nothing_and_says_so():
    result = comparable_caseloads(
        clients={"a": 0, "b": 0},
        own_client_work_fte={"a": D("1")},
        pilot_wide_client_work_fte=D("2.0"),
    )
    assert [unit.shared_fte for unit in result.units] == [D(0), D(0)]
    assert result.unshared_fte == D("2.0")
    assert result.units[1].caseload.status is CaseloadStatus.NO_ADVISOR


def test_unit_without_own_staff_gets_a_caseload_from_its_share():
    result = comparable_caseloads(
        clients={"a": 90, "b": 10},
        own_client_work_fte={"a": D("1")},
        pilot_wide_client_work_fte=D("1.0"),
        target=D("50"),
    )
    b = result.for_key("b")
    assert (b.own_fte, b.shared_fte) == (D(0), D("0.1"))
    assert b.caseload.value == D(100)
    assert b.caseload.status is CaseloadStatus.OVER


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"clients": {"a": -1}}, NegativeClientsError),
        ({"own_client_work_fte": {"a": D(-1)}}, NegativeClientWorkFteError),
        ({"pilot_wide_client_work_fte": D(-1)}, NegativeClientWorkFteError),
        ({"own_client_work_fte": {"z": D(1)}}, UnknownMunicipalityError),
    ],
)
def test_bad_input_is_refused(kwargs, error):
    arguments = {
        "clients": {"a": 1},
        "own_client_work_fte": {},
        "pilot_wide_client_work_fte": D(1),
    } | kwargs
    with pytest.raises(error):
        comparable_caseloads(**arguments)


fte = st.decimals(min_value=0, max_value=99, places=2)


@given(
    clients=st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=8),
    own=st.lists(fte, min_size=8, max_size=8),
    pool=fte,
)
def test_shares_add_up_and_follow_clients(clients, own, pool):
    keys = [f"u{i}" for i in range(len(clients))]
    result = comparable_caseloads(
        clients=dict(zip(keys, clients, strict=True)),
        own_client_work_fte=dict(zip(keys, own, strict=False)),
        pilot_wide_client_work_fte=pool,
    )
    assert result.shared_fte + result.unshared_fte == pool
    assert result.total_fte == sum(own[: len(keys)], D(0)) + pool - result.unshared_fte
    total_clients = sum(clients)
    for unit in result.units:
        assert unit.total_fte == unit.own_fte + unit.shared_fte
        if total_clients:
            quota = pool * unit.clients / total_clients
            assert abs(unit.shared_fte - quota) < result.step
    by_clients = sorted(result.units, key=lambda unit: unit.clients)
    for smaller, larger in zip(by_clients, by_clients[1:], strict=False):
        if smaller.clients < larger.clients:
            assert smaller.shared_fte <= larger.shared_fte
