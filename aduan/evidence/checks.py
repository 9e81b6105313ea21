"""Proof checks: what about a complaint's photos a person should look at.

Warnings only, never blocking (the one blocking rule, "no after photo, no resolution",
lives in `complaints.actions.resolve`). `refresh(complaint)` recomputes a complaint's
warnings and stores them as `ProofWarning` rows, keeping the rows that still hold (so
their first-seen time survives), so the staff page and the triage list read a table.

Checks:
- an after photo taken (EXIF) before the earliest before photo, or before the complaint
  arrived (with `CLOCK_SLACK` for phone clocks);
- a photo whose GPS lies more than `FAR_METRES` from the complaint's point, or, with no
  point, outside its kelurahan's boundary;
- the same or a near-identical picture (perceptual hash within `NEAR_IDENTICAL` bits, or
  the same file) used as before and as after, or on another complaint or activity post;
- an official's photo with no capture time at all (screenshots, edited or forwarded
  pictures). Citizens' photos are exempt: WhatsApp and most chat apps strip EXIF, so
  the warning would fire on nearly every one and teach staff to ignore it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.regions import geo

from .images import JAKARTA, band_neighbours, hash_bands, looks_alike, parsed_hash
from .models import BAND_FIELDS, Photo, ProofWarning

FAR_METRES = 500  # phone GPS is good to ~10-50 m outdoors; a street or two is fine
CLOCK_SLACK = timedelta(hours=1)  # phone clocks and time zones set wrong
# Photos sharing a hash band with a new one that are compared bit by bit, at most.
REUSE_CANDIDATES = 20_000

K = ProofWarning.Kind


def refresh(complaint) -> list[ProofWarning]:
    """Recompute and store the complaint's warnings; returns them (new and kept)."""
    photos = list(Photo.objects.filter(complaint=complaint).order_by("created_at", "id"))
    if not photos:  # every warning is about a photo: none to keep (most chat complaints)
        ProofWarning.objects.filter(complaint=complaint).delete()
        return []
    found = {w.key: w for w in _compute(complaint, photos)}
    with transaction.atomic():
        existing = {w.key: w for w in ProofWarning.objects.filter(complaint=complaint)}
        stale = [w.pk for key, w in existing.items() if key not in found]
        if stale:
            ProofWarning.objects.filter(pk__in=stale).delete()
        fresh = [w for key, w in found.items() if key not in existing]
        ProofWarning.objects.bulk_create(fresh)
    kept = [w for key, w in existing.items() if key in found]
    return sorted(kept + fresh, key=lambda w: (w.photo_id, w.kind))


def _compute(complaint, photos: list[Photo]) -> list[ProofWarning]:
    with translation.override("id"):  # stored text; the kind's label is translated live
        return [*_times(complaint, photos), *_places(complaint, photos),
                *_same_pictures(complaint, photos), *_reused(complaint, photos),
                *_no_capture(complaint, photos)]


def _warn(complaint, photo, kind, detail="", other=None, other_complaint_id=None):
    return ProofWarning(complaint=complaint, photo=photo, kind=kind, detail=detail[:300],
                        other_photo=other, other_complaint_id=other_complaint_id)


def _when(moment) -> str:
    return timezone.localtime(moment, JAKARTA).strftime("%d-%m-%Y %H:%M")


def _times(complaint, photos):
    befores = [p for p in photos if p.tag == Photo.Tag.BEFORE and p.taken_at]
    earliest = min(befores, key=lambda p: p.taken_at) if befores else None
    for photo in photos:
        if photo.tag != Photo.Tag.AFTER or photo.taken_at is None:
            continue
        if earliest is not None and photo.taken_at < earliest.taken_at:
            yield _warn(complaint, photo, K.AFTER_BEFORE_BEFORE,
                        _("Sesudah: %(a)s, sebelum: %(b)s")
                        % {"a": _when(photo.taken_at), "b": _when(earliest.taken_at)},
                        other=earliest)
        if photo.taken_at < complaint.created_at - CLOCK_SLACK:
            yield _warn(complaint, photo, K.AFTER_BEFORE_COMPLAINT,
                        _("Diambil %(a)s, aduan masuk %(c)s")
                        % {"a": _when(photo.taken_at), "c": _when(complaint.created_at)})


def _places(complaint, photos):
    boundary = complaint.region.boundary if complaint.region_id else None
    for photo in photos:
        if photo.gps_lat is None or photo.gps_lng is None:
            continue
        if complaint.lat is not None and complaint.lng is not None:
            metres = geo.distance_m(photo.gps_lat, photo.gps_lng, complaint.lat, complaint.lng)
            if metres > FAR_METRES:
                yield _warn(complaint, photo, K.FAR,
                            _("%(d)s dari titik aduan") % {"d": _distance(metres)})
        elif boundary and not geo.contains(boundary, photo.gps_lat, photo.gps_lng):
            yield _warn(complaint, photo, K.OUTSIDE,
                        _("Di luar batas Kelurahan %(k)s") % {"k": complaint.region.name})


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km".replace(".", ",") if metres >= 1000 else f"{metres:.0f} m"


def _close(a: Photo, b: Photo) -> bool:
    if a.sha256 == b.sha256:
        return True
    return bool(a.phash and b.phash) and looks_alike(parsed_hash(a.phash), parsed_hash(b.phash))


def _same_pictures(complaint, photos):
    befores = [p for p in photos if p.tag == Photo.Tag.BEFORE]
    for after in (p for p in photos if p.tag == Photo.Tag.AFTER):
        for before in befores:
            if _close(after, before):
                yield _warn(complaint, after, K.SAME_BEFORE_AFTER,
                            _("Foto sesudah sama dengan foto sebelum"), other=before)
                break


def _reused(complaint, photos):
    """Each photo against other complaints' and activity posts' photos, all of them, by
    index: the same file or perceptual hash, and near-identical hashes (through the hash
    bands, `_near`). Matches are counted and only the earliest stored is read back, to be
    named: a picture that thousands of others resemble costs what a unique one does."""
    if not photos:
        return
    related = {complaint.pk}
    if complaint.duplicate_of_id:
        related.add(complaint.duplicate_of_id)
    related.update(complaint.duplicates.values_list("pk", flat=True))
    others = Photo.objects.exclude(complaint_id__in=related)
    found = {}  # photo id -> (how many match, the lowest id among them or None)
    for photo in photos:
        same = Q(sha256=photo.sha256) | (Q(phash=photo.phash) if photo.phash else Q())
        exact = others.filter(same).aggregate(n=Count("id"), first=Min("id"))
        near = _near(photo, others)
        firsts = [pk for pk in (exact["first"], *near) if pk is not None]
        found[photo.pk] = (exact["n"] + len(near), min(firsts, default=None))
    earliest = {p.pk: p for p in others.filter(
        pk__in={first for n, first in found.values() if n}).only(
        "id", "complaint_id", "activity_id")}
    refs = dict(type(complaint).objects.filter(
        pk__in={p.complaint_id for p in earliest.values() if p.complaint_id}
    ).values_list("pk", "ref"))
    for photo in photos:
        n, lowest = found[photo.pk]
        first = earliest.get(lowest) if n else None
        if first is None:
            continue
        if first.complaint_id:
            detail = _("Juga ada di aduan %(ref)s") % {"ref": refs.get(first.complaint_id, "?")}
        else:
            detail = _("Juga ada di kegiatan #%(id)s") % {"id": first.activity_id}
        if n > 1:
            detail += _(" (dan %(n)d foto lain)") % {"n": n - 1}
        yield _warn(complaint, photo, K.REUSED, detail, other=first,
                    other_complaint_id=first.complaint_id)


def _near(photo, others) -> list[int]:
    """The ids of `others` 1 to NEAR_IDENTICAL bits from the photo's perceptual hash (0 bits
    is the same hash, counted by index): candidates share a hash band with it, within
    BAND_SLACK bits (images.hash_bands), found by index among all stored photos."""
    bands = hash_bands(photo.phash)
    if bands is None:
        return []
    shares_a_band = Q()
    for field, band in zip(BAND_FIELDS, bands, strict=True):
        shares_a_band |= Q(**{f"{field}__in": band_neighbours(band)})
    # Unordered: an ORDER BY id would tempt SQLite into scanning the table in id order
    # instead of the band indexes. Past REUSE_CANDIDATES (a picture like tens of thousands
    # of others) the rest is not compared, so the count is a lower bound.
    candidates = (others.filter(shares_a_band).exclude(phash=photo.phash)
                  .order_by().values_list("id", "phash")[:REUSE_CANDIDATES])
    mine = parsed_hash(photo.phash)
    return [pk for pk, phash in candidates if looks_alike(mine, parsed_hash(phash))]


def _no_capture(complaint, photos):
    for photo in photos:
        if photo.taken_at is None and not photo.by_citizen:
            yield _warn(complaint, photo, K.NO_CAPTURE,
                        _("Tidak ada waktu pengambilan (tangkapan layar, hasil edit, "
                          "atau foto yang diteruskan?)"))


def for_list(queryset=None):
    """Warnings for the triage team's list, newest first, without per-row queries."""
    queryset = queryset if queryset is not None else ProofWarning.objects.all()
    return queryset.select_related("complaint", "complaint__owner", "photo", "other_complaint")
