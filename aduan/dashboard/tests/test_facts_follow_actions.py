"""The stored per-complaint facts stay what a fresh computation gives, whichever events an
action records (some, like a merge's `merged_in` on the survivor, skip the refresh)."""

import pytest
from django.forms.models import model_to_dict

from aduan.complaints import actions
from aduan.complaints.models import Complaint
from aduan.dashboard import facts
from aduan.dashboard.models import ComplaintFact

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {f.complaint_id: {k: v for k, v in model_to_dict(f).items() if k != "computed_at"}
            for f in ComplaintFact.objects.order_by("complaint_id")}


def test_facts_after_a_merge_equal_a_fresh_computation(city):
    survivor, duplicate = city["complaints"][3], city["complaints"][4]
    facts.refresh(Complaint.objects.values_list("pk", flat=True))
    before = stored()
    actions.merge(duplicate, survivor, None)
    after = stored()
    assert after[duplicate.pk]["counted"] is False and before[duplicate.pk]["counted"] is True
    facts.refresh(Complaint.objects.values_list("pk", flat=True))
    assert stored() == after
