"""Every CheckConstraint and UniqueConstraint of the three apps, and the part-within-line
trigger: the database refuses a bad row (IntegrityError, naming the rule where the database
reports it) and ``full_clean()`` gives the constraint's message.

A new constraint needs a case here: ``test_every_constraint_has_a_case`` fails until it has one.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import translation

from municipalities.models import PilotSuccession, SegmentTarget
from staffing.models import Allocation, AllocationPart, PilotOrganisation
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    MunicipalityGroupFactory,
    PilotFactory,
    PilotMembershipFactory,
    PilotStatisticFactory,
    ServiceProductionFactory,
)
from tests.factories.servicepoints import (
    OnDutyScheduleFactory,
    PlacementFactory,
    ServiceArrangementFactory,
    ServicePointFactory,
)
from tests.factories.staffing import (
    AllocationFactory,
    AllocationPartFactory,
    CapacityRuleSetFactory,
    DeclaredFigureFactory,
    OrganisationFactory,
    ResourcePoolFactory,
    ScenarioAssumptionsFactory,
    ServiceNeedFactory,
    StaffingPlanFactory,
)

D = Decimal
APPS = ("municipalities", "staffing", "servicepoints")
TRIGGER = "staffing_allocationpart_fte_within_line"


def copy_of(instance, **changes):
    """A new, unsaved row with the saved ``instance``'s values and ``changes``."""
    row = type(instance)._default_manager.get(pk=instance.pk)
    row.pk = None
    row._state.adding = True
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def changed(instance, **changes):
    """The saved ``instance`` itself with ``changes``: saving it is an UPDATE."""
    for name, value in changes.items():
        setattr(instance, name, value)
    return instance


@dataclass(frozen=True)
class Case:
    """A constraint and how to break it.

    ``bad`` returns a row (new or changed) that breaks only this constraint. ``field`` names the
    field whose own validator reports the value first in ``full_clean()``: Django then skips the
    model-level check for that field, so the constraint's message is checked with
    ``validate_constraints()``. ``reported_as`` is what the database error names instead of the
    constraint when an equivalent rule of the field itself fires first.
    """

    constraint: str
    bad: Callable[[], models.Model]
    message: str
    field: str | None = None
    reported_as: tuple[str, ...] = ()

    def __str__(self):
        return self.constraint


def _unique(factory, **changes):
    return lambda: copy_of(factory(), **changes)


def _succession():
    return PilotSuccession.objects.create(
        predecessor=PilotFactory(),
        successor=PilotFactory(kind="area", start_date=datetime.date(2025, 1, 1), end_date=None),
        municipality=MunicipalityFactory(),
    )


def _self_succession():
    row = _succession()
    row.successor = row.predecessor
    return row


def _segment_target():
    return SegmentTarget.objects.create(
        pilot=PilotFactory(),
        name="nuoret",
        measure="unemployed_under_25",
        part_label="nuor",
        target_caseload=D("60"),
    )


CASES = [
    # --- municipalities ------------------------------------------------------------------
    Case(
        "municipalities_municipality_code_three_digits",
        lambda: copy_of(MunicipalityFactory(), code="12a"),
        "A municipality code is three digits.",
        field="code",
    ),
    Case(
        "municipalities_municipality_valid_to_after_from",
        lambda: copy_of(
            MunicipalityFactory(),
            code="998",
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2024, 12, 31),
        ),
        "A municipality cannot end before it begins.",
    ),
    Case(
        "municipalities_pilot_unique_code",
        lambda: copy_of(PilotFactory(kind="area", code="44"), name="Toinen", slug="toinen"),
        "Another employment area already has this code.",
    ),
    Case(
        "municipalities_pilotsuccession_one_successor",
        lambda: copy_of(
            _succession(),
            successor=PilotFactory(start_date=datetime.date(2025, 1, 1), end_date=None),
        ),
        "This municipality already has a successor for this pilot.",
    ),
    Case(
        "municipalities_pilotsuccession_not_self",
        lambda: _self_succession(),
        "A pilot cannot succeed itself.",
    ),
    Case(
        "municipalities_pilot_ends_after_start",
        lambda: copy_of(
            PilotFactory(), name="Toinen", slug="toinen", end_date=datetime.date(2020, 12, 31)
        ),
        "The end date cannot be before the start date.",
    ),
    Case(
        "municipalities_pilot_target_positive",
        lambda: copy_of(PilotFactory(), name="Toinen", slug="toinen", target_caseload=D("0")),
        "The target caseload must be greater than zero.",
        field="target_caseload",
    ),
    Case(
        "municipalities_segmenttarget_unique_name",
        lambda: copy_of(_segment_target()),
        "The pilot already has a segment of this name.",
    ),
    Case(
        "municipalities_segmenttarget_target_positive",
        lambda: copy_of(_segment_target(), name="toinen", target_caseload=D("0")),
        "The target caseload must be greater than zero.",
        field="target_caseload",
    ),
    Case(
        "municipalities_pilotmembership_unique_member",
        _unique(PilotMembershipFactory),
        "The municipality is already a member of this pilot.",
    ),
    Case(
        "municipalities_municipalitygroup_unique_slug",
        _unique(MunicipalityGroupFactory, name="Toinen ryhmä"),
        "The pilot already has a group with this short name.",
    ),
    Case(
        "municipalities_municipalitygroup_unique_name",
        # SQLite's lower() folds ASCII only: the service compares the names casefolded.
        lambda: copy_of(MunicipalityGroupFactory(name="Seutu"), name="SEUTU", slug="toinen"),
        "The pilot already has a group of this name.",
    ),
    Case(
        "municipalities_serviceproduction_one_producer",
        lambda: (
            lambda production: copy_of(
                production, producer=PilotMembershipFactory(pilot=production.pilot).municipality
            )
        )(ServiceProductionFactory()),
        "Another municipality already produces this municipality's services; a municipality "
        "can have only one producer.",
    ),
    Case(
        "municipalities_serviceproduction_not_self",
        lambda: (lambda production: changed(production, recipient=production.producer))(
            ServiceProductionFactory()
        ),
        "A municipality cannot produce its own services.",
    ),
    Case(
        "municipalities_clientstatistic_one_per_date",
        _unique(ClientStatisticFactory, value=D("5")),
        "This municipality already has a figure for this measure on this date.",
    ),
    Case(
        "municipalities_clientstatistic_value_not_negative",
        lambda: copy_of(ClientStatisticFactory(), measure="unemployed", value=D("-1")),
        "A count cannot be negative.",
    ),
    Case(
        "municipalities_pilotstatistic_one_per_date",
        _unique(PilotStatisticFactory, value=D("5")),
        "This pilot already has this figure for this measure on this date.",
    ),
    Case(
        "municipalities_pilotstatistic_value_in_range",
        lambda: copy_of(
            PilotStatisticFactory(percent=True), measure="structurally_unemployed", value=D("101")
        ),
        "A count cannot be negative; a percentage is 0–100 and names its base.",
    ),
    # --- staffing --------------------------------------------------------------------------
    Case(
        "staffing_organisation_municipality_or_group",
        lambda: OrganisationFactory.build(
            municipality=MunicipalityFactory(), group=MunicipalityGroupFactory()
        ),
        "An organisation belongs to a municipality or a group, not both.",
    ),
    Case(
        "staffing_serviceneed_not_own_parent",
        lambda: (lambda need: changed(need, parent_id=need.pk))(ServiceNeedFactory()),
        "A service need cannot be part of itself.",
    ),
    Case(
        "staffing_staffingplan_unique_slug",
        _unique(StaffingPlanFactory, name="Toinen suunnitelma"),
        "The pilot already has a plan with this short name.",
    ),
    Case(
        "staffing_staffingplan_valid_to_after_from",
        lambda: copy_of(StaffingPlanFactory(), slug="toinen", valid_to=datetime.date(2020, 1, 1)),
        "A plan cannot end before it starts.",
    ),
    Case(
        "staffing_allocation_unique_position",
        _unique(AllocationFactory),
        "The plan already has a line in this position.",
    ),
    Case(
        # A negative FTE always breaks client_work_within_fte as well (client work is 0 or
        # more), and above 9 999,99 does not fit PostgreSQL's numeric(6, 2): the database may
        # report either rule.
        "staffing_allocation_fte_range",
        lambda: copy_of(AllocationFactory(), position=999, fte=D("-1"), client_work_fte=D("0")),
        "FTE must be between 0 and 9 999,99.",
        field="fte",
        reported_as=("staffing_allocation_client_work_within_fte",),
    ),
    Case(
        "staffing_allocation_client_work_within_fte",
        lambda: copy_of(AllocationFactory(), position=999, client_work_fte=D("1.50")),
        "Client-work FTE cannot exceed the line's FTE.",
    ),
    Case(
        "staffing_allocation_serves_one",
        lambda: copy_of(
            AllocationFactory(serving_group=True),
            position=999,
            serves_municipality=MunicipalityFactory(),
        ),
        "A line serves one municipality or one group, not both.",
    ),
    Case(
        "staffing_allocationpart_unique_position",
        _unique(AllocationPartFactory),
        "The line already has a part in this position.",
    ),
    Case(
        "staffing_allocationpart_fte_range",
        lambda: copy_of(AllocationPartFactory(), position=999, fte=D("-0.5")),
        "FTE must be between 0 and 9 999,99.",
        field="fte",
    ),
    Case(
        "staffing_pilotorganisation_unique",
        lambda: copy_of(
            PilotOrganisation.objects.create(
                pilot=PilotFactory(), organisation=OrganisationFactory()
            )
        ),
        "The organisation is already one of the pilot's.",
    ),
    Case(
        "staffing_resourcepool_unique_slug",
        _unique(ResourcePoolFactory, name="Toinen pooli"),
        "The plan already has a pool with this short name.",
    ),
    Case(
        "staffing_resourcepool_amount_and_step",
        lambda: copy_of(ResourcePoolFactory(), slug="toinen", step=D("0")),
        "A pool cannot be negative and its rounding step must be positive.",
        field="step",
    ),
    Case(
        "staffing_declaredfigure_unique_key",
        _unique(DeclaredFigureFactory, value=D("1")),
        "The pilot already has a declared figure with this key.",
    ),
    Case(
        "staffing_declaredfigure_precision_positive",
        lambda: copy_of(DeclaredFigureFactory(), key="toinen", precision=D("0")),
        "The printed precision must be positive.",
    ),
    Case(
        "staffing_capacityruleset_valid_to_after_from",
        lambda: copy_of(CapacityRuleSetFactory(), valid_to=datetime.date(2020, 1, 1)),
        "A rule set cannot end before it starts.",
    ),
    Case(
        "staffing_capacityruleset_shares_0_to_1",
        lambda: copy_of(CapacityRuleSetFactory(), follow_up_two_staff_share=D("1.5")),
        "A share with a second person is between 0 and 1.",
    ),
    Case(
        "staffing_capacityruleset_hours_and_periods_positive",
        lambda: copy_of(CapacityRuleSetFactory(), productive_hours_per_fte_year=D("0")),
        "Productive hours, the first period, the interval and the recurrence must be greater "
        "than zero.",
    ),
    Case(
        "staffing_capacityruleset_counts_not_negative",
        lambda: copy_of(CapacityRuleSetFactory(), intensive_minutes=D("-30")),
        "Meetings, minutes, preparation and the period at 6 months cannot be negative.",
    ),
    Case(
        "staffing_scenarioassumptions_shares_0_to_1",
        lambda: changed(ScenarioAssumptionsFactory(), long_term_share=D("1.5")),
        "A share is between 0 and 1.",
    ),
    Case(
        "staffing_scenarioassumptions_hours_positive",
        lambda: changed(ScenarioAssumptionsFactory(), productive_hours_per_fte_year=D("0")),
        "Productive hours must be greater than zero; meetings, minutes and preparation cannot "
        "be negative.",
    ),
    # --- servicepoints -----------------------------------------------------------------------
    Case(
        "servicepoints_servicepoint_unique_slug",
        _unique(ServicePointFactory, name="Toinen toimipiste"),
        "The pilot already has a service point with this short name.",
    ),
    Case(
        "servicepoints_servicepoint_postal_code_five_digits",
        lambda: copy_of(ServicePointFactory(), slug="toinen", postal_code="6960"),
        "A Finnish postal code is five digits.",
        field="postal_code",
    ),
    Case(
        # PositiveSmallIntegerField has its own database check with the same condition.
        "servicepoints_servicepoint_workstations_not_negative",
        lambda: copy_of(ServicePointFactory(), slug="toinen", workstations=-1),
        "Workstations cannot be negative.",
        field="workstations",
        reported_as=("workstations",),
    ),
    Case(
        "servicepoints_ondutyschedule_days_given",
        lambda: OnDutyScheduleFactory.build(
            service_point=ServicePointFactory(), weekdays="", days_per_week=None
        ),
        "Give the weekdays or the number of days a week.",
    ),
    Case(
        "servicepoints_ondutyschedule_days_range",
        lambda: OnDutyScheduleFactory.build(
            service_point=ServicePointFactory(), days_per_week=D("8")
        ),
        "Days a week must be between 0 and 7.",
        field="days_per_week",
    ),
    Case(
        "servicepoints_ondutyschedule_weekdays_valid",
        lambda: OnDutyScheduleFactory.build(
            service_point=ServicePointFactory(), weekdays="31", days_per_week=None
        ),
        "Weekdays are the digits 1–7 in order, e.g. 135.",
    ),
    Case(
        "servicepoints_placement_unique_position",
        _unique(PlacementFactory),
        "The point already has a placement in this position.",
    ),
    Case(
        "servicepoints_placement_days_range",
        lambda: copy_of(PlacementFactory(), position=999, days_per_week=D("7.5")),
        "Days a week must be between 0 and 7.",
        field="days_per_week",
    ),
    Case(
        "servicepoints_placement_persons_not_negative",
        lambda: copy_of(PlacementFactory(), position=999, persons=D("-1")),
        "The number of persons cannot be negative.",
        field="persons",
    ),
    Case(
        "servicepoints_servicearrangement_unique_key",
        _unique(ServiceArrangementFactory),
        "The pilot already has an arrangement with this key.",
    ),
    Case(
        "servicepoints_servicearrangement_has_provider",
        lambda: copy_of(ServiceArrangementFactory(), key="toinen", provider_organisation=None),
        "Name who provides the service.",
    ),
]


def constraint_named(name):
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                if constraint.name == name:
                    return model, constraint
    raise LookupError(name)


def test_every_constraint_has_a_case():
    names = {
        constraint.name
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }
    cases = [case.constraint for case in CASES]
    assert len(cases) == len(set(cases))
    assert set(cases) == names


def reported_names(model, constraint, case):
    """What the database's error message names for this constraint."""
    if isinstance(constraint, models.UniqueConstraint) and connection.vendor == "sqlite":
        # SQLite names the columns, not the constraint.
        table = model._meta.db_table
        columns = ", ".join(
            f"{table}.{model._meta.get_field(name).column}" for name in constraint.fields
        )
        return (f"UNIQUE constraint failed: {columns}",)
    return (constraint.name, *case.reported_as)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_database_refuses_the_bad_row(case):
    model, constraint = constraint_named(case.constraint)
    row = case.bad()
    assert isinstance(row, model)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        row.save()
    message = str(error.value)
    assert any(name in message for name in reported_names(model, constraint, case)), message


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_full_clean_gives_the_constraint_message(case):
    _model, constraint = constraint_named(case.constraint)
    with translation.override("en"):
        row = case.bad()
        with pytest.raises(ValidationError) as error:
            row.full_clean()
        if case.field is None:
            assert case.message in error.value.messages
        else:
            # The field's validator speaks first; the model-level check says the same rule.
            assert case.field in error.value.message_dict
            with pytest.raises(ValidationError) as error:
                row.validate_constraints()
            assert case.message in error.value.messages
        assert str(constraint.violation_error_message) == case.message
    with translation.override("fi"):
        # Finnish, or English where the catalogue has no translation yet: never empty.
        assert str(constraint.violation_error_message).strip()


FACTORIES = [
    MunicipalityFactory,
    PilotFactory,
    PilotMembershipFactory,
    MunicipalityGroupFactory,
    ClientStatisticFactory,
    PilotStatisticFactory,
    ServiceProductionFactory,
    OrganisationFactory,
    ServiceNeedFactory,
    StaffingPlanFactory,
    AllocationFactory,
    AllocationPartFactory,
    ResourcePoolFactory,
    DeclaredFigureFactory,
    CapacityRuleSetFactory,
    ScenarioAssumptionsFactory,
    ServicePointFactory,
    OnDutyScheduleFactory,
    PlacementFactory,
    ServiceArrangementFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_every_factory_makes_a_valid_row(factory_class):
    """The failures above come from the one bad value, not from the factories."""
    factory_class().full_clean()
    factory_class().full_clean()


# --- the part-within-line trigger ---------------------------------------------------------


@pytest.fixture
def line(db):
    return AllocationFactory(fte=D("1.00"), client_work_fte=D("1.00"))


def test_part_above_its_line_is_refused_on_insert(line):
    with pytest.raises(IntegrityError, match=TRIGGER), transaction.atomic():
        AllocationPartFactory(allocation=line, fte=D("1.50"))
    assert not AllocationPart.objects.exists()


def test_part_raised_above_its_line_is_refused(line):
    part = AllocationPartFactory(allocation=line, fte=D("0.50"))
    part.fte = D("1.01")
    with pytest.raises(IntegrityError, match=TRIGGER), transaction.atomic():
        part.save()
    part.refresh_from_db()
    assert part.fte == D("0.50")


def test_line_lowered_below_a_part_is_refused(line):
    AllocationPartFactory(allocation=line, fte=D("0.80"))
    line.fte = line.client_work_fte = D("0.50")
    with pytest.raises(IntegrityError, match=TRIGGER), transaction.atomic():
        line.save()
    line.refresh_from_db()
    assert line.fte == D("1.00")


def test_part_equal_to_its_line_and_line_lowered_to_it_pass(line):
    AllocationPartFactory(allocation=line, fte=D("1.00"))
    other = AllocationPartFactory(allocation=line, fte=D("0.40"))
    other.fte = D("0.60")
    other.save()
    # parts are each within the line; their sum may exceed it (they can overlap)
    AllocationPartFactory(allocation=line, fte=D("0.90"))
    line.fte = D("1.00")
    line.save()
    assert Allocation.objects.get(pk=line.pk).parts.count() == 3
    lowered = AllocationFactory(fte=D("2.00"))
    AllocationPartFactory(allocation=lowered, fte=D("1.20"))
    lowered.fte = lowered.client_work_fte = D("1.20")
    lowered.save()


def test_a_part_only_compares_with_its_own_line(db):
    small = AllocationFactory(fte=D("0.20"))
    big = AllocationFactory(plan=small.plan, fte=D("3.00"))
    AllocationPartFactory(allocation=big, fte=D("2.50"))
    with pytest.raises(IntegrityError, match=TRIGGER), transaction.atomic():
        AllocationPartFactory(allocation=small, fte=D("0.30"))


def test_full_clean_reports_a_part_above_its_line(line):
    part = AllocationPartFactory.build(allocation=line, position=1, fte=D("1.50"))
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            part.full_clean()
        assert caught.value.message_dict["fte"] == [
            "An “of which” part cannot be more than its line's FTE."
        ]
    with translation.override("fi"):
        assert caught.value.message_dict["fte"] == [
            "Josta-erittely ei voi olla suurempi kuin rivin HTV."
        ]


@pytest.mark.django_db
def test_factories_keep_related_objects_consistent():
    line = AllocationFactory(fte=D("0.60"), serving_municipality=True)
    assert line.client_work_fte == line.fte
    assert line.plan.pilot.municipalities.filter(pk=line.serves_municipality.pk).exists()
    assert AllocationPartFactory(allocation=line).fte <= line.fte
    grouped = AllocationFactory(serving_group=True)
    assert grouped.serves_group.pilot == grouped.plan.pilot
    figure = DeclaredFigureFactory(for_pool=True)
    assert figure.plan.pilot == figure.pilot == figure.pool.plan.pilot
    placement = PlacementFactory(allocation=line)
    assert placement.organisation == line.organisation
    produces = ServiceProductionFactory()
    members = set(produces.pilot.municipalities.all())
    assert {produces.producer, produces.recipient} <= members
    assert produces.producer != produces.recipient
    group = MunicipalityGroupFactory(members=[MunicipalityFactory(), MunicipalityFactory()])
    assert set(group.members.all()) <= set(group.pilot.municipalities.all())


@pytest.mark.django_db
@pytest.mark.parametrize(("target", "valid"), [("0", False), ("0.1", True), ("80", True)])
def test_target_caseload_field_and_database_share_one_range_and_message(target, valid):
    """The field's validator and the database constraint draw the line at the same value and
    say the same thing."""
    pilot = PilotFactory.build(target_caseload=D(target))
    _model, constraint = constraint_named("municipalities_pilot_target_positive")
    with translation.override("en"):
        if valid:
            pilot.full_clean()
            pilot.save()
            return
        with pytest.raises(ValidationError) as error:
            pilot.full_clean()
        assert error.value.message_dict["target_caseload"] == [
            str(constraint.violation_error_message)
        ]
    with pytest.raises(IntegrityError), transaction.atomic():
        pilot.save()
