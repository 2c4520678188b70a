"""API tokens bounded as sessions are: a client name (one token per user and client), the
time of last use (the idle limit) and the password stamp (a password change ends them); the
time of issue is set by the action, which re-issues a client's token in place.

Tokens issued before this migration lived 90 days, past the sessions' absolute limit, and
any number per user: they are all revoked, and their holders ask for new ones.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def revoke_earlier_tokens(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Delete every token issued under the earlier, longer rules."""
    apps.get_model("clinic", "ApiToken").objects.using(schema_editor.connection.alias).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0009_audit_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(revoke_earlier_tokens, migrations.RunPython.noop),
        migrations.AddField(
            model_name="apitoken",
            name="client",
            field=models.CharField(max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(max_length=128),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.UniqueConstraint(
                fields=("user", "client"), name="one_token_per_client"
            ),
        ),
    ]
