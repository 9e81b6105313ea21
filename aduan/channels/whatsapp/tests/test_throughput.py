"""The WhatsApp number's throughput level is read from Meta and paces the replies:
STANDARD 80 messages/s, HIGH 1,000/s after Meta's automatic upgrade; a rate set by hand
wins, and a Meta that cannot be asked leaves the rate as it was."""

from io import StringIO

import pytest
from django.core.management import call_command

from aduan.channels.models import ChannelAccount
from aduan.channels.outbox import account_rate
from aduan.jobs.tests.procs import free_port

PHONE = "106540352242922"


def add(token: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("channels", "add", "whatsapp", "--account-id", PHONE, "--token", token,
                 stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("level, rate", [("STANDARD", 80.0), ("HIGH", 1000.0)])
def test_adding_a_number_reads_its_level_and_paces_by_it(graph, level, rate):
    graph.throughput_level = level
    out, err = add(graph.token)
    account = ChannelAccount.objects.get(kind="whatsapp", account_id=PHONE)
    assert out.strip() == str(account.pk)  # stdout stays the id, for scripts
    assert f"level {level}" in err and f"paced at {rate:g}/s" in err
    assert account_rate(account) == rate
    asked = [r for r in graph.requests if r.method == "GET"]
    assert len(asked) == 1 and asked[0].path.startswith(f"/v23.0/{PHONE}?fields=throughput")
    assert asked[0].headers["Authorization"] == f"Bearer {graph.token}"


@pytest.mark.django_db
def test_meta_out_of_reach_or_silent_leaves_the_rate_as_it_was(graph, settings):
    settings.META_GRAPH_URL = f"http://127.0.0.1:{free_port()}/v23.0"  # nothing listens
    out, err = add("token")
    account = ChannelAccount.objects.get(kind="whatsapp", account_id=PHONE)
    assert out.strip() == str(account.pk)
    assert "not read" in err and account_rate(account) == 80.0
    settings.META_GRAPH_URL = graph.url + "/v23.0"
    graph.throughput_level = "SOMETHING_NEW"  # a level we do not know: nothing changes
    account.token = graph.token
    account.save()
    out = StringIO()
    call_command("channels", "throughput", stdout=out)
    assert "not read" in out.getvalue()
    account.refresh_from_db()
    assert account_rate(account) == 80.0 and "throughput_per_second" not in account.settings


@pytest.mark.django_db
def test_an_upgrade_is_learned_again_and_a_rate_set_by_hand_wins(graph):
    graph.throughput_level = "STANDARD"
    add(graph.token)
    graph.throughput_level = "HIGH"  # Meta upgraded the number
    out = StringIO()
    call_command("channels", "throughput", stdout=out)
    assert f"{PHONE}: level HIGH; replies paced at 1000/s" in out.getvalue()
    account = ChannelAccount.objects.get(kind="whatsapp", account_id=PHONE)
    assert account_rate(account) == 1000.0
    account.settings = {**account.settings, "max_per_second": 20}  # a coexistence number
    account.save()
    assert account_rate(account) == 20.0
    listing = StringIO()
    call_command("channels", "list", stdout=listing)
    assert "\t20/s" in listing.getvalue() and graph.token not in listing.getvalue()


@pytest.mark.django_db
def test_metas_quality_update_webhook_has_every_number_asked_again(client, graph, wa_account):
    """Meta's `phone_number_quality_update` (documented when a number's throughput level
    changes) names the business account, not the number: a job asks again for each."""
    from aduan.channels.meta.tests.helpers import post_meta
    from aduan.channels.tests.helpers import drain
    from aduan.jobs.models import Job

    assert account_rate(wa_account) == 80.0
    graph.throughput_level = "HIGH"
    update = {"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "time": 1764547200, "changes": [{
            "field": "phone_number_quality_update",
            "value": {"display_phone_number": "15550783881", "event": "THROUGHPUT_UPGRADE",
                      "current_limit": "TIER_UNLIMITED",
                      "max_daily_conversations_per_business": "TIER_UNLIMITED"}}]}]}
    assert post_meta(client, update).status_code == 200
    assert post_meta(client, update).status_code == 200  # a repeat asks again, harmlessly
    assert Job.objects.filter(task_path__endswith="throughput.learn_again").count() == 2
    drain()
    wa_account.refresh_from_db()
    assert account_rate(wa_account) == 1000.0
    assert wa_account.settings["throughput_level"] == "HIGH"
    assert len([r for r in graph.requests if "fields=throughput" in r.path]) == 2
