"""Believable complaint histories, simulated in memory (no database access).

`Life.simulate` walks one complaint from the citizen's first message to now the way the
named actions in `actions.py` would have moved it: received, routed (past units without an
active official), acknowledged, progress, escalated when late, waiting for the citizen,
resolved with an after photo, confirmed or closed, sometimes reopened, often rated. The
result is the complaint's fields and its timeline events; `generate.py` writes them in
bulk. Proportions follow Surakarta's own reports (66% of complaints via WhatsApp; about
54% answered within one working day in 2024).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from aduan.sla import deadlines

JAKARTA = timezone(timedelta(hours=7))

CHANNELS = [("whatsapp", 66), ("web", 14), ("instagram", 9), ("facebook", 5),
            ("telegram", 3), ("email", 3)]
CATEGORIES = [("jalan", 14), ("sampah", 10), ("drainase", 9), ("adminduk", 8), ("pju", 8),
              ("bansos", 7), ("layanan_wilayah", 7), ("lalu_lintas", 6), ("ketertiban", 5),
              ("air", 5), ("pohon_taman", 4), ("lingkungan", 3), ("kesehatan", 3),
              ("pendidikan", 2), ("perizinan", 2), ("utilitas", 2), ("bencana", 1),
              ("perumahan", 1), ("ekonomi", 1), ("lainnya", 2)]
STREETS = ["Jl. Slamet Riyadi", "Jl. Veteran", "Jl. Gatot Subroto", "Jl. Honggowongso",
           "Jl. Ahmad Yani", "Jl. Adi Sucipto", "Jl. Urip Sumoharjo", "Jl. Kapten Mulyadi",
           "Jl. Yos Sudarso", "Jl. Dr. Rajiman", "Jl. Sam Ratulangi", "Jl. Kolonel Sutarto",
           "Jl. Ir. Juanda", "Jl. Letjen Suprapto", "Jl. Perintis Kemerdekaan", "gang kampung"]
TEXTS = {
    "jalan": ["Jalan di {street} berlubang cukup dalam, motor sering jatuh kalau malam.",
              "Aspal {street} mengelupas dan bergelombang, mohon segera diperbaiki.",
              "Trotoar di {street} rusak dan paving lepas, bahaya untuk pejalan kaki."],
    "sampah": ["Sampah menumpuk di pinggir {street} sudah tiga hari belum diangkut.",
               "TPS dekat {street} penuh dan baunya sampai ke rumah warga.",
               "Ada warga buang sampah sembarangan di sungai dekat {street}."],
    "drainase": ["Saluran air di {street} mampet, kalau hujan air masuk ke rumah warga.",
                 "Genangan setinggi mata kaki di {street} setiap hujan deras.",
                 "Gorong-gorong di {street} tersumbat lumpur dan sampah."],
    "adminduk": ["Mohon info pengurusan KTP-el yang hilang, apa perlu surat kehilangan?",
                 "Sudah sebulan KK baru belum jadi, mohon dicek statusnya.",
                 "Akta kelahiran anak saya salah tulis nama, bagaimana memperbaikinya?"],
    "pju": ["Lampu PJU di {street} mati sejak minggu lalu, gelap sekali malam hari.",
            "Lampu jalan di {street} berkedip terus dan kadang padam."],
    "bansos": ["Orang tua saya lansia belum terdaftar DTKS, bagaimana caranya?",
               "Bantuan sembako bulan ini belum diterima warga RT kami.",
               "Kartu BPJS PBI ibu saya tidak aktif, mohon bantuan."],
    "layanan_wilayah": ["Surat pengantar dari kelurahan belum selesai sudah seminggu.",
                        "Pelayanan di kantor kelurahan lambat, antre dari pagi.",
                        "Ketua RT sulit ditemui untuk tanda tangan surat pengantar."],
    "lalu_lintas": ["Parkir liar di {street} memakan badan jalan dan bikin macet.",
                    "Lampu lalu lintas di simpang {street} mati.",
                    "Juru parkir di {street} minta tarif di atas ketentuan."],
    "ketertiban": ["PKL berjualan di trotoar {street} sampai pejalan kaki turun ke jalan.",
                   "Ada bangunan liar di bantaran sungai dekat {street}."],
    "air": ["Air PDAM di rumah kami mati sejak kemarin pagi.",
            "Pipa PDAM bocor di {street}, air meluber ke jalan."],
    "pohon_taman": ["Pohon di {street} rantingnya menjuntai ke kabel, mohon dipangkas.",
                    "Taman di dekat {street} tidak terawat, rumput tinggi."],
    "lingkungan": ["Asap pembakaran sampah di dekat {street} mengganggu warga.",
                   "Bau limbah dari usaha di {street} menyengat setiap sore."],
    "kesehatan": ["Banyak nyamuk dan warga kena DBD, mohon fogging di lingkungan kami.",
                  "Antrean di puskesmas sangat lama, mohon ditambah petugas."],
    "pendidikan": ["Pendaftaran PPDB online error terus, mohon bantuan.",
                   "Atap kelas di SD dekat {street} bocor."],
    "perizinan": ["Izin usaha saya belum terbit padahal berkas sudah lengkap.",
                  "Bagaimana cara mengurus PBG untuk renovasi rumah?"],
    "utilitas": ["Kabel menjuntai rendah di {street}, bisa tersangkut kendaraan.",
                 "Tiang listrik di {street} miring setelah hujan angin."],
    "bencana": ["Pohon tumbang menutup {street}, mohon segera dievakuasi.",
                "Banjir masuk rumah warga di dekat {street}, perlu bantuan."],
    "perumahan": ["Rumah tetangga kami tidak layak huni, atapnya hampir roboh.",
                  "Air di rusunawa sering mati, mohon perbaikan."],
    "ekonomi": ["Kios di pasar dekat {street} atapnya bocor.",
                "Mohon info pelatihan UMKM untuk warga."],
    "lainnya": ["Mohon informasi jadwal layanan keliling di wilayah kami.",
                "Terima kasih atas pelayanannya, sekadar masukan untuk petugas."],
}
ACK_NOTES = ["Terima kasih, laporan sudah kami terima dan akan ditindaklanjuti.",
             "Petugas dijadwalkan survei ke lokasi.", "Sudah kami teruskan ke tim lapangan."]
PROGRESS_NOTES = ["Petugas sudah survei lokasi, perbaikan dijadwalkan.",
                  "Material sedang disiapkan.", "Pekerjaan sedang berlangsung."]
RESOLVE_NOTES = ["Sudah diperbaiki, terima kasih atas laporannya.",
                 "Pekerjaan selesai, mohon dicek kembali.", "Sudah ditangani petugas hari ini."]
REOPEN_NOTES = ["Belum beres, masalahnya muncul lagi.", "Masih sama seperti sebelumnya."]
ASK_NOTES = ["Mohon kirim lokasi persisnya (patokan terdekat).",
             "Mohon lampirkan foto kondisi terkini."]
REJECT_NOTES = ["Bukan aduan (pesan uji coba).", "Pesan tidak jelas dan tidak dapat dihubungi."]
STARS = [(5, 40), (4, 30), (3, 14), (2, 8), (1, 8)]


def _weights(pairs):
    values = [p[0] for p in pairs]
    total = sum(p[1] for p in pairs)
    cumulative, acc = [], 0.0
    for _, w in pairs:
        acc += w / total
        cumulative.append(acc)
    return values, cumulative


@dataclass
class Ev:
    kind: str
    at: datetime
    actor: object = None  # an Actor, a plain label ("Pelapor"), or None for the system
    note: str = ""
    public: bool = False
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    user_id: int
    label: str


@dataclass
class Owner:
    """A routed unit: who it is, who acts there, where it escalates to."""

    pk: int
    name: str
    actors: list[Actor]
    parent: Owner | None = None


@dataclass
class Story:
    """Fields of a complaint (as model attribute names) and its timeline."""

    fields: dict
    events: list[Ev]
    after_photo_at: list[tuple[datetime, Actor | None]]


class Life:
    """Simulates complaints; `route(category, region, rt, rw)` -> (Owner, reason, data)."""

    def __init__(self, rng: random.Random, now: datetime, route, triage: Owner,
                 places: list[tuple[str, float, float]], external: dict[str, Owner]):
        self.rng, self.now, self.route, self.triage = rng, now, route, triage
        self.places, self.external = places, external
        self.channels = _weights(CHANNELS)
        self.categories = _weights(CATEGORIES)
        self.stars = _weights(STARS)

    def pick(self, table):
        values, cumulative = table
        x = self.rng.random()
        for value, edge in zip(values, cumulative, strict=True):
            if x <= edge:
                return value
        return values[-1]

    def moment(self, days: int) -> datetime:
        """A citizen's message time: more on weekdays, mostly 06–22 local, peaks at 8 and 19."""
        rng = self.rng
        while True:
            day = self.now.astimezone(JAKARTA).date() - timedelta(days=rng.randrange(days))
            if day.weekday() >= 5 and rng.random() < 0.45:
                continue
            hour = rng.choice([6, 7, 8, 8, 8, 9, 9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                               19, 19, 19, 20, 20, 21, 22, 23, 1])
            at = datetime(day.year, day.month, day.day, hour, rng.randrange(60),
                          rng.randrange(60), rng.randrange(1_000_000), tzinfo=JAKARTA)
            if at < self.now:
                return at.astimezone(UTC)

    def office(self, after: datetime, working_hours: float) -> datetime:
        """A time an official acts: `working_hours` of office time (07:30–16:00 Mon–Fri)
        after `after`, at a believable minute."""
        local = after.astimezone(JAKARTA)
        minutes = working_hours * 60
        while True:
            open_at = local.replace(hour=7, minute=30, second=0, microsecond=0)
            close_at = local.replace(hour=16, minute=0, second=0, microsecond=0)
            if local.weekday() < 5 and local < close_at:
                start = max(local, open_at)
                room = (close_at - start).total_seconds() / 60
                if minutes <= room:
                    done = start + timedelta(minutes=minutes, seconds=self.rng.randrange(60))
                    return done.astimezone(UTC)
                minutes -= room
            local = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                        microsecond=0)

    def actor(self, owner: Owner) -> Actor:
        people = owner.actors or self.triage.actors
        return people[self.rng.randrange(len(people))] if people else None

    def lognormal_hours(self, median: float, spread: float) -> float:
        return median * math.exp(self.rng.gauss(0, spread))

    def simulate(self, days: int) -> Story:
        rng = self.rng
        created = self.moment(days)
        category = self.pick(self.categories)
        channel = self.pick(self.channels)
        code, lat, lng = self.places[rng.randrange(len(self.places))]
        rw = rng.randint(1, 12) if rng.random() < 0.6 else None
        rt = rng.randint(1, 10) if rw is not None else None
        urgency = "emergency" if category == "bencana" else "normal"
        text = rng.choice(TEXTS[category]).format(street=rng.choice(STREETS))
        due = deadlines.for_complaint(category, urgency, created)
        f = dict(channel=channel, category_id=category, category_confidence=round(
            0.55 + rng.random() * 0.45, 3), urgency=urgency, region_id=code, rw=rw, rt=rt,
            lat=lat, lng=lng, text=text, text_public=text, created_at=created,
            first_response_due=due.first_response, resolution_due=due.resolution,
            status="new", owner_id=self.triage.pk, escalation_level=0)
        events = [Ev("received", created, None, "", True, {"channel": channel,
                                                           "acknowledgement": True})]
        photos: list[tuple[datetime, Actor | None]] = []
        story = Story(f, events, photos)
        owner, reason, route_data = self.route(category, code, rt, rw)
        manual = category == "lainnya" or rng.random() < 0.12
        assign_at = self.office(created, rng.uniform(0.1, 3)) if manual else \
            created + timedelta(seconds=rng.uniform(1, 5))
        if not self.happen(story, assign_at):
            return self.finish(story)
        tim = self.actor(self.triage)
        if manual:
            events.append(Ev("classified", assign_at, tim, "", False,
                             {"changes": {}, "confirmed": True}))
            if rng.random() < 0.15 or category == "lainnya":
                f.update(status="rejected", closed_at=assign_at)
                events.append(Ev("rejected", assign_at, tim, rng.choice(REJECT_NOTES), True))
                return self.finish(story)
        if category == "air" and "pdam" in self.external:  # outside the city: PDAM
            body = self.external["pdam"]
            f.update(status="forwarded", forwarded_to_id=body.pk, closed_at=assign_at)
            events.append(Ev("forwarded", assign_at, tim, "Diteruskan ke Perumda Air Minum.",
                             True, {"to": body.pk, "unit": body.name}))
            return self.finish(story)
        f.update(status="assigned", owner_id=owner.pk, assigned_at=assign_at)
        events.append(Ev("assigned", assign_at, tim if manual else None, reason, True,
                         {"from": self.triage.pk, "to": owner.pk, "unit": owner.name,
                          "automatic": not manual, **route_data}))
        current = owner
        # First response: about half within one working day, a long tail after.
        ack_at = self.office(assign_at, self.lognormal_hours(6.5, 1.1))
        current = self.escalate_if_late(story, current, "first_response",
                                        f["first_response_due"], ack_at)
        if current is None:
            return self.finish(story)
        who = self.actor(current)
        if not self.happen(story, ack_at):
            return self.finish(story)
        f.update(status="in_progress", first_response_at=ack_at, first_response_due=None,
                 assignee_id=who.user_id if who else None)
        events.append(Ev("acknowledged", ack_at, who, rng.choice(ACK_NOTES), True))
        work_from = ack_at
        if rng.random() < 0.05:
            asked = self.office(ack_at, rng.uniform(0.5, 4))
            if not self.happen(story, asked):
                return self.finish(story)
            f.update(status="waiting_citizen", status_before_wait="in_progress")
            events.append(Ev("asked_citizen", asked, who, rng.choice(ASK_NOTES), True))
            answer = asked + timedelta(hours=rng.uniform(2, 60))
            if not self.happen(story, answer):
                return self.finish(story)
            f.update(status="in_progress", status_before_wait="",
                     resolution_due=deadlines.shift_for_pause(
                         f["resolution_due"], asked, answer, category, urgency))
            events.append(Ev("citizen_message", answer, "Pelapor",
                             "Lokasinya di depan warung, dekat tiang listrik.", True))
            work_from = answer
        for round_ in range(2):
            if rng.random() < 0.4:
                progress_at = self.office(work_from, self.lognormal_hours(8, 0.8))
                if not self.happen(story, progress_at):
                    return self.finish(story)
                events.append(Ev("progress", progress_at, who, rng.choice(PROGRESS_NOTES),
                                 True, {"photos": []}))
                work_from = progress_at
            resolved_at = self.office(work_from, self.lognormal_hours(14, 1.0))
            current = self.escalate_if_late(story, current, "resolution", f["resolution_due"],
                                            resolved_at)
            if current is None or not self.happen(story, resolved_at):
                return self.finish(story)
            f.update(status="resolved", resolved_at=resolved_at)
            photos.append((resolved_at, who))
            events.append(Ev("resolved", resolved_at, who, rng.choice(RESOLVE_NOTES), True,
                             {"photos": [len(photos) - 1]}))
            window = deadlines.confirmation_until(resolved_at, category, urgency)
            if round_ == 0 and rng.random() < 0.07:
                reopened = resolved_at + (window - resolved_at) * rng.uniform(0.05, 0.8)
                if not self.happen(story, reopened):
                    return self.finish(story)
                again = deadlines.for_complaint(category, urgency, reopened)
                f.update(status="in_progress", resolved_at=None,
                         resolution_due=again.resolution)
                events.append(Ev("reopened", reopened, "Pelapor", rng.choice(REOPEN_NOTES),
                                 True))
                work_from = reopened
                continue
            break
        else:
            return self.finish(story)
        if rng.random() < 0.35:
            closed = resolved_at + (window - resolved_at) * rng.uniform(0.05, 0.9)
            if not self.happen(story, closed):
                return self.finish(story)
            events.append(Ev("confirmed", closed, "Pelapor", "", True))
        else:
            closed = window
            if not self.happen(story, closed):
                return self.finish(story)
            events.append(Ev("closed", closed, None, "", True))
        f.update(status="closed", closed_at=closed)
        if rng.random() < 0.45:
            rated = closed + timedelta(minutes=rng.uniform(1, 600))
            if self.happen(story, rated):
                late = f["escalation_level"] > 0 or any(e.kind == "reopened" for e in events)
                stars = self.pick(self.stars)
                stars = max(1, stars - (1 if late else 0))
                f.update(rating=stars)
                events.append(Ev("rated", rated, "Pelapor", "", True, {"stars": stars}))
        return self.finish(story)

    def happen(self, story: Story, at: datetime) -> bool:
        """Whether a moment has already come (the story stops at now)."""
        return at <= self.now

    def escalate_if_late(self, story: Story, owner: Owner, kind: str, due, done_at):
        """Escalations the SLA worker would have made before the official acted (one level
        per missed deadline). Returns the owner after them, or None if the story is cut at
        now before the official acted."""
        f = story.fields
        if due is None or done_at <= due or due > self.now:
            return owner
        if owner.parent is not None:
            reason = f"Tenggat terlewati oleh {owner.name}; naik ke {owner.parent.name}."
            story.events.append(Ev("escalated", due, None, reason, False, {
                "from": owner.pk, "to": owner.parent.pk, "unit": owner.parent.name,
                "deadline": kind, "level": f["escalation_level"] + 1}))
            f.update(owner_id=owner.parent.pk, escalation_level=f["escalation_level"] + 1)
            owner = owner.parent
        else:
            story.events.append(Ev("sla_overdue", due, None, f"Tenggat terlewati oleh "
                                   f"{owner.name} (unit tertinggi).", False,
                                   {"deadline": kind, "unit": owner.pk,
                                    "level": f["escalation_level"]}))
        f["next_due"] = deadlines.escalation_due(f["category_id"], f["urgency"], due)
        if kind == "first_response" and f.get("resolution_due"):
            f["next_due"] = min(f["next_due"], f["resolution_due"])
        f["escalated_due"] = f["next_due"]
        return owner

    def finish(self, story: Story) -> Story:
        """The next deadline as the named actions leave it for the final status."""
        f = story.fields
        status, last = f["status"], story.events[-1]
        cat, urg = f["category_id"], f["urgency"]
        escalated = f.pop("escalated_due", None)
        if status in ("closed", "rejected", "forwarded", "duplicate"):
            f["next_due"] = None
        elif status == "resolved":
            f["next_due"] = deadlines.confirmation_until(f["resolved_at"], cat, urg)
        elif status == "waiting_citizen":
            f["next_due"] = deadlines.waiting_until(last.at, cat, urg)
        elif status == "in_progress" and last.kind in ("reopened", "citizen_message"):
            f["next_due"] = min(f["resolution_due"], deadlines.next_response(cat, urg, last.at))
        elif status in ("new", "assigned"):
            f["next_due"] = escalated or f["first_response_due"]
        else:
            f["next_due"] = escalated if escalated and last.kind == "escalated" \
                else f["resolution_due"]
        f["updated_at"] = last.at
        return story
