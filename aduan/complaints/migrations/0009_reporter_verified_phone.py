from django.db import migrations, models
from django.db.models import F


def whatsapp_numbers(apps, schema_editor):
    """A WhatsApp reporter's handle is the wa_id the provider vouched for: already E.164
    digits. Other channels' numbers were typed or unproven and stay unverified."""
    Reporter = apps.get_model("complaints", "Reporter")
    Reporter.objects.filter(channel="whatsapp", handle__regex=r"^[1-9][0-9]{7,14}$").update(
        verified_phone=F("handle"))


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0008_perf_updated_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="reporter",
            name="verified_phone",
            field=models.CharField(blank=True, db_index=True, max_length=16),
        ),
        migrations.RunPython(whatsapp_numbers, migrations.RunPython.noop, elidable=True),
    ]
