from django.core.management.base import BaseCommand, CommandParser

from directory.generator import fictive_entries_ensure


class Command(BaseCommand):
    help = (
        "Remplit l'annuaire santé de professionnels fictifs (graine fixe, insertions groupées) : "
        "les N premiers du générateur, ceux qui manquent. Pour les mesures de charge, pas pour la démonstration."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="nombre de professionnels fictifs voulus (ex. 50000)")
        parser.add_argument("--seed", type=int, default=2026, help="graine du générateur (2026 par défaut)")

    def handle(self, *args: object, count: int, seed: int, **options: object) -> None:
        created = fictive_entries_ensure(count, seed=seed)
        self.stdout.write(self.style.SUCCESS(f"{created} professionnels fictifs ajoutés ({count} voulus)."))
