"""core.forms.ModelMultipleChoiceField: a number no integer key can be is refused as not one
of the choices, without a query (Django's field let it reach the database's IN, a 500)."""

import pytest
from django.core.exceptions import ValidationError

from core.forms import ModelMultipleChoiceField
from municipalities.models import Municipality


@pytest.mark.parametrize("huge", ["9" * 40, "-" + "9" * 40, str(2**63), " 99999999999999999999 "])
def test_a_number_beyond_any_key_is_not_a_choice(seeded, huge, django_assert_num_queries):
    field = ModelMultipleChoiceField(queryset=Municipality.objects.all())
    known = Municipality.objects.values_list("pk", flat=True).first()
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        field.clean([str(known), huge])
    assert refused.value.code == "invalid_choice"
    assert huge in refused.value.messages[0]


def test_the_largest_key_there_can_be_is_still_looked_up(seeded, django_assert_num_queries):
    field = ModelMultipleChoiceField(queryset=Municipality.objects.all())
    with django_assert_num_queries(1), pytest.raises(ValidationError) as refused:
        field.clean([str(2**63 - 1)])
    assert refused.value.code == "invalid_choice"  # looked up, and not there


def test_choices_that_exist_are_taken(seeded):
    field = ModelMultipleChoiceField(queryset=Municipality.objects.all())
    chosen = list(Municipality.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert sorted(m.pk for m in field.clean([str(pk) for pk in chosen])) == chosen


def test_a_text_key_is_looked_up_as_text(seeded):
    field = ModelMultipleChoiceField(queryset=Municipality.objects.all(), to_field_name="code")
    assert [m.code for m in field.clean(["272"])] == ["272"]
    with pytest.raises(ValidationError) as refused:
        field.clean(["9" * 40])
    assert refused.value.code == "invalid_choice"


def test_what_is_no_number_is_refused_as_django_refuses_it(seeded):
    field = ModelMultipleChoiceField(queryset=Municipality.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean(["abc"])
    assert refused.value.code == "invalid_pk_value"
