from django.db import migrations, models
import django.utils.timezone


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Refusal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=40)),
                ("reason", models.CharField(max_length=60)),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("last_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("source", "reason"), name="unique_refusal_reason")],
            },
        ),
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=250, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField(default=0)),
                ("window_end", models.BigIntegerField(help_text="Unix time the window closes")),
            ],
        ),
    ]
