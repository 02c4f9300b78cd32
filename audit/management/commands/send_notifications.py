"""The notification sender: one pass (cron), or a worker looping on the outbox (--boucle)."""

import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from audit.notifications import deliver_pending


class Command(BaseCommand):
    help = (
        "Envoie les notifications aux patients restées en attente : un passage (cron), ou en continu "
        "avec --boucle (un processus à part des serveurs web, arrêté proprement par SIGTERM)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Nombre maximal d'envois par passage.")
        parser.add_argument(
            "--boucle", action="store_true", help="Recommencer sans fin ; attendre --pause s'il n'y a rien."
        )
        parser.add_argument(
            "--pause", type=float, default=5.0, help="Secondes d'attente quand tout est envoyé."
        )

    def handle(self, *args: object, limit: int, boucle: bool, pause: float, **options: object) -> None:
        if not boucle:
            self._pass(limit)
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        while not stopping:
            # Several workers may run: deliver() claims each row before sending (no double send).
            close_old_connections()
            sent, _pending = self._pass(limit)
            if not sent and not stopping:
                time.sleep(pause)

    def _pass(self, limit: int) -> tuple[int, int]:
        sent, pending = deliver_pending(limit=limit)
        self.stdout.write(f"{sent} notification(s) envoyée(s), {pending} en attente.")
        return sent, pending
