"""Traces record the key that sealed them (audit/sealing.py).

Traces written before this migration were sealed by the former unkeyed SHA-256: they get the
legacy key id and stay verifiable as they are (never rewritten). Run `checkpoint_traces` right
after migrating: the first signed checkpoint is what vouches for them from then on.
"""

from django.db import migrations, models

from audit import triggers


def reinstall_triggers(apps, schema_editor):
    """SQLite adds the column by rebuilding the table, which drops its triggers: put them back
    (idempotent on PostgreSQL, whose ALTER TABLE keeps them)."""
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_trace_actions_of_the_security_release")]

    operations = [
        migrations.AddField(
            model_name="trace",
            name="key_id",
            field=models.CharField(
                default="sha256-v1", editable=False, max_length=20, verbose_name="clé de scellement"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
