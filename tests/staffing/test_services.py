"""staffing.services: every rule with its own message, nothing written on refusal, versions
against lost updates, history with the acting user."""

import dataclasses
import datetime
import threading
from decimal import Decimal
from unittest.mock import ANY

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.history import parse_reason
from staffing import services
from staffing.models import Allocation, AllocationPart, ResourcePool, StaffingPlan
from staffing.selectors.lines import lines_with_parts
from tests.concurrency import write_while_held
from tests.factories.municipalities import MunicipalityFactory, MunicipalityGroupFactory
from tests.factories.staffing import (
    OrganisationFactory,
    ResourcePoolFactory,
    StaffingPlanFactory,
)
from tests.staffing.test_editing import approve, build_world, fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def reason_of(record):
    """A record's reason without the identifier of the save that wrote it."""
    code, params = parse_reason(record.history_change_reason)
    assert isinstance(params.pop("save"), str)  # every service call is one save
    return code, params


def line_fields(world, **overrides):
    fields = {
        "service_need": world.s1,
        "organisation": world.te,
        "role_title": "Asiantuntija",
        "fte": Decimal("1"),
        "client_work_fte": Decimal("0.5"),
        "serves_municipality": None,
        "serves_group": None,
        "note": "",
    }
    fields.update(overrides)
    return fields


def messages_of(error: ValidationError) -> dict:
    with translation.override("en"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


# --- creating lines -----------------------------------------------------------------------------


def test_create_appends_the_line_and_records_the_user(world):
    line = services.allocation_create(plan=world.plan, user=world.coordinator, **line_fields(world))
    assert line.position == 3
    assert line.version == 1
    record = line.history.get()
    assert (record.history_type, record.history_user) == ("+", world.coordinator)
    plan = StaffingPlan.objects.get(pk=world.plan.pk)
    assert plan.version == 2  # every change of the contents counts on the plan


def test_create_accepts_a_decimal_comma_string(world):
    line = services.allocation_create(
        plan=world.plan,
        user=world.coordinator,
        **line_fields(world, fte="0,5", client_work_fte="0,5"),
    )
    assert line.fte == Decimal("0.5")


BAD = [
    ({"fte": Decimal("-0.5")}, "fte", "FTE must be between 0 and 9 999,99."),
    ({"fte": Decimal("10000")}, "fte", "FTE must be between 0 and 9 999,99."),
    ({"fte": "kaksi"}, "fte", "Enter the FTE as a number, for example 0,5."),
    ({"fte": None}, "fte", "Enter the FTE."),
    ({"fte": ""}, "fte", "Enter the FTE."),
    ({"fte": Decimal("0.125")}, "fte", "FTE has at most two decimals, for example 7,55."),
    (
        {"fte": Decimal("1"), "client_work_fte": Decimal("1.5")},
        "client_work_fte",
        "Client-work FTE cannot exceed the line's FTE.",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD)
def test_create_refuses_bad_fte_with_a_message_and_writes_nothing(world, overrides, field, message):
    before = fingerprint()
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan, user=world.coordinator, **line_fields(world, **overrides)
        )
    assert messages_of(refused.value)[field] == [message]
    assert fingerprint() == before


def test_float_is_refused_outright(world):
    with pytest.raises(TypeError):
        services.allocation_create(
            plan=world.plan, user=world.coordinator, **line_fields(world, fte=0.5)
        )


def test_unknown_field_is_a_programming_error(world):
    with pytest.raises(TypeError, match="unknown fields: colour"):
        services.allocation_create(
            plan=world.plan, user=world.coordinator, colour="red", **line_fields(world)
        )


def test_served_municipality_must_be_a_member_and_group_of_the_pilot(world):
    stranger = MunicipalityFactory(code="555")
    foreign_group = MunicipalityGroupFactory(pilot=world.other_pilot)
    before = fingerprint()
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan,
            user=world.coordinator,
            **line_fields(world, serves_municipality=stranger),
        )
    assert messages_of(refused.value) == {
        "serves_municipality": ["This municipality is not a member of the pilot."]
    }
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan,
            user=world.coordinator,
            **line_fields(world, serves_group=foreign_group),
        )
    assert messages_of(refused.value) == {"serves_group": ["This group belongs to another pilot."]}
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan,
            user=world.coordinator,
            **line_fields(world, serves_municipality=world.towns[0], serves_group=world.group),
        )
    assert messages_of(refused.value) == {
        "serves_group": ["A line serves one municipality or one group, not both."]
    }
    assert fingerprint() == before


def test_organisation_must_exist(world):
    from staffing.models import Organisation

    gone = Organisation(pk=99999, name="Poistettu", slug="poistettu", kind="other")
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan, user=world.coordinator, **line_fields(world, organisation=gone)
        )
    assert "organisation" in refused.value.message_dict


def test_create_with_parts_checks_each_part_against_the_line(world):
    before = fingerprint()
    with translation.override("en"), pytest.raises(services.PartsInvalid) as refused:
        services.allocation_create(
            plan=world.plan,
            user=world.coordinator,
            parts=[
                services.PartInput(label="josta nuoret", fte=Decimal("0.5")),
                services.PartInput(label="josta liikaa", fte=Decimal("1.5")),
            ],
            **line_fields(world),
        )
    assert refused.value.by_index == {1: ["An “of which” part cannot be more than its line's FTE."]}
    assert fingerprint() == before
    line = services.allocation_create(
        plan=world.plan,
        user=world.coordinator,
        parts=[services.PartInput(label="josta nuoret", fte=Decimal("0.5"))],
        **line_fields(world),
    )
    assert list(line.parts.values_list("position", "label", "fte")) == [
        (1, "josta nuoret", Decimal("0.5"))
    ]


# --- changing lines -----------------------------------------------------------------------------


def test_update_raises_the_version_and_records_the_user(world):
    line = services.allocation_update(
        allocation=world.line, version=1, user=world.admin, role_title="Omavalmentaja"
    )
    assert (line.role_title, line.version) == ("Omavalmentaja", 2)
    record = line.history.latest()
    assert (record.history_type, record.history_user, record.version) == ("~", world.admin, 2)


def test_stale_update_is_refused_and_the_newer_data_kept(world):
    services.allocation_update(
        allocation=world.line, version=1, user=world.coordinator, role_title="Ensimmäinen"
    )
    before = fingerprint()
    with pytest.raises(services.StaleEdit) as refused:
        services.allocation_update(
            allocation=world.line, version=1, user=world.admin, role_title="Toinen"
        )
    assert refused.value.current.role_title == "Ensimmäinen"
    with translation.override("en"):
        assert str(refused.value.message).startswith("Someone else changed this line")
    assert fingerprint() == before


def test_update_of_a_deleted_line_says_it_is_gone(world):
    stale = Allocation.objects.get(pk=world.management.pk)
    services.allocation_delete(allocation=world.management, version=1, user=world.coordinator)
    with pytest.raises(services.StaleEdit) as refused:
        services.allocation_update(allocation=stale, version=1, user=world.admin, note="x")
    assert refused.value.current is None
    with translation.override("en"):
        assert "deleted this line" in str(refused.value.message)


@pytest.mark.parametrize(
    ("line_fte", "part_fte"),
    [(Decimal("0.5"), Decimal("0.5")), (Decimal("9"), Decimal("8"))],
    ids=["line-shrinks", "line-grows"],
)
def test_a_save_between_the_read_and_the_write_wins_and_this_one_changes_nothing(
    world, line_fte, part_fte
):
    """The line was read at the version the user saw, and someone saved it before this save's
    UPDATE, which claims the line as it writes it: that UPDATE matches no row, and the parts
    written before it (a shrinking line) are undone with it."""
    seen = Allocation.objects.get(pk=world.line.pk)
    services.allocation_update(
        allocation=Allocation.objects.get(pk=world.line.pk),
        version=1,
        user=world.coordinator,
        role_title="Ensimmäinen",
    )
    before = fingerprint()
    with pytest.raises(services.StaleEdit) as refused:
        services.allocation_update(
            allocation=seen,
            version=1,
            user=world.admin,
            fte=line_fte,
            client_work_fte=line_fte,
            parts=[services.PartInput(part=world.part, label="josta nuoret", fte=part_fte)],
        )
    assert refused.value.current.role_title == "Ensimmäinen"
    assert fingerprint() == before
    assert seen.version == 1  # the caller's line is as it was read


def assert_refused_as_stale(world, seen, *, part_fte):
    """A save based on `seen` (version 1) that shrinks the line to 3 and sets its part to
    `part_fte` is refused as stale and writes nothing, history records included."""
    before = fingerprint(), AllocationPart.history.count()
    with pytest.raises(services.StaleEdit):
        services.allocation_update(
            allocation=seen,
            version=1,
            user=world.admin,
            fte=Decimal("3"),
            client_work_fte=Decimal("3"),
            parts=[services.PartInput(part=world.part, label="josta nuoret", fte=part_fte)],
        )
    assert (fingerprint(), AllocationPart.history.count()) == before


def test_a_stale_save_of_a_shrinking_line_whose_parts_no_longer_fit_is_refused_as_stale(world):
    """Opened at 4 FTE with a part of 1; someone shrinks the line to 1,5 since. This save, based
    on the first version, shrinks it to 3 and grows the part to 2: the parts are written before
    the line, so the line is claimed first and the refusal is the stale one, not the part's."""
    seen = lines_with_parts().select_related("plan__pilot").get(pk=world.line.pk)
    services.allocation_update(
        allocation=lines_with_parts().get(pk=world.line.pk),
        version=1,
        user=world.coordinator,
        fte=Decimal("1.5"),
        client_work_fte=Decimal("1.5"),
    )
    assert_refused_as_stale(world, seen, part_fte=Decimal("2"))


def test_a_stale_save_of_a_part_replaced_since_is_refused_as_stale(world):
    """Someone removed the part and added another in its place since: the stale save, which
    shrinks the line and changes the old part, is refused as stale and writes nothing."""
    seen = lines_with_parts().select_related("plan__pilot").get(pk=world.line.pk)
    services.allocation_update(
        allocation=lines_with_parts().get(pk=world.line.pk),
        version=1,
        user=world.coordinator,
        parts=[
            services.PartInput(part=world.part, delete=True),
            services.PartInput(part=None, label="uusi", fte=Decimal("1")),
        ],
    )
    assert_refused_as_stale(world, seen, part_fte=Decimal("0.5"))


def test_a_save_keeping_an_organisation_taken_off_the_pilots_list_is_refused(world):
    """The admin can take an organisation off a pilot's list without the service's in-use
    check: a save of a line that keeps it is refused, not let through unasked."""
    world.pilot.organisations.remove(world.te)
    line = lines_with_parts().select_related("plan__pilot").get(pk=world.line.pk)
    with pytest.raises(ValidationError) as refused:
        services.allocation_update(allocation=line, version=1, user=world.admin, note="x")
    assert "organisation" in refused.value.message_dict


def test_a_lost_claim_inside_an_outer_transaction_leaves_it_usable(world):
    """As under ATOMIC_REQUESTS: the service's block is a savepoint, undone alone."""
    seen = lines_with_parts().select_related("plan__pilot").get(pk=world.line.pk)
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="a")
    with transaction.atomic():
        with pytest.raises(services.StaleEdit):
            services.allocation_update(allocation=seen, version=1, user=world.admin, note="b")
        Allocation.objects.filter(pk=world.line.pk).update(role_title="after")
    line = Allocation.objects.get(pk=world.line.pk)
    assert (line.role_title, line.note) == ("after", "a")


def test_a_save_claims_and_writes_its_line_in_one_update(world):
    """The claim is the save's own UPDATE (… WHERE version = the one seen), not one more."""
    with CaptureQueriesContext(connection) as context:
        line = services.allocation_update(
            allocation=world.line, version=1, user=world.admin, note="x"
        )
    updates = [
        query["sql"]
        for query in context.captured_queries
        if query["sql"].startswith('UPDATE "staffing_allocation"')
    ]
    assert len(updates) == 1 and '"version" = 1' in updates[0]
    assert (line.version, Allocation.objects.get(pk=world.line.pk).version) == (2, 2)
    assert world.line.history.count() == 2


def test_missing_or_garbled_version_counts_as_stale(world):
    for version in (None, "", "abc"):
        with pytest.raises(services.StaleEdit):
            services.allocation_update(
                allocation=world.line, version=version, user=world.admin, note="x"
            )


def test_validation_failure_after_the_claim_rolls_the_claim_back(world):
    with pytest.raises(ValidationError):
        services.allocation_update(
            allocation=world.line, version=1, user=world.admin, fte=Decimal("-1")
        )
    world.line.refresh_from_db()
    assert world.line.version == 1
    assert StaffingPlan.objects.get(pk=world.plan.pk).version == 1


def test_shrinking_a_line_below_its_part_is_refused(world):
    before = fingerprint()
    with pytest.raises(services.PartsInvalid):
        services.allocation_update(
            allocation=world.line,
            version=1,
            user=world.admin,
            fte=Decimal("0.5"),
            client_work_fte=Decimal("0.5"),
        )
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("line_fte", "part_fte"),
    [(Decimal("0.5"), Decimal("0.5")), (Decimal("9"), Decimal("8"))],
    ids=["line-shrinks", "line-grows"],
)
def test_line_and_part_change_together_in_an_order_the_trigger_accepts(world, line_fte, part_fte):
    """The database refuses any moment where a part is above its line: shrinking saves the
    part first, growing the line first."""
    line = services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.admin,
        fte=line_fte,
        client_work_fte=line_fte,
        parts=[services.PartInput(part=world.part, label="josta nuoret", fte=part_fte)],
    )
    assert line.fte == line_fte
    assert AllocationPart.objects.get(pk=world.part.pk).fte == part_fte


def test_unchanged_parts_get_no_history_record(world):
    services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.admin,
        note="vain huomautus",
        parts=[services.PartInput(part=world.part, label="josta nuoret", fte=Decimal("1"))],
    )
    assert world.part.history.count() == 1  # the record of its creation only


def test_parts_of_another_line_cannot_be_smuggled_in(world):
    foreign = AllocationPart.objects.create(
        allocation=world.management, position=1, label="vieras", fte=Decimal("0.5")
    )
    with pytest.raises(services.StaleEdit):
        services.allocation_update(
            allocation=world.line,
            version=1,
            user=world.admin,
            parts=[services.PartInput(part=foreign, delete=True)],
        )
    assert AllocationPart.objects.filter(pk=foreign.pk).exists()


# --- deleting lines, parts on their own ---------------------------------------------------------


def test_delete_removes_parts_with_history_and_checks_the_version(world):
    with pytest.raises(services.StaleEdit):
        services.allocation_delete(allocation=world.line, version=7, user=world.admin)
    assert Allocation.objects.filter(pk=world.line.pk).exists()
    services.allocation_delete(allocation=world.line, version=1, user=world.admin)
    assert not Allocation.objects.filter(pk=world.line.pk).exists()
    assert world.part.history.filter(history_type="-").get().history_user == world.admin
    assert Allocation.history.filter(id=world.line.pk, history_type="-").get().history_user == (
        world.admin
    )


# --- locked plans, copies, approval -------------------------------------------------------------


def test_approved_plan_refuses_every_change_of_its_contents(world):
    approve(world)
    before = fingerprint()
    attempts = [
        lambda: services.allocation_create(plan=world.plan, user=world.admin, **line_fields(world)),
        lambda: services.allocation_update(
            allocation=world.line, version=1, user=world.admin, note="x"
        ),
        lambda: services.allocation_delete(allocation=world.line, version=1, user=world.admin),
        lambda: services.allocation_update(
            allocation=world.line,
            version=1,
            user=world.admin,
            parts=[services.PartInput(part=world.part, delete=True)],
        ),
    ]
    for attempt in attempts:
        with pytest.raises(services.PlanLocked):
            attempt()
    assert fingerprint() == before


def test_submit_checks_the_version_the_coordinator_saw_and_locks_the_plan(world):
    seen = StaffingPlan.objects.get(pk=world.plan.pk).version
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="x")
    with pytest.raises(services.StaleEdit) as refused:
        services.plan_submit(plan=world.plan, version=seen, user=world.coordinator)
    assert refused.value.current.version == seen + 1
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "draft"
    submitted = services.plan_submit(plan=world.plan, version=seen + 1, user=world.coordinator)
    assert submitted.status == "submitted" and submitted.is_locked
    assert reason_of(submitted.history.latest()) == ("submitted", {})
    with pytest.raises(services.PlanLocked):
        services.allocation_update(allocation=world.line, version=2, user=world.admin, note="y")
    with pytest.raises(services.PlanLocked):
        services.plan_submit(plan=world.plan, user=world.coordinator)


def test_approve_checks_the_version_the_approver_saw(world):
    services.plan_submit(plan=world.plan, user=world.coordinator)
    seen = StaffingPlan.objects.get(pk=world.plan.pk).version
    with pytest.raises(services.StaleEdit) as refused:
        services.plan_approve(plan=world.plan, version=seen - 1, user=world.approver)
    assert refused.value.current.version == seen
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "submitted"
    approved = services.plan_approve(plan=world.plan, version=seen, user=world.approver)
    assert approved.status == "approved" and approved.is_locked
    assert approved.approved_by == world.approver
    assert approved.history.latest().history_user == world.approver
    assert reason_of(approved.history.latest()) == ("approved", {})
    with pytest.raises(services.PlanLocked):
        services.plan_approve(plan=world.plan, user=world.approver)


def test_only_a_submitted_plan_is_approved(world):
    with pytest.raises(ValidationError):
        services.plan_approve(plan=world.plan, user=world.approver)
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "draft"


def test_approver_right_is_needed_per_pilot(world):
    services.plan_submit(plan=world.plan, user=world.coordinator)
    for user in (world.coordinator, world.manager, world.admin, world.other_coordinator):
        with pytest.raises(PermissionDenied):
            services.plan_approve(plan=world.plan, user=user)
        with pytest.raises(PermissionDenied):
            services.plan_return(plan=world.plan, user=user, comment="Ei")
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "submitted"
    world.other_pilot.approvers.add(world.manager)  # another pilot's right does not count
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=world.plan, user=world.manager)


def test_the_only_editor_cannot_approve_but_one_of_several_can(world):
    world.pilot.approvers.add(world.coordinator)
    services.allocation_update(allocation=world.line, version=1, user=world.coordinator, note="x")
    services.plan_submit(plan=world.plan, user=world.coordinator)
    with pytest.raises(PermissionDenied) as refused:
        services.plan_approve(plan=world.plan, user=world.coordinator)
    with translation.override("en"):
        assert "only one who has edited" in str(refused.value)
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "submitted"
    services.plan_return(plan=world.plan, user=world.approver, comment="Lisää johto")
    services.allocation_update(allocation=world.line, version=2, user=world.admin, note="y")
    services.plan_submit(plan=world.plan, user=world.admin)
    approved = services.plan_approve(plan=world.plan, user=world.coordinator)
    assert approved.status == "approved"


def test_return_needs_a_comment_and_makes_the_plan_a_draft_again(world):
    services.plan_submit(plan=world.plan, user=world.coordinator)
    with pytest.raises(ValidationError) as refused:
        services.plan_return(plan=world.plan, user=world.approver, comment="  ")
    assert messages_of(refused.value) == {"comment": ["Say why the plan is returned."]}
    returned = services.plan_return(plan=world.plan, user=world.approver, comment="Liian vähän")
    assert (returned.status, returned.review_comment) == ("draft", "Liian vähän")
    assert reason_of(returned.history.latest()) == ("returned", {})
    line = services.allocation_update(
        allocation=world.line, version=1, user=world.coordinator, note="korjattu"
    )
    assert line.note == "korjattu"


def test_approving_a_new_version_supersedes_the_previous_the_day_before(world):
    approve(world)
    copy = services.plan_copy(
        plan=world.plan,
        name="Versio 2",
        kind="plan",
        user=world.coordinator,
        valid_from=datetime.date(2022, 1, 1),
    )
    scenario = services.plan_copy(
        plan=world.plan, name="Mitä jos", kind="scenario", user=world.coordinator
    )
    approve(world, plan=scenario)  # a scenario supersedes nothing
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "approved"
    approve(world, plan=copy)
    previous = StaffingPlan.objects.get(pk=world.plan.pk)
    assert previous.status == "superseded" and previous.is_locked
    assert previous.valid_to == datetime.date(2021, 12, 31)
    reason = reason_of(previous.history.latest())
    assert reason == ("superseded", {"plan": copy.pk})
    assert StaffingPlan.objects.get(pk=copy.pk).status == "approved"
    assert StaffingPlan.objects.get(pk=scenario.pk).status == "approved"


def test_a_new_version_cannot_start_before_the_approved_one_it_would_supersede(world):
    approve(world)
    copy = services.plan_copy(
        plan=world.plan,
        name="Aiempi",
        kind="plan",
        user=world.coordinator,
        valid_from=world.plan.valid_from,
    )
    services.plan_submit(plan=copy, user=world.coordinator)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.plan_approve(plan=copy, user=world.approver)
    assert "starts on 1.3.2021, not before this one" in " ".join(refused.value.messages)
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "approved"
    assert StaffingPlan.objects.get(pk=copy.pk).status == "submitted"


def test_empty_plan_cannot_be_submitted(world):
    empty = StaffingPlan.objects.create(
        pilot=world.pilot, name="Tyhjä", slug="tyhja", valid_from=world.plan.valid_from
    )
    with pytest.raises(ValidationError):
        services.plan_submit(plan=empty, user=world.coordinator)
    assert StaffingPlan.objects.get(pk=empty.pk).status == "draft"


def test_copy_brings_lines_parts_and_pools_as_a_new_draft(world):
    ResourcePoolFactory(plan=world.plan, organisation=world.te, slug="siirtyva")
    approve(world)
    copy = services.plan_copy(
        plan=world.plan, name="Suunnitelma 2024", kind="plan", user=world.coordinator
    )
    assert copy.slug == "suunnitelma-2024-2"  # the original keeps its short name
    assert (copy.status, copy.kind, copy.based_on_id, copy.version) == (
        "draft",
        "plan",
        world.plan.pk,
        1,
    )
    original = list(
        world.plan.allocations.values_list("position", "role_title", "fte", "client_work_fte")
    )
    assert list(
        copy.allocations.values_list("position", "role_title", "fte", "client_work_fte")
    ) == (original)
    assert list(
        AllocationPart.objects.filter(allocation__plan=copy).values_list("label", "fte")
    ) == [("josta nuoret", Decimal("1"))]
    assert list(ResourcePool.objects.filter(plan=copy).values_list("slug", "amount")) == [
        ("siirtyva", Decimal("11.35"))
    ]
    assert copy.history.get().history_user == world.coordinator
    assert Allocation.history.filter(plan_id=copy.pk).count() == 2
    # The copy can be edited; the approved original stays locked and unchanged.
    services.allocation_update(
        allocation=copy.allocations.get(position=1), version=1, user=world.admin, note="muutos"
    )
    assert world.plan.allocations.get(position=1).note == ""


def test_copy_takes_the_next_short_name_when_its_own_was_taken_meanwhile(world, monkeypatch):
    """The short name chosen is taken by the time the copy is saved (another copy named alike
    was saved in between): the copy is saved under the next free one."""
    from staffing.services import plans

    real = plans.unique_slug
    calls = []

    def taken_meanwhile(text, *, taken, **kwargs):
        slug = real(text, taken=taken, **kwargs)
        if not calls:
            StaffingPlan.objects.create(
                pilot=world.pilot, name=text, slug=slug, valid_from=world.plan.valid_from
            )
        calls.append(slug)
        return slug

    monkeypatch.setattr(plans, "unique_slug", taken_meanwhile)
    copy = services.plan_copy(plan=world.plan, name="Mitä jos", kind="scenario", user=world.admin)
    assert calls == ["mita-jos", "mita-jos-2"]
    assert copy.slug == "mita-jos-2"
    assert copy.allocations.count() == 2


def test_copy_needs_a_name_and_a_kind(world):
    before = fingerprint()
    with pytest.raises(ValidationError):
        services.plan_copy(plan=world.plan, name="  ", kind="plan", user=world.admin)
    with pytest.raises(ValidationError):
        services.plan_copy(plan=world.plan, name="Uusi", kind="dream", user=world.admin)
    assert fingerprint() == before


# --- restore ------------------------------------------------------------------------------------


def test_restore_puts_back_an_earlier_state_as_a_new_change(world):
    services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.coordinator,
        role_title="Muutettu",
        fte=Decimal("6"),
        client_work_fte=Decimal("5"),
        serves_municipality=world.towns[0],
    )
    earliest = world.line.history.earliest()
    line = services.allocation_restore(
        allocation=world.line, history_id=earliest.history_id, user=world.admin, version=2
    )
    assert (line.role_title, line.fte, line.client_work_fte, line.serves_municipality_id) == (
        "Asiantuntija",
        Decimal("4"),
        Decimal("4"),
        None,
    )
    record = line.history.latest()
    assert record.history_user == world.admin
    code, params = parse_reason(record.history_change_reason)
    assert (code, params["history_id"]) == ("restored", earliest.history_id)
    assert line.history.count() == 3


def test_restore_refuses_a_record_of_another_line_and_a_stale_version(world):
    services.allocation_update(allocation=world.management, version=1, user=world.admin, note="x")
    other = world.management.history.earliest()
    with pytest.raises(ValidationError):
        services.allocation_restore(
            allocation=world.line, history_id=other.history_id, user=world.admin
        )
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="y")
    own = world.line.history.earliest()
    with pytest.raises(services.StaleEdit):
        services.allocation_restore(
            allocation=world.line, history_id=own.history_id, user=world.admin, version=1
        )


def test_history_outside_a_request_names_the_user_given(world):
    """No request, no middleware: the service sets the history user itself."""
    services.allocation_update(
        allocation=world.line, version=1, user=world.other_coordinator, note="x"
    )
    assert world.line.history.latest().history_user == world.other_coordinator


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_saves_of_one_version_cannot_both_win():
    """Two coordinators press save at the same moment, both based on version 1: the
    conditional UPDATE lets exactly one through; the other is told, and nothing is lost.
    Each thread has its own connection (PostgreSQL rows lock, SQLite's shared test database
    serialises the writers), so both databases run it."""
    world = build_world()
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, title):
        try:
            barrier.wait(timeout=10)
            services.allocation_update(
                allocation=world.line, version=1, user=user, role_title=title
            )
            outcomes.append(title)
        except services.StaleEdit:
            outcomes.append("refused")
        except OperationalError:
            # SQLite's shared in-memory test database answers "table is locked" at once
            # instead of waiting; the loser is refused either way.
            outcomes.append("locked")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(world.coordinator, "Ensimmäinen")),
        threading.Thread(target=save, args=(world.admin, "Toinen")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    losers = ["refused", "locked"] if connection.vendor == "sqlite" else ["refused"]
    assert len(outcomes) == 2
    assert sum(outcomes.count(loser) for loser in losers) == 1, outcomes
    winner = next(outcome for outcome in outcomes if outcome not in losers)
    world.line.refresh_from_db()
    assert (world.line.role_title, world.line.version) == (winner, 2)
    assert world.line.history.filter(history_type="~").count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("first", ["removal", "save"])
def test_a_line_moved_to_an_organisation_being_removed_never_keeps_it(first):
    """A coordinator moves a line to one of the pilot's organisations, unused so far, at the
    moment another takes that organisation off the list. One of them gets there `first` and is
    held there, its transaction open, until the other waits for it:

    - the removal, having locked the pilot's link and found no line or pool naming it, just
      before it deletes the link: the save waits for the link's lock, then finds it gone and is
      refused with the organisation's message;
    - the save, having checked (and locked) the link: the removal waits for it, then finds the
      line and is refused.

    Never both through, never a deadlock. SQLite has one writer at a time: there the second
    is answered "locked" (its shared in-memory test database does not wait), or refused."""
    from staffing.services import lines, organisations

    world = build_world()
    newcomer = OrganisationFactory(name="Yhdistys", short_name="Yhdistys")
    world.pilot.organisations.add(newcomer)
    second = "save" if first == "removal" else "removal"

    def remove():
        try:
            services.pilot_organisation_remove(
                pilot=world.pilot, organisation=newcomer, user=world.admin
            )
        except ValidationError:
            return "refused"
        return "removed"

    def save():
        try:
            services.allocation_update(
                allocation=world.line, version=1, user=world.coordinator, organisation=newcomer
            )
        except ValidationError as error:
            return ("refused", error.message_dict)
        return "saved"

    calls = {"removal": remove, "save": save}
    # Held just before it writes: the removal having found no line or pool naming the
    # organisation, the save having checked (and locked) the pilot's link to it.
    holds = {"removal": (organisations, "delete"), "save": (lines, "save")}
    race = write_while_held(hold=holds[first], run=calls[first], write=calls[second])
    outcomes = {first: race.ran, second: race.wrote or "locked"}
    through = {"removal": "removed", "save": "saved"}
    assert outcomes[first] == through[first], outcomes
    if connection.vendor == "postgresql":
        refused = ("refused", {"organisation": [ANY]}) if second == "save" else "refused"
        assert outcomes[second] == refused, outcomes
    else:
        assert outcomes[second] != through[second], outcomes
    world.line.refresh_from_db()
    kept = world.pilot.organisations.filter(pk=newcomer.pk).exists()
    assert (world.line.organisation_id, kept) == (
        (world.te.pk, False) if first == "removal" else (newcomer.pk, True)
    )
    # Every line of the pilot names one of its own organisations.
    assert (
        not Allocation.objects.filter(plan__pilot=world.pilot)
        .exclude(organisation__pilots=world.pilot)
        .exists()
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_removal_in_progress_holds_up_no_other_write_of_the_pilot():
    """While a removal holds the pilot's link to an organisation, a coordinator adds a plan to
    the pilot and a line for another of its organisations: neither waits for the removal (it
    locks the link's row only, not the pilot's or the organisation's, which their foreign
    keys check). SQLite has one writer at a time: there they wait for it (its shared in-memory
    test database answers "locked" at once instead) and go through after it."""
    from staffing.services import organisations

    world = build_world()
    newcomer = OrganisationFactory(name="Yhdistys", short_name="Yhdistys")
    world.pilot.organisations.add(newcomer)

    def remove():
        services.pilot_organisation_remove(
            pilot=world.pilot, organisation=newcomer, user=world.admin
        )
        return "removed"

    write = plan_with_a_line(world)
    race = write_while_held(hold=(organisations, "delete"), run=remove, write=write)
    assert race.ran == "removed"
    if connection.vendor == "postgresql":
        assert race.waited is False
    plan = race_outcome(race, write)
    assert plan.allocations.get().organisation == world.te


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_copies_with_one_name_both_get_a_short_name():
    """Two coordinators copy the plan under the same name at the same moment: both find the
    same short name free, the later INSERT breaks the unique constraint and takes the next free
    name instead of failing. On PostgreSQL both threads pick the name before either saves (the
    second INSERT waits for the first to commit); SQLite's shared in-memory test database
    answers "table is locked" to a concurrent writer, so there the threads just race."""
    from staffing.services import plans

    world = build_world()
    barrier = threading.Barrier(2)
    picked = threading.Barrier(2)
    real = plans.unique_slug
    outcomes = []

    def pick_together(*args, **kwargs):
        slug = real(*args, **kwargs)
        if connection.vendor == "postgresql" and not getattr(local, "waited", False):
            local.waited = True
            picked.wait(timeout=10)
        return slug

    local = threading.local()

    def copy(user):
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                services.plan_copy(plan=world.plan, name="Mitä jos", kind="scenario", user=user)
            )
        except OperationalError:
            outcomes.append("locked")
        finally:
            connection.close()

    plans_module_patch = pytest.MonkeyPatch()
    plans_module_patch.setattr(plans, "unique_slug", pick_together)
    try:
        threads = [
            threading.Thread(target=copy, args=(world.coordinator,)),
            threading.Thread(target=copy, args=(world.admin,)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        plans_module_patch.undo()
    assert len(outcomes) == 2
    copies = [outcome for outcome in outcomes if outcome != "locked"]
    if connection.vendor != "sqlite":
        assert len(copies) == 2, outcomes
    assert copies
    assert sorted(copy.slug for copy in copies) == ["mita-jos", "mita-jos-2"][: len(copies)]
    saved = StaffingPlan.objects.filter(name="Mitä jos")
    assert sorted(saved.values_list("slug", flat=True)) == sorted(c.slug for c in copies)
    for plan in saved:
        assert plan.allocations.count() == 2


def race_outcome(race, write):
    """The write of a `write_while_held` race, written again after the held transaction on
    SQLite (its shared in-memory test database answers "locked" at once instead of waiting)."""
    if connection.vendor == "postgresql":
        assert race.wrote is not None
        return race.wrote
    assert race.wrote is None
    return write()


def area_change(world, **changes):
    from municipalities import area_services

    pilot = world.pilot
    data = area_services.AreaData(
        name=pilot.name,
        kind=pilot.kind,
        start_date=pilot.start_date,
        end_date=pilot.end_date,
        members=list(pilot.municipalities.all()),
    )
    return area_services, lambda: area_services.area_update(
        pilot=pilot, data=dataclasses.replace(data, **changes)
    )


def plan_with_a_line(world):
    """A write a coordinator makes: a plan of the world's pilot and a line in it."""

    def write():
        with transaction.atomic():
            plan = StaffingPlanFactory(pilot=world.pilot, name="Uusi", slug="uusi")
            services.allocation_create(
                plan=plan, user=world.coordinator, organisation=world.te, fte=Decimal("1")
            )
        return plan

    return write


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_area_being_changed_holds_up_no_plan_or_line_of_it():
    """While an admin's change of the area holds its row, a coordinator adds a plan and a line
    to it: the write does not wait (the change locks the row FOR NO KEY UPDATE, which the
    foreign keys' KEY SHARE checks at the write's commit do not conflict with). A FOR UPDATE
    there made the write wait at its commit, holding the revision the change itself must raise
    at its own: a deadlock. SQLite has one writer at a time: there the write is refused while
    the change runs, and goes through after it."""
    world = build_world()
    area_services, change = area_change(world, description="Muutettu")
    write = plan_with_a_line(world)
    race = write_while_held(hold=(area_services, "_save"), run=change, write=write)
    assert race.ran.description == "Muutettu"
    if connection.vendor == "postgresql":
        assert race.waited is False
    plan = race_outcome(race, write)
    assert plan.allocations.get().organisation == world.te


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_area_renamed_while_a_plan_and_line_are_added_to_it_is_no_deadlock():
    """A new name (unique) makes PostgreSQL's UPDATE lock the area's row as strongly as a
    delete, so the coordinator's write waits for the rename at its commit. The rename holds
    the revision from its start (core.revision.hold), so the write waits for the whole rename
    instead of locking the revision first and deadlocking with the rename's commit. Held just
    after the area's row is written, at its new member's row."""
    world = build_world()
    newcomer = MunicipalityFactory(code="988")
    from municipalities.models import PilotMembership

    area_services, change = area_change(
        world, name="Uusi nimi", members=[*world.pilot.municipalities.all(), newcomer]
    )
    write = plan_with_a_line(world)
    race = write_while_held(hold=(PilotMembership.objects, "create"), run=change, write=write)
    assert race.ran.name == "Uusi nimi"
    plan = race_outcome(race, write)
    assert plan.allocations.get().organisation == world.te
    assert world.pilot.municipalities.filter(pk=newcomer.pk).exists()
