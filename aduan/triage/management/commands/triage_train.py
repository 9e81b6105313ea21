"""`aduan triage-train --csv FILE`: retrain the category model from labelled complaints
(columns text,category), merged with the shipped seed set, and save it into the data
folder (per city with --city), where `aduan triage` and intake pick it up.

`aduan triage-train --ship` rebuilds the shipped artefact (data/seed_model.joblib) from the
seed files: run it after changing a seed file (a test fails while it is stale)."""

from django.core.management.base import BaseCommand, CommandError

from aduan.triage import classifier, training


class Command(BaseCommand):
    help = "Retrain the triage category model from a labelled CSV (text,category)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", help="CSV with columns text,category")
        parser.add_argument("--city", help="save as this city's model (e.g. 33.72)")
        parser.add_argument("--ship", action="store_true",
                            help="rebuild the shipped seed model in the package")

    def handle(self, *args, **options):
        if options["ship"]:
            path = training.ship_seed_model()
            self.stdout.write(f"seed model written to {path}")
            return
        if not options["csv"]:
            raise CommandError("--csv FILE is required (or --ship)")
        try:
            texts, labels = classifier.read_labelled_csv(options["csv"])
            model = training.retrain(texts, labels, city=options["city"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"trained on {len(texts)} labelled rows + seed set, "
            f"{len(model.classes)} categories; saved to {classifier.model_path(options['city'])}"
        )
