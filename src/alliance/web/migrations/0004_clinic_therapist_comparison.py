from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_alert_signals"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="therapist_comparison",
            field=models.BooleanField(
                default=False,
                help_text="Show the clinic overview's per-therapist table (admin's choice).",
            ),
        ),
    ]
