"""factory-boy factories for the staffing app.

Related objects are kept consistent: a plan's lines, pools and figures belong to the plan's
pilot; a line's client-work FTE equals its FTE unless given (so it never exceeds it); a part's
FTE is at most its line's FTE (the database trigger refuses more).
"""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from municipalities.models import Measure
from staffing.capacity import rules_2026
from staffing.models import (
    Allocation,
    AllocationPart,
    CapacityRuleSet,
    DeclaredFigure,
    Organisation,
    ResourcePool,
    ScenarioAssumptions,
    ServiceNeed,
    StaffingPlan,
)
from staffing.models.capacity import rule_set_fields

from .municipalities import (
    MunicipalityFactory,
    MunicipalityGroupFactory,
    PilotFactory,
    PilotMembershipFactory,
)

__all__ = [
    "AllocationFactory",
    "AllocationPartFactory",
    "CapacityRuleSetFactory",
    "DeclaredFigureFactory",
    "OrganisationFactory",
    "ResourcePoolFactory",
    "ScenarioAssumptionsFactory",
    "ServiceNeedFactory",
    "StaffingPlanFactory",
]


class OrganisationFactory(DjangoModelFactory):
    """An employer of kind "other"; traits: ``state``, ``municipal`` (with a municipality),
    ``municipal_group`` (with a group) and ``joint_authority``."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    short_name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"organisaatio-{n}")
    kind = Organisation.Kind.OTHER
    municipality = None
    group = None

    class Params:
        state = factory.Trait(kind=Organisation.Kind.STATE)
        municipal = factory.Trait(
            kind=Organisation.Kind.MUNICIPALITY,
            municipality=factory.SubFactory(MunicipalityFactory),
        )
        municipal_group = factory.Trait(
            kind=Organisation.Kind.MUNICIPAL_GROUP,
            group=factory.SubFactory(MunicipalityGroupFactory),
        )
        joint_authority = factory.Trait(kind=Organisation.Kind.JOINT_AUTHORITY)


class ServiceNeedFactory(DjangoModelFactory):
    """A top-level service need; pass ``parent=`` for a special task under it."""

    class Meta:
        model = ServiceNeed

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Palvelutarve {n}")
    parent = None
    position = factory.Sequence(lambda n: n)
    is_management = False


class StaffingPlanFactory(DjangoModelFactory):
    class Meta:
        model = StaffingPlan

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Henkilöstösuunnitelma {n}")
    slug = factory.Sequence(lambda n: f"suunnitelma-{n}")
    kind = StaffingPlan.Kind.PLAN
    status = StaffingPlan.Status.DRAFT
    valid_from = factory.SelfAttribute("pilot.start_date")
    valid_to = None
    statistics_date = None
    statistics_measure = Measure.CLIENTS
    based_on = None

    class Params:
        approved = factory.Trait(status=StaffingPlan.Status.APPROVED)
        scenario = factory.Trait(kind=StaffingPlan.Kind.SCENARIO)


class AllocationFactory(DjangoModelFactory):
    """One line item, 1 FTE all in client work unless told otherwise.

    Traits ``serving_municipality`` (a new member municipality of the plan's pilot) and
    ``serving_group`` (a new group of the plan's pilot) fill the served party."""

    class Meta:
        model = Allocation

    plan = factory.SubFactory(StaffingPlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    service_need = factory.SubFactory(ServiceNeedFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role_title = factory.Sequence(lambda n: f"Asiantuntija {n}")
    fte = Decimal("1.00")
    client_work_fte = factory.LazyAttribute(lambda o: o.fte)
    serves_municipality = None
    serves_group = None
    note = ""

    class Params:
        serving_municipality = factory.Trait(
            serves_municipality=factory.LazyAttribute(
                lambda o: PilotMembershipFactory(pilot=o.plan.pilot).municipality
            ),
        )
        serving_group = factory.Trait(
            serves_group=factory.SubFactory(
                MunicipalityGroupFactory, pilot=factory.SelfAttribute("..plan.pilot")
            ),
        )


class AllocationPartFactory(DjangoModelFactory):
    """An "of which" part: half of its line's FTE unless given, never more than the line."""

    class Meta:
        model = AllocationPart

    allocation = factory.SubFactory(AllocationFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"josta osa {n}")
    fte = factory.LazyAttribute(lambda o: (o.allocation.fte / 2).quantize(Decimal("0.01")))
    shared_with = None


class ResourcePoolFactory(DjangoModelFactory):
    """A pool of the plan's pilot, by default the seed's unrounded 11,35 FTE of TE staff."""

    class Meta:
        model = ResourcePool

    plan = factory.SubFactory(StaffingPlanFactory)
    slug = factory.Sequence(lambda n: f"pooli-{n}")
    name = factory.Sequence(lambda n: f"Pooli {n}")
    organisation = factory.SubFactory(OrganisationFactory, state=True)
    amount = Decimal("11.35")
    step = Decimal("0.1")
    method = ResourcePool.Method.LARGEST_REMAINDER
    position = factory.Sequence(lambda n: n)
    note = ""


class DeclaredFigureFactory(DjangoModelFactory):
    """A declared total of a pilot; the plan, when given, is a plan of the same pilot.

    Traits: ``in_plan`` (a plan of the figure's pilot), ``for_pool`` (a pool share of a new
    pool in a plan of the figure's pilot)."""

    class Meta:
        model = DeclaredFigure

    pilot = factory.SubFactory(PilotFactory)
    key = factory.Sequence(lambda n: f"luku-{n}")
    label = factory.LazyAttribute(lambda o: str(o.value).replace(".", ","))
    metric = DeclaredFigure.Metric.FTE
    value = Decimal("14.2")
    precision = Decimal("0.1")
    plan = None
    organisation = None
    municipality = None
    group = None
    pool = None
    measure = ""
    date = None
    source = "Testi"
    note = ""

    class Params:
        in_plan = factory.Trait(
            plan=factory.SubFactory(StaffingPlanFactory, pilot=factory.SelfAttribute("..pilot")),
        )
        for_pool = factory.Trait(
            metric=DeclaredFigure.Metric.POOL_SHARE,
            plan=factory.SubFactory(StaffingPlanFactory, pilot=factory.SelfAttribute("..pilot")),
            pool=factory.SubFactory(ResourcePoolFactory, plan=factory.SelfAttribute("..plan")),
        )


class CapacityRuleSetFactory(DjangoModelFactory):
    """A national rule set with the values of ``rules_2026()``; ``pilot`` makes it a copy."""

    class Meta:
        model = CapacityRuleSet

    pilot = None
    name = factory.Sequence(lambda n: f"Sääntö {n}")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        return {**rule_set_fields(rules_2026()), **kwargs}


class ScenarioAssumptionsFactory(DjangoModelFactory):
    """A scenario's own assumptions: 40 minutes a follow-up discussion, the rest as stored."""

    class Meta:
        model = ScenarioAssumptions

    plan = factory.SubFactory(StaffingPlanFactory, scenario=True)
    follow_up_minutes = Decimal("40")
