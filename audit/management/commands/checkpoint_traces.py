from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import default_store, write_checkpoint


class Command(BaseCommand):
    help = (
        "Écrit un point de contrôle signé de toutes les têtes de chaîne hors de la base "
        "(DMP_CHECKPOINT_DIR) ; à lancer périodiquement (cron)."
    )

    def handle(self, *args: object, **options: object) -> None:
        store = default_store()
        if store is None:
            raise CommandError("Configuration incomplète : DMP_CHECKPOINT_DIR n'est pas défini.")
        try:
            seal = write_checkpoint(store)
        except ImproperlyConfigured as exc:
            raise CommandError(f"Configuration incomplète : {exc}") from None
        self.stdout.write(f"{seal.describe().capitalize()} écrit : {seal.chains} tête(s) de chaîne.")
