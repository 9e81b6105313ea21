"""`aduan triage-import FILE [--mapping F]`: learn a city's history (DESIGN.md contract).

FILE is a CSV or XLSX of past complaints: `text`, the label (`category`, or the city's own
topic/agency column), optional `address` and `kelurahan` (Kemendagri code). Labels that are
not our category codes need a mapping: without --mapping, a draft is written next to FILE
(FILE.mapping.csv, or --draft PATH) for a person to review, and nothing is trained. With the
mapping (or when every label already is a code) the command trains the city's category
model, learns street/kampung/estate names seen with a known kelurahan, and prints what it
learned and the accuracy before/after on a held-out fifth of the history.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from aduan.dbsetup import ensure_migrated
from aduan.triage import classifier, history, learning
from aduan.triage.place import PlaceIndex


class Command(BaseCommand):
    help = "Learn a city's complaint history (CSV/XLSX): category model and place names."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX with text, category/label, "
                                         "optional address, kelurahan")
        parser.add_argument("--mapping", help="reviewed mapping CSV (label,category)")
        parser.add_argument("--draft", help="where to write the draft mapping "
                                            "(default: FILE.mapping.csv)")
        parser.add_argument("--city", help="city code (default: the only city loaded)")
        parser.add_argument("--holdout", type=float, default=learning.HOLDOUT,
                            help="share of the history held out for before/after (0.2)")

    def handle(self, *args, **options):
        ensure_migrated()
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if not 0.05 <= options["holdout"] <= 0.5:
            raise CommandError("--holdout must be between 0.05 and 0.5")
        try:
            rows = history.read_table(path)
            mapping = history.read_mapping(Path(options["mapping"])) \
                if options["mapping"] else None
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if not rows:
            raise CommandError(f"{path}: no rows with both text and a label")
        city = self._city(options["city"], rows)
        model = classifier.default_model(city)
        missing = history.unmapped_labels(rows, mapping)
        if missing:
            draft = Path(options["draft"] or f"{path}.mapping.csv")
            history.write_mapping(history.draft_mapping(rows, model), draft)
            self.stdout.write(
                f"{len(missing)} label(s) are not category codes ({', '.join(missing[:5])}"
                f"{'…' if len(missing) > 5 else ''}).\nA draft mapping is in {draft}: review "
                f"it (category = a code, codes joined by '|', or empty to skip) and run again "
                f"with --mapping {draft}")
            return
        pairs = history.apply_mapping(rows, mapping, model)
        if len(pairs) < 20 or len({c for _, c in pairs}) < 2:
            raise CommandError(f"only {len(pairs)} usable rows: need at least 20 in at "
                               f"least two categories")
        steps = ["scoring the current model", "training on part of the history",
                 "learning place names", "training the final model"]
        with tqdm(total=len(steps), desc="triage-import", unit="step",
                  file=self.stderr._out, disable=None) as bar:
            def step(name):
                bar.set_postfix_str(name)
                if name != steps[0]:
                    bar.update(1)
            result = learning.import_history(pairs, city, options["holdout"], step)
            bar.update(1)
        self._report(rows, pairs, result)

    def _city(self, given: str | None, rows: list[history.Row]) -> str:
        if given:
            city = given
        else:
            codes = {r.kelurahan[:5] for r in rows if r.kelurahan.count(".") == 3}
            city = codes.pop() if len(codes) == 1 else learning.current_city()
        if not city:
            raise CommandError("which city? load it with `aduan seed-city CODE` or pass --city")
        if not PlaceIndex.from_db([city]).areas:
            raise CommandError(f"city {city} is not loaded: run `aduan seed-city {city}` first")
        return city

    def _report(self, rows, pairs, result: learning.ImportResult) -> None:
        out = self.stdout.write
        out(f"History of city {result.city}: {len(rows)} rows read, {result.rows} used "
            f"({len(rows) - result.rows} skipped: label mapped to no category)")
        out("Categories: " + ", ".join(f"{c} {n}" for c, n in result.categories.most_common()))
        names = sorted(result.places)
        out(f"Place names learned: {len(names)}"
            + (f" (e.g. {', '.join(names[:8])})" if names else ""))
        out(f"Held-out part ({result.before.n} rows):")
        out(f"  category before: {result.before}")
        out(f"  category after:  {result.after}")
        if result.place_before and result.place_after:
            out(f"  kelurahan before: {result.place_before.accuracy:.3f} "
                f"(n={result.place_before.n})")
            out(f"  kelurahan after:  {result.place_after.accuracy:.3f}")
        out(f"Model saved to {result.model_path}; places to "
            f"{classifier.city_dir(result.city) / 'gazetteer.json'}")
