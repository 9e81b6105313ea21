import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_edits_categories_and_shows_complaints_read_only(city, client, login):
    from aduan.complaints.models import Complaint

    login("admin")  # past the second factor admins must use
    assert client.get(reverse("admin:complaints_category_changelist")).status_code == 200
    page = client.get(reverse("admin:complaints_category_change", args=["jalan"]))
    assert page.status_code == 200 and "routing" in page.content.decode().lower()
    complaint = Complaint.objects.first()
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()  # statuses change only via actions
    for name in ("org_unit", "org_official", "regions_region", "sla_slapolicy"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
