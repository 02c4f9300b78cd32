from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reference_data(sender: AppConfig, apps=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """After `migrate` (migration state `apps`) or `flush` (no `apps`: the real models): the
    reference lists, and the default habilitation matrix if the matrix is empty."""
    from django.apps import apps as global_apps

    from documents import reference
    from documents.reference import default_matrix

    apps = apps or global_apps
    try:
        apps.get_model("documents", "HabilitationRule")
    except LookupError:  # documents' migrations not applied yet (a partial `migrate`)
        return
    reference.load(apps)
    default_matrix.load(apps)


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents du DMP"

    def ready(self) -> None:
        # Reference data, not business rules: it comes back after a flush (see documents.reference).
        post_migrate.connect(_reference_data, sender=self)
