"""The actions added by the security and fidelity work: administrators' reads and the access-right
changes they make, "Mes sessions", the e-CPS account events, downloads told apart from
consultations, the "Parcours de soins" grid read. Only the list of allowed actions changes (a check constraint)."""

from django.conf import settings
from django.db import migrations, models

from audit import triggers


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_notification_claim"),
        ("patients", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Going back, the table is rebuilt again: the first operation, undone last, restores them.
        migrations.RunPython(migrations.RunPython.noop, triggers.reinstall),
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
                    ("care_pathway_viewed", "a consulté le parcours de soins"),
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
                    ("admin_record_viewed", "a consulté le DMP depuis l'administration"),
                    ("admin_documents_listed", "a consulté la liste des documents depuis l'administration"),
                    ("admin_document_viewed", "a consulté depuis l'administration le document"),
                    (
                        "admin_vaccinations_viewed",
                        "a consulté le carnet de vaccination depuis l'administration",
                    ),
                    ("admin_history_viewed", "a consulté l'historique des accès depuis l'administration"),
                    ("block_added", "a bloqué l'accès d'un professionnel au DMP"),
                    ("block_removed", "a débloqué l'accès d'un professionnel au DMP"),
                    ("care_stay_added", "a déclaré une prise en charge"),
                    ("care_stay_changed", "a modifié une prise en charge"),
                    ("care_stay_removed", "a supprimé une prise en charge"),
                    ("attending_added", "a désigné un médecin traitant DMP"),
                    ("attending_removed", "a retiré un médecin traitant DMP"),
                    ("dmp_closed", "a fermé le DMP"),
                    ("dmp_reopened", "a réactivé le DMP"),
                    ("emergency_choices_changed", "a modifié les accès en urgence au DMP"),
                    ("habilitation_changed", "a modifié la matrice d'habilitation"),
                    ("habilitation_removed", "a supprimé une règle de la matrice d'habilitation"),
                    ("habilitations_imported", "a importé la matrice d'habilitation"),
                    ("session_ended", "a mis fin à une autre de ses sessions"),
                    ("ecps_activated", "a activé une application e-CPS"),
                    ("ecps_suspended", "a suspendu l'application e-CPS"),
                    ("ecps_reactivated", "a réactivé l'application e-CPS"),
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
                            "care_pathway_viewed",
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
                            "admin_record_viewed",
                            "admin_documents_listed",
                            "admin_document_viewed",
                            "admin_vaccinations_viewed",
                            "admin_history_viewed",
                            "block_added",
                            "block_removed",
                            "care_stay_added",
                            "care_stay_changed",
                            "care_stay_removed",
                            "attending_added",
                            "attending_removed",
                            "dmp_closed",
                            "dmp_reopened",
                            "emergency_choices_changed",
                            "habilitation_changed",
                            "habilitation_removed",
                            "habilitations_imported",
                            "session_ended",
                            "ecps_activated",
                            "ecps_suspended",
                            "ecps_reactivated",
                        ],
                    )
                ),
                name="audit_trace_action_valid",
            ),
        ),
        migrations.RunPython(triggers.reinstall, migrations.RunPython.noop),
    ]
