"""Load the professions (TRE_G15) and cadres d'exercice (JDV_J04) from accounts/reference/."""

from django.db import migrations

from accounts import reference


def load(apps, schema_editor):
    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
