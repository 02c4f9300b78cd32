from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_all


class Command(BaseCommand):
    help = "Vérifie les chaînes d'empreintes des traces ; code de sortie non nul en cas d'altération."

    def handle(self, *args: object, **options: object) -> None:
        checked, breaks = verify_all()
        for found in breaks:
            self.stderr.write(f"Altération détectée — {found}")
        if breaks:
            raise CommandError(f"{len(breaks)} chaîne(s) altérée(s) sur {checked}.")
        self.stdout.write(self.style.SUCCESS(f"{checked} chaîne(s) vérifiée(s) : aucune altération."))
