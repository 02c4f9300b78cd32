"""Ship the default habilitation matrix (documents/reference/default_matrix.py) into an empty matrix:
one explicit row per profession and document type shown in a rubrique."""

from django.db import migrations

from documents.reference import default_matrix


def load(apps, schema_editor):
    default_matrix.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reference_codes"),
        ("documents", "0002_reference_codes"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
