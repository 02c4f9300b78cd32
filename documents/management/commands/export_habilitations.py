"""Write the habilitation matrix as CSV (profession_code, specialty, type_code, may_read)."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from documents.habilitations import habilitations_export


class Command(BaseCommand):
    help = "Exporte la matrice d'habilitation en CSV (profession_code, specialty, type_code, may_read)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", "-o", help="Fichier à écrire (par défaut : la sortie standard).")

    def handle(self, *args: object, output: str | None = None, **options: object) -> None:
        if not output:
            # csv writes one line per call, each ending in "\n": OutputWrapper adds nothing.
            habilitations_export(self.stdout)
            return
        with open(output, "w", encoding="utf-8", newline="") as handle:
            count = habilitations_export(handle)
        self.stderr.write(f"{count} règle(s) exportée(s) dans {output}.")
