from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workshop"
    verbose_name = "Atelier de formation"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from workshop.roles import remember_trainer_menu

        user_logged_in.connect(remember_trainer_menu, dispatch_uid="workshop_trainer_menu")
