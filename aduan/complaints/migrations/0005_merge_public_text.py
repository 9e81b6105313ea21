from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0004_about_official_confidential"),
        ("complaints", "0004_public_text"),
    ]

    operations = []
