"""Traces record the key that sealed them (audit/sealing.py).

Traces written before this migration were sealed by the former unkeyed SHA-256: they get the
legacy key id and stay verifiable as they are (never rewritten). Run `checkpoint_traces` right
after migrating: the first signed checkpoint is what vouches for them from then on.
"""

from django.db import migrations, models

from audit import triggers


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
        migrations.RunPython(triggers.reinstall, migrations.RunPython.noop),
    ]
