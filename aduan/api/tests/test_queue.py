"""The staff queue: who sees what follows the unit tree (aduan.org.access)."""

from aduan.api.models import ApiKey
from aduan.complaints.models import OPEN, Complaint
from aduan.org.access import access_for


def queue(client, **headers) -> list[dict]:
    response = client.get("/api/v1/me/queue", **headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def expected(user) -> set[str]:
    return set(Complaint.objects.filter(access_for(user).unit_q("owner"), status__in=OPEN)
               .values_list("ref", flat=True))


def test_anonymous_gets_401_and_keys_act_as_their_user(client, persona):
    response = client.get("/api/v1/me/queue")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401

    user = persona("dishub")
    _, key = ApiKey.issue("Alat staf Dishub", user=user)
    rows = queue(client, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert {r["ref"] for r in rows} == expected(user)

    _, keyless = ApiKey.issue("Integrator")  # an Open311 key has no user: no staff access
    for header in (f"Bearer {keyless}", "Bearer salah", f"Bearer {key}x"):
        assert client.get("/api/v1/me/queue", HTTP_AUTHORIZATION=header).status_code == 401
    ApiKey.objects.update(is_active=False)
    assert client.get("/api/v1/me/queue",
                      HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


PERSONAS = ["tim", "walikota", "camat.serengan", "lurah.kemlayan", "rw05.kemlayan",
            "rt03.kemlayan", "rt01.kemlayan", "lurah.manahan", "dpupr", "dlh", "dishub"]


def test_each_persona_sees_what_their_units_own(client, city, login):
    from aduan.complaints import actions
    from aduan.org.models import Unit

    # Two complaints with known owners, whatever the routing rules say.
    local, light = city["complaints"][3], city["complaints"][5]
    actions.assign(local, Unit.objects.get(code="rt-33-72-02-1007-05-03"), None)
    actions.assign(light, Unit.objects.get(code="dishub"), None)
    sees_local = {"tim", "walikota", "camat.serengan", "lurah.kemlayan", "rw05.kemlayan",
                  "rt03.kemlayan"}
    sees_light = {"tim", "walikota", "dishub"}

    for username in PERSONAS:
        user = login(username)
        rows = queue(client)
        assert {r["ref"] for r in rows} == expected(user), username
        for row in rows:
            complaint = Complaint.objects.select_related("owner").get(ref=row["ref"])
            assert access_for(user).covers(complaint.owner)
            assert row["may_act"] == access_for(user).may_act_on(complaint.owner)
        mine = {r["ref"] for r in rows}
        assert (local.ref in mine) == (username in sees_local), username
        assert (light.ref in mine) == (username in sees_light), username


def test_triage_and_mayor_see_every_open_complaint_by_deadline(client, city, login):
    open_refs = set(Complaint.objects.open().values_list("ref", flat=True))
    login("tim")
    assert {r["ref"] for r in queue(client)} == open_refs
    login("walikota")
    rows = queue(client)
    assert {r["ref"] for r in rows} == open_refs
    assert not any(r["may_act"] for r in rows)  # the mayor reads only
    dues = [r["next_due"] for r in rows if r["next_due"]]
    assert dues == sorted(dues)

    road = city["complaints"][0]
    Complaint.objects.filter(pk=road.pk).update(status="closed")
    assert road.ref not in {r["ref"] for r in queue(client)}
    assert road.ref in {r["ref"] for r in queue(client, QUERY_STRING="status=closed")}
