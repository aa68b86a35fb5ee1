"""Caseload and serving units, with the seed pilots' figures."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.caseload import (
    Caseload,
    CaseloadError,
    CaseloadStatus,
    DuplicateMunicipalityError,
    MissingClientsError,
    NegativeClientsError,
    NegativeClientWorkFteError,
    NonPositiveTargetError,
    ProducerIsRecipientError,
    RecipientClaimedTwiceError,
    ServingUnit,
    UnknownMunicipalityError,
    caseload,
    serving_units,
    unit_caseloads,
    with_target,
)

D = Decimal

# --- seed 000 --------------------------------------------------------------------------------


def test_seed_000_pilot_caseload():
    # "27,4  95,69343": 2622 clients over 27,4 client-work FTE.
    result = caseload(clients=2622, client_work_fte=D("27.4"))
    assert isinstance(result, Caseload)
    assert str(result.value).startswith("95.69343")
    assert result.rounded() == D("95.7")
    assert str(result.rounded(places=5)) == "95.69343"
    assert result.status is CaseloadStatus.NO_TARGET
    assert result.message == "ei tavoitetta"
    assert result.over_by is None


# --- zero and targets ------------------------------------------------------------------------


def test_zero_client_work_fte_is_a_state_not_a_crash():
    result = caseload(clients=88, client_work_fte=D("0"))
    assert result.value is None
    assert result.status is CaseloadStatus.NO_ADVISOR
    assert result.status == "no_advisor"
    assert result.message == "ei asiakasvastaavaa"
    assert result.rounded() is None
    assert result.over_by is None
    # a target does not change that there is no advisor
    assert with_target(result, target=D("100")).status is CaseloadStatus.NO_ADVISOR


def test_within_and_over_target():
    within = caseload(clients=420, client_work_fte=5, target=D("90"))
    assert within.value == D("84")
    assert within.status is CaseloadStatus.WITHIN
    assert within.over_by == 0
    assert within.message == "tavoitteen mukainen"

    over = with_target(within, target=D("80"))
    assert over.status is CaseloadStatus.OVER
    assert over.over_by == D("4")
    assert over.message == "yli tavoitteen"
    assert over.target == D("80")
    assert within.target == D("90")  # frozen: with_target returns a new result

    exactly = with_target(within, target=84)
    assert exactly.status is CaseloadStatus.WITHIN

    assert with_target(over, target=None).status is CaseloadStatus.NO_TARGET


def test_target_compares_unrounded_value():
    result = caseload(clients=2622, client_work_fte=D("27.4"), target=D("95.7"))
    assert result.rounded() == D("95.7")
    assert result.status is CaseloadStatus.WITHIN  # 95,6934... ≤ 95,7
    result = with_target(result, target=D("95.69"))
    assert result.status is CaseloadStatus.OVER
    assert str(result.over_by).startswith("0.00343")


def test_bad_inputs():
    with pytest.raises(NegativeClientsError) as excinfo:
        caseload(clients=-1, client_work_fte=D("1"))
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.code == "negative_clients"
    with pytest.raises(NegativeClientWorkFteError) as excinfo:
        caseload(clients=1, client_work_fte=D("-0.5"))
    assert excinfo.value.message == (
        "Asiakastyön henkilötyövuodet eivät voi olla negatiivisia, nyt \u22120,5"
    )
    with pytest.raises(NonPositiveTargetError):
        caseload(clients=1, client_work_fte=D("1"), target=D("0"))
    with pytest.raises(TypeError):
        caseload(clients=1, client_work_fte=1.5)
    with pytest.raises(TypeError):
        caseload(clients=1.0, client_work_fte=D("1"))
    with pytest.raises(TypeError):
        caseload(clients=1, client_work_fte=D("1"), target=90.0)


@settings(max_examples=200)
@given(
    clients=st.integers(min_value=0, max_value=100_000),
    tenths=st.integers(min_value=0, max_value=1000),
)
def test_caseload_never_raises_on_valid_input(clients, tenths):
    fte = D(tenths) / 10
    result = caseload(clients=clients, client_work_fte=fte)
    if tenths == 0:
        assert result.status is CaseloadStatus.NO_ADVISOR
    else:
        assert abs(result.value * fte - clients) < D("1e-40")


# --- seed 001: serving units -----------------------------------------------------------------

JOKILAAKSOT = ["Alavieska", "Kalajoki", "Merijärvi", "Oulainen", "Ylivieska"]
PRODUCES_FOR = {"Ylivieska": ["Alavieska"], "Kalajoki": ["Merijärvi"]}
JOB_SEEKERS = {"Alavieska": 88, "Kalajoki": 388, "Merijärvi": 32, "Oulainen": 293, "Ylivieska": 576}
# The seed's "Yht." column (every employer's FTE); Alavieska and Merijärvi have none.
FTE = {"Ylivieska": D("12"), "Kalajoki": D("5"), "Oulainen": D("3.5")}


def test_seed_001_serving_units():
    units = serving_units(municipalities=JOKILAAKSOT, produces_for=PRODUCES_FOR)
    assert units == [
        ServingUnit("Kalajoki", ("Kalajoki", "Merijärvi")),
        ServingUnit("Oulainen", ("Oulainen",)),
        ServingUnit("Ylivieska", ("Ylivieska", "Alavieska")),
    ]


def test_seed_001_unit_caseloads():
    units = serving_units(municipalities=JOKILAAKSOT, produces_for=PRODUCES_FOR)
    results = {
        item.unit.provider: item.caseload
        for item in unit_caseloads(units=units, clients=JOB_SEEKERS, client_work_fte=FTE)
    }
    assert results["Ylivieska"].clients == 664
    assert results["Ylivieska"].client_work_fte == 12
    assert results["Ylivieska"].rounded() == D("55.3")
    assert results["Kalajoki"].clients == 420
    assert results["Kalajoki"].value == D("84")
    assert results["Oulainen"].clients == 293
    assert results["Oulainen"].rounded() == D("83.7")
    # The units cover every job seeker exactly once.
    assert sum(result.clients for result in results.values()) == 1377


def test_seed_001_without_units_the_recipients_have_no_advisor():
    alone = caseload(clients=JOB_SEEKERS["Alavieska"], client_work_fte=D("0"))
    assert alone.status is CaseloadStatus.NO_ADVISOR


def test_unit_caseloads_with_target():
    units = serving_units(municipalities=JOKILAAKSOT, produces_for=PRODUCES_FOR)
    statuses = {
        item.unit.provider: item.caseload.status
        for item in unit_caseloads(
            units=units, clients=JOB_SEEKERS, client_work_fte=FTE, target=D("80")
        )
    }
    assert statuses == {
        "Kalajoki": CaseloadStatus.OVER,
        "Oulainen": CaseloadStatus.OVER,
        "Ylivieska": CaseloadStatus.WITHIN,
    }


def test_unit_without_any_fte_shows_no_advisor():
    units = serving_units(municipalities=["A", "B"], produces_for={"A": ["B"]})
    [item] = unit_caseloads(units=units, clients={"A": 1, "B": 2}, client_work_fte={})
    assert item.caseload.status is CaseloadStatus.NO_ADVISOR
    assert item.caseload.clients == 3


def test_unit_missing_client_count_is_an_error():
    units = serving_units(municipalities=["A", "B"], produces_for={"A": ["B"]})
    with pytest.raises(MissingClientsError) as excinfo:
        unit_caseloads(units=units, clients={"A": 1}, client_work_fte={"A": D("1")})
    assert excinfo.value.message == "Kunnalta B puuttuu asiakasmäärä"


def test_unit_negative_inputs():
    units = serving_units(municipalities=["A"], produces_for={})
    with pytest.raises(NegativeClientsError):
        unit_caseloads(units=units, clients={"A": -1}, client_work_fte={"A": D("1")})
    with pytest.raises(NegativeClientWorkFteError):
        unit_caseloads(units=units, clients={"A": 1}, client_work_fte={"A": D("-1")})


def test_serving_unit_errors():
    with pytest.raises(RecipientClaimedTwiceError) as excinfo:
        serving_units(
            municipalities=JOKILAAKSOT,
            produces_for={"Ylivieska": ["Alavieska"], "Kalajoki": ["Alavieska"]},
        )
    assert excinfo.value.code == "recipient_claimed_twice"
    assert excinfo.value.message == (
        "Kunnan Alavieska palvelut tuottavat sekä Ylivieska että Kalajoki"
    )
    with pytest.raises(ProducerIsRecipientError) as excinfo:
        serving_units(
            municipalities=JOKILAAKSOT,
            produces_for={"Ylivieska": ["Kalajoki"], "Kalajoki": ["Merijärvi"]},
        )
    assert excinfo.value.code == "producer_is_recipient"
    with pytest.raises(ProducerIsRecipientError):
        serving_units(municipalities=["A", "B"], produces_for={"A": ["B"], "B": ["A"]})
    with pytest.raises(UnknownMunicipalityError):
        serving_units(municipalities=JOKILAAKSOT, produces_for={"Kokkola": ["Kannus"]})
    with pytest.raises(UnknownMunicipalityError):
        serving_units(municipalities=JOKILAAKSOT, produces_for={"Kalajoki": ["Kannus"]})
    with pytest.raises(DuplicateMunicipalityError):
        serving_units(municipalities=["A", "A"], produces_for={})
    assert issubclass(RecipientClaimedTwiceError, CaseloadError)


def test_serving_units_tolerate_repeats_and_self_service():
    units = serving_units(
        municipalities=["A", "B", "C"], produces_for={"A": ["A", "B", "B"], "C": []}
    )
    assert units == [ServingUnit("A", ("A", "B")), ServingUnit("C", ("C",))]
