"""`aduan triage-train --csv FILE`: retrain the category model from labelled complaints
(columns text,category), merged with the shipped seed set, and save it into the data
folder, where `aduan triage` and intake pick it up."""

from django.core.management.base import BaseCommand, CommandError

from aduan.triage import classifier


class Command(BaseCommand):
    help = "Retrain the triage category model from a labelled CSV (text,category)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="CSV with columns text,category")

    def handle(self, *args, **options):
        try:
            texts, labels = classifier.read_labelled_csv(options["csv"])
            model = classifier.retrain(texts, labels)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"trained on {len(texts)} labelled rows + seed set, "
            f"{len(model.classes)} categories; saved to {classifier.model_path()}"
        )
