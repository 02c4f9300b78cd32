"""Action.DOCUMENT_DOWNLOADED ("a téléchargé le document"), allowed by the action check.

On SQLite, changing a check constraint rebuilds the table, and the rebuilt table has lost the
append-only triggers of 0002: they are installed again (idempotent; a no-op on PostgreSQL, which
alters the constraint in place)."""

from django.conf import settings
from django.db import migrations, models

from audit import triggers


def reinstall_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_notification_claim"),
        ("patients", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="trace",
            name="audit_trace_action_valid",
        ),
        migrations.AlterField(
            model_name="trace",
            name="action",
            field=models.CharField(
                choices=[
                    ("patient_searched", "a recherché un patient"),
                    ("authorization_declared", "s'est déclaré autorisé à accéder au DMP"),
                    ("emergency_access", "a accédé au DMP en mode bris de glace"),
                    ("record_opened", "a ouvert le DMP avec un navigateur web"),
                    ("authorization_withdrawn", "a retiré son autorisation"),
                    ("history_viewed", "a consulté l'historique des accès"),
                    ("document_viewed", "a consulté le document"),
                    ("document_downloaded", "a téléchargé le document"),
                    ("document_added", "a ajouté le document"),
                    ("document_masked", "a masqué le document"),
                    ("document_unmasked", "a démasqué le document"),
                    ("document_archived", "a archivé le document"),
                    ("document_deleted", "a supprimé le document"),
                    ("document_confidentiality", "a modifié la confidentialité du document"),
                    ("vaccination_added", "a ajouté une vaccination au carnet"),
                    ("login", "s'est connecté"),
                    ("login_failed", "a échoué à se connecter"),
                    ("logout", "s'est déconnecté"),
                ],
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.AddConstraint(
            model_name="trace",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "patient_searched",
                            "authorization_declared",
                            "emergency_access",
                            "record_opened",
                            "authorization_withdrawn",
                            "history_viewed",
                            "document_viewed",
                            "document_downloaded",
                            "document_added",
                            "document_masked",
                            "document_unmasked",
                            "document_archived",
                            "document_deleted",
                            "document_confidentiality",
                            "vaccination_added",
                            "login",
                            "login_failed",
                            "logout",
                        ],
                    )
                ),
                name="audit_trace_action_valid",
            ),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers),
    ]
