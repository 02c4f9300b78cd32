from django.core.management.base import BaseCommand, CommandParser

from audit.notifications import deliver_pending


class Command(BaseCommand):
    help = "Envoie les notifications aux patients restées en attente (à lancer périodiquement)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Nombre maximal d'envois par passage.")

    def handle(self, *args: object, limit: int, **options: object) -> None:
        sent, pending = deliver_pending(limit=limit)
        self.stdout.write(f"{sent} notification(s) envoyée(s), {pending} en attente.")
