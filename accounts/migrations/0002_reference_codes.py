"""Load the professions (TRE_G15) and cadres d'exercice (JDV_J04) from accounts/reference/."""

from django.db import migrations

from accounts.reference import read_rows


def load(apps, schema_editor):
    Profession = apps.get_model("accounts", "Profession")
    PracticeSetting = apps.get_model("accounts", "PracticeSetting")
    for row in read_rows("professions_TRE_G15.csv"):
        Profession.objects.update_or_create(
            code=row["code"], defaults={"label": row["label_fr"], "status": row["status_in_TRE_G15"]}
        )
    for row in read_rows("practice_setting_codes_JDV_J04.csv"):
        PracticeSetting.objects.update_or_create(
            code=row["code"], defaults={"label": row["label_fr"], "code_system": row["code_system"]}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
