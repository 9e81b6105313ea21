"""Fault run: no message lost, none doubled, while processes die (`make faults`).

    python -m aduan.jobs.tests.fault_run [--messages 300] [--restart-postgres]

A real `aduan serve` (granian) and `aduan worker` on a fresh database (PostgreSQL when
DATABASE_URL is set, else SQLite), a fake Graph API that refuses every 15th send with a
500, and a stream of signed WhatsApp webhooks (most from new senders, some follow-ups).
Meanwhile the server and the worker are killed with SIGKILL several times (and restarted),
and with --restart-postgres the PostgreSQL cluster restarts once. A webhook that got no
2xx is delivered again, as Meta does. Then, for every event answered 2xx: exactly one
complaint (new sender) or one thread message (follow-up), and exactly one
acknowledgement accepted by the provider per new complaint. A send cut by a kill
between the provider and our database can't be known to have happened; such rows are
parked for staff ("the provider may have it") and reported, never sent twice.
Exit status 1 on any loss or duplicate.
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time

from .procs import Graph, Site, payload, post

CHECK = r"""
import json
import re
from aduan.channels.models import InboundEvent, OutboxMessage
from aduan.complaints.models import Complaint, Event
from aduan.jobs.models import Job
out = {"events": {}, "complaints": {}, "notes": {}, "outbox": {}, "jobs": {}}
for e in InboundEvent.objects.all():
    out["events"][e.provider_id] = [e.processed_at is not None, e.complaint_id, e.error]
for c in Complaint.objects.filter(channel="whatsapp").select_related("reporter"):
    out["complaints"].setdefault(c.reporter.handle, []).append(c.pk)
    out.setdefault("texts", {})[c.reporter.handle] = c.text[:100]
texts = list(Event.objects.filter(kind="citizen_message").values_list("note", flat=True))
texts += list(Complaint.objects.values_list("text", flat=True))
for text in texts:
    for word in re.findall(r"\bzq([a-j]+)\b", text):
        n = "".join(str(ord(ch) - 97) for ch in word)
        out["notes"][n] = out["notes"].get(n, 0) + 1
for o in OutboxMessage.objects.all():
    out["outbox"].setdefault(o.recipient, []).append([o.key, o.status, o.last_error[:80]])
for j in Job.objects.all():
    out["jobs"][j.state] = out["jobs"].get(j.state, 0) + 1
print(json.dumps(out))
"""


def tag(n: int) -> str:
    """A word naming message n that personal-data masking leaves alone (no digits)."""
    return "zq" + "".join(chr(97 + int(d)) for d in str(n))


def restart_postgres() -> None:
    """The local cluster (CI); ADUAN_FAULTS_PG_RESTART names another command (a private
    cluster while developing, so nobody else's tests see the restart)."""
    command = os.environ.get("ADUAN_FAULTS_PG_RESTART")
    if command:
        subprocess.run(command, shell=True, check=True, timeout=120,  # noqa: S602
                       stdout=subprocess.DEVNULL)
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                   check=True, timeout=120)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--server-kills", type=int, default=3)
    parser.add_argument("--worker-kills", type=int, default=4)
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    database_url = os.environ.get("DATABASE_URL") or None
    db = "PostgreSQL" if database_url else "SQLite"
    graph = Graph(fail_every=15)
    site = Site(database_url, graph, ADUAN_JOB_LEASE_SECONDS=3, ADUAN_JOB_BACKOFF_SECONDS=0.5,
                ADUAN_JOB_MAX_ATTEMPTS=8, ADUAN_PERIODIC_SECONDS=3)
    started = time.monotonic()
    try:
        site.setup()
        site.start_server()
        site.wait_ready()
        site.start_worker()
        answered: dict[int, bytes] = {}  # message number -> body answered 2xx
        new_sender: dict[int, str] = {}  # message number -> sender, for complaint openers
        follow_up: dict[int, str] = {}  # message number -> its text
        lock = threading.Lock()
        stop = threading.Event()

        def message(n: int) -> tuple[bytes, str, bool]:
            if n > 20 and n % 7 == 0:  # a follow-up from an earlier sender
                sender = f"62813{(n - 13):08d}"
                text = f"Tambahan info {tag(n)}: airnya makin tinggi"
                return payload(n, sender, text), text, False
            sender = f"62813{n:08d}"
            text = f"Jalan berlubang di Jl. Slamet Riyadi, mohon diperbaiki ({tag(n)})"
            return payload(n, sender, text), sender, True

        def send_all() -> None:
            for n in range(1, args.messages + 1):
                body, what, opener = message(n)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:  # Meta redelivers until it gets a 2xx
                    if 200 <= post(site.port, body) < 300:
                        with lock:
                            answered[n] = body
                            (new_sender if opener else follow_up)[n] = what
                        break
                    time.sleep(0.2)
                time.sleep(0.02)
            stop.set()

        sender = threading.Thread(target=send_all)
        sender.start()
        # Faults while the stream runs: kills spread over the run, one database restart.
        faults = (["server"] * args.server_kills + ["worker"] * args.worker_kills
                  + (["postgres"] if args.restart_postgres and database_url else []))
        rng.shuffle(faults)
        done_faults = []
        for index, fault in enumerate(faults):
            # spread evenly over the stream, by messages answered
            target = (index + 1) * args.messages // (len(faults) + 1)
            while len(answered) < target and not stop.is_set():
                time.sleep(0.05)
            if stop.is_set():
                break
            time.sleep(rng.uniform(0, 0.3))
            if fault == "server":
                site.kill("serve")
                site.start_server()
                site.wait_ready()
            elif fault == "worker":
                site.kill("worker")
                time.sleep(rng.uniform(0, 0.5))
                site.start_worker()
            else:
                restart_postgres()
            done_faults.append(fault)
        sender.join()
        # Let the worker finish: everything answered is processed and sent (or parked).
        deadline = time.monotonic() + 120
        state = None
        while time.monotonic() < deadline:
            state = check(site)
            if settled(state, answered):
                break
            time.sleep(1)
        site.stop("worker")
        site.stop("serve")
        state = check(site)
        return report(db, state, answered, new_sender, follow_up, graph, done_faults,
                      time.monotonic() - started)
    finally:
        site.close()
        graph.stop()


def check(site: Site) -> dict:
    import json

    for _ in range(10):
        try:
            return json.loads(site.python(CHECK))
        except subprocess.CalledProcessError:  # the database is restarting
            time.sleep(1)
    raise RuntimeError("could not read the database")


def settled(state: dict, answered: dict) -> bool:
    events = state["events"]
    if any(not events.get(f"wamid.FAULT{n:09d}", [False])[0] for n in answered):
        return False
    if state["jobs"].get("ready") or state["jobs"].get("running"):
        return False
    return not any(row[1] in ("queued",) for rows in state["outbox"].values() for row in rows)


def report(db, state, answered, new_sender, follow_up, graph, faults, elapsed) -> int:
    problems = []
    events = state["events"]
    for n in answered:
        event = events.get(f"wamid.FAULT{n:09d}")
        if event is None:
            problems.append(f"message {n}: answered 2xx but not stored")
        elif not event[0]:
            problems.append(f"message {n}: stored but never processed")
        elif event[1] is None:
            problems.append(f"message {n}: processed without a complaint ({event[2]})")
    for n, who in new_sender.items():
        opened = state["complaints"].get(who, [])
        if len(opened) != 1:
            problems.append(f"message {n}: {len(opened)} complaints for its sender")
    for n in answered:  # its text is a complaint's or one thread message, exactly once
        if state["notes"].get(str(n), 0) != 1:
            problems.append(f"message {n}: text recorded {state['notes'].get(str(n), 0)} "
                            "times (complaint or thread message) "
                            f"{state['texts'].get(new_sender.get(n))!r}")
    sent = ambiguous = unsent = 0
    for n, who in new_sender.items():
        acks = [row for row in state["outbox"].get(who, []) if row[0].startswith("event:")]
        got = len(graph.accepted.get(who, []))
        if len(acks) != 1:
            problems.append(f"message {n}: {len(acks)} acknowledgements queued")
            continue
        status = acks[0][1]
        if got > 1:
            problems.append(f"message {n}: acknowledgement accepted {got} times")
        elif status == "sent" and got == 1:
            sent += 1
        elif status in ("sending", "parked") and "worker stopped" in acks[0][2] or (
                status == "sending"):
            # Killed between marking the row and recording the provider's answer: from our
            # database a kill before the request left looks the same as one after the
            # provider took it, so the row is parked for staff either way (never resent by
            # itself, which could double it). Not lost: staff see it and decide.
            ambiguous += 1
            unsent += got == 0
        else:
            problems.append(f"message {n}: acknowledgement {status}, received {got}")
    print(f"fault run on {db}: {len(answered)} webhooks answered 2xx "
          f"({len(new_sender)} new complaints, {len(follow_up)} follow-ups), "
          f"faults {faults}, {graph.refused} sends refused by the fake provider (500), "
          f"{elapsed:.0f} s")
    print(f"  acknowledgements received exactly once: {sent}/{len(new_sender)}; cut by a kill "
          f"mid-send and parked for staff: {ambiguous} (the provider had {ambiguous - unsent}, "
          f"not {unsent}); "
          f"jobs left: {state['jobs']}")
    for line in problems[:30]:
        print("  LOST/DUPLICATE:", line)
    print("  OK: nothing lost, nothing doubled" if not problems
          else f"  FAILED: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
