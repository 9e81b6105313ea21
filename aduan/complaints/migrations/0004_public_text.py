from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0003_inbox_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="public_text_state",
            field=models.CharField(
                choices=[("pending", "Menunggu persetujuan tim triase"),
                         ("auto", "Disamarkan otomatis"),
                         ("approved", "Disetujui tim triase")],
                default="auto", max_length=10,
                help_text=("Teks publik: otomatis bila penyamar yakin, "
                           "selain itu menunggu tim triase")),
        ),
        migrations.AddField(
            model_name="complaint",
            name="public_wording",
            field=models.TextField(
                blank=True, help_text="Kata-kata publik yang disetujui tim triase"),
        ),
    ]
