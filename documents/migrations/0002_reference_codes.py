"""Load the class codes, confidentiality codes, Mon espace santé categories, the ten rubriques and
the document types from documents/reference/ (see documents.reference.load)."""

from django.db import migrations

from documents import reference


def load(apps, schema_editor):
    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
