"""`VersionedModel.save_claiming`: a save that is also its own version claim."""

import pytest
from django.db import transaction

from core.versioning import ClaimLost
from staffing.models import Allocation
from tests.staffing.test_editing import build_world

pytestmark = pytest.mark.django_db


def test_a_claiming_save_writes_and_raises_the_version_when_the_row_still_has_it():
    line = build_world().line
    line.note = "uusi"
    line.save_claiming(line.version)
    saved = Allocation.objects.get(pk=line.pk)
    assert (saved.note, saved.version, line.version) == ("uusi", 2, 2)
    assert saved.history.count() == 2


def test_a_claiming_save_of_a_row_that_moved_on_writes_nothing():
    line = build_world().line
    Allocation.claim(line.pk)  # someone else's save: version 2
    line.note = "myöhässä"
    with pytest.raises(ClaimLost), transaction.atomic():
        line.save_claiming(1)
    saved = Allocation.objects.get(pk=line.pk)
    assert (saved.note, saved.version, line.version) == ("", 2, 1)
    assert saved.history.count() == 1  # no record of a write that did not happen
    # Not an insert either: the claim of a deleted row is lost as well.
    Allocation.objects.filter(pk=line.pk).delete()
    with pytest.raises(ClaimLost), transaction.atomic():
        line.save_claiming(2)
    assert not Allocation.objects.filter(pk=line.pk).exists()
