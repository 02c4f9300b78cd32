"""Load a habilitation matrix from CSV (e.g. the official annex of the arrêté of 26 October 2023)."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from documents.habilitations import HabilitationImportError, habilitations_import


class Command(BaseCommand):
    help = (
        "Importe une matrice d'habilitation CSV (profession_code, specialty, type_code, may_read). "
        "Chaque ligne est vérifiée avant d'écrire quoi que ce soit ; réimporter le même fichier ne change rien."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("csv_path", help="Fichier CSV à importer (UTF-8, virgules ou points-virgules).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Supprimer les règles absentes du fichier : le fichier devient toute la matrice.",
        )

    def handle(self, *args: object, csv_path: str, replace: bool = False, **options: object) -> None:
        try:
            with open(csv_path, encoding="utf-8-sig", newline="") as handle:
                result = habilitations_import(handle, replace=replace)
        except FileNotFoundError as exc:
            raise CommandError(f"Fichier introuvable : {csv_path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("Le fichier doit être encodé en UTF-8. Rien n'a été importé.") from exc
        except HabilitationImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Matrice importée : {result.created} règle(s) créée(s), {result.updated} modifiée(s), "
            f"{result.unchanged} inchangée(s), {result.deleted} supprimée(s)."
        )
