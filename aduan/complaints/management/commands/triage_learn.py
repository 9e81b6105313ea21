from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aduan.complaints.learning import labelled_examples
from aduan.triage import classifier, training


class Command(BaseCommand):
    help = ("Retrain the category model from the seed set, the triage team's corrections and "
            "settled complaints, and optionally a labelled CSV (columns text,category).")

    def add_arguments(self, parser):
        parser.add_argument("--csv", help="extra labelled complaints (text,category)")

    def handle(self, csv=None, **options):
        texts, labels = labelled_examples()
        self.stdout.write(f"{len(texts)} labelled complaints from this city's history")
        if csv:
            try:
                extra_texts, extra_labels = classifier.read_labelled_csv(Path(csv))
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            texts, labels = texts + extra_texts, labels + extra_labels
            self.stdout.write(f"{len(extra_texts)} from {csv}")
        try:
            training.retrain(texts, labels)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Model saved to {classifier.model_path()}")
