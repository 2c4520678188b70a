"""Fewer indexes written by every check-in: the link's lookups use the one-assessment-per-link
constraint's index, who entered an assessment and who acted in an audit event are indexed only
when there is someone (a patient's own check-in has neither), and no query reads the audit
trail by time.

The fields change in Django's state only, and their indexes are dropped by name: on SQLite,
altering the fields would rebuild the tables, and a rebuilt audit table would lose the trigger
that keeps it append-only (migration 0002).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = {
    "clinic_assessment_entered_by_id_ee2b128d": ("clinic_assessment", "entered_by_id"),
    "clinic_assessment_link_id_50d2eddf": ("clinic_assessment", "link_id"),
    "clinic_auditevent_actor_id_5c6b5919": ("clinic_auditevent", "actor_id"),
    "clinic_auditevent_at_48dab00e": ("clinic_auditevent", "at"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0007_review_projects"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX "{name}"', f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                )
                for name, (table, column) in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="entered_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="link",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="clinic.checkinlink",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="at",
                    field=models.DateTimeField(auto_now_add=True),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("entered_by__isnull", False)),
                fields=["entered_by"],
                name="assessment_entered_by",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="auditevent_actor",
            ),
        ),
    ]
