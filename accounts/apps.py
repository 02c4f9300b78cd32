from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_migrate


def _reference_codes(sender: AppConfig, apps=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """After `migrate` (migration state `apps`) or `flush` (no `apps`: the real models)."""
    from django.apps import apps as global_apps

    from accounts import reference

    reference.load(apps or global_apps)


def _forget_session(sender, request=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Every logout (the button, idle or maximum-age expiry, a refused second factor) sends
    user_logged_out: the one place that sees them all removes the session from "Mes sessions"."""
    from accounts.open_sessions import session_forget

    session_forget(request)


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Professionnels et connexion"

    def ready(self) -> None:
        # Reference codes, not business rules: they come back after a flush (see reference).
        post_migrate.connect(_reference_codes, sender=self)
        user_logged_out.connect(_forget_session, dispatch_uid="accounts_forget_session")
