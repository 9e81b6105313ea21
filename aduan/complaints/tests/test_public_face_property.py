"""Property test through the public face: hostile spellings of personal data in a
complaint's text, in an official's timeline note and in the reporter's own details never
reach `public_view` (text, timeline, place)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.complaints import public_face
from aduan.complaints.intake import IncomingMessage, open_complaint
from aduan.complaints.models import Event, PublicText
from aduan.triage import pii
from aduan.triage.tests import hostile

KEMLAYAN = "33.72.02.1007"
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _rendered(view) -> str:
    lines = [line.note for line in view.timeline]
    return "\n".join([view.text or "", view.place, *lines])


@pytest.fixture
def complaint(city):
    return open_complaint(IncomingMessage(channel="web", text="Lampu jalan mati.",
                                          region_code=KEMLAYAN, category_code="pju"))


@settings(max_examples=1000, **SETTINGS)
@given(pair=hostile.sentence())
def test_public_view_never_shows_a_hostile_spelling(complaint, pair):
    text, secret = pair
    findings = pii.find(text)
    complaint.text_public = pii.mask(text, findings)
    complaint.public_text_state = PublicText.AUTO if pii.is_sure(findings) \
        else PublicText.PENDING
    # An official's note carrying the same data, on the public timeline.
    complaint.public_events = [Event(complaint=complaint, kind="reply", actor_label="Petugas",
                                     note=text, public=True, data={},
                                     created_at=complaint.created_at)]
    view = public_face.public_view(complaint)
    assert not hostile.leaked(_rendered(view), secret), (text, _rendered(view))


@settings(max_examples=60, **SETTINGS)
@given(pair=hostile.sentence(), first=st.sampled_from(hostile.FIRST),
       last=st.sampled_from(hostile.LAST))
def test_through_intake_with_the_reporters_own_details(city, pair, first, last):
    text, secret = pair
    name, phone = f"{first} {last}", "0856" + str(abs(hash(text)) % 10**8).zfill(8)
    created = open_complaint(IncomingMessage(
        channel="web", text=f"{text} Salam, {first.lower()} ({phone})", name=name, phone=phone,
        region_code=KEMLAYAN, category_code="pju"))
    created = public_face.public_complaints().get(pk=created.pk)
    rendered = _rendered(public_face.public_view(created))
    own = hostile.Secret("own", "", (first, last, phone[1:]))
    assert not hostile.leaked(rendered, secret), (text, rendered)
    assert not hostile.leaked(rendered, own), (text, rendered)
