"""The public gallery: resolved complaints' before/after pictures, filtered, paginated,
without personal data, in a fixed number of queries."""

import pytest
from django.utils import timezone

from aduan.complaints.models import Complaint
from aduan.evidence.beforeafter import build
from aduan.evidence.models import BeforeAfter
from aduan.org.models import Unit
from aduan.regions.models import Region

from .conftest import KEMLAYAN, resolve_with_photos

MANAHAN = "33.72.05.1011"


def fake_resolved(n, *, region_code=KEMLAYAN, category="jalan", status="closed"):
    """n resolved complaints with before/after rows (file names only: lists never open them)."""
    region = Region.objects.get(code=region_code)
    owner = Unit.objects.get(code="dpupr")
    now = timezone.now()
    start = Complaint.objects.count()
    complaints = Complaint.objects.bulk_create([
        Complaint(ref=f"SKA-9{start + i:03d}-{i:04d}", text=f"Rahasia 0812{i:07d}",
                  text_public=f"Jalan rusak nomor {i}", category_id=category, region=region,
                  owner=owner, status=status, created_at=now, resolved_at=now)
        for i in range(n)])
    BeforeAfter.objects.bulk_create([
        BeforeAfter(complaint=c, image="photos/before-after/x.jpg",
                    thumb="photos/before-after/x-thumb.jpg", category_id=category,
                    kelurahan=region, kecamatan=region.parent, created_at=now)
        for c in complaints])
    return complaints


def test_empty_gallery_says_so(city, client):
    page = client.get("/galeri/").content.decode()
    assert "Belum ada foto sebelum & sesudah" in page


def test_resolved_complaint_appears_without_personal_data(road, persona, client):
    resolve_with_photos(road, persona("dpupr"))
    item = build(road.pk)
    page = client.get("/galeri/").content.decode()
    assert road.ref in page
    assert f"/foto/sebelum-sesudah/{item.pk}/thumb.jpg" in page
    assert "081234567890" not in page and "Warga Demo" not in page
    assert road.text not in page or road.text == road.text_public


def test_filters_by_kecamatan_kelurahan_and_category(city, client):
    kemlayan = fake_resolved(2)
    manahan = fake_resolved(3, region_code=MANAHAN, category="pju")
    serengan = Region.objects.get(code=KEMLAYAN).parent_id

    def refs(query):
        page = client.get(f"/galeri/?{query}").content.decode()
        return {c.ref for c in kemlayan + manahan if c.ref in page}

    assert refs("") == {c.ref for c in kemlayan + manahan}
    assert refs(f"kecamatan={serengan}") == {c.ref for c in kemlayan}
    assert refs(f"kelurahan={MANAHAN}") == {c.ref for c in manahan}
    assert refs("kategori=pju") == {c.ref for c in manahan}
    assert refs("kategori=sampah") == set()
    assert "Tidak ada aduan selesai untuk pilihan ini" in client.get(
        "/galeri/?kategori=sampah").content.decode()


def test_open_complaints_stay_out(city, client):
    [reopened] = fake_resolved(1, status="in_progress")
    assert reopened.ref not in client.get("/galeri/").content.decode()


def test_paginated(city, client):
    fake_resolved(30)
    first = client.get("/galeri/").content.decode()
    assert "Halaman 1 dari 2" in first
    second = client.get("/galeri/?hal=2").content.decode()
    assert second.count('class="ref"') == 6


@pytest.mark.parametrize("n", [3, 40])
def test_query_count_does_not_grow(city, client, django_assert_max_num_queries, n):
    fake_resolved(n)
    with django_assert_max_num_queries(6):
        response = client.get("/galeri/?kecamatan=33.72.02")
    assert response.status_code == 200
