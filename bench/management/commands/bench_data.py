import json
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.dataset import Generator, Plan
from patients.models import Patient


class Command(BaseCommand):
    help = (
        "Construit le jeu de données du banc d'essai (patients, documents, traces chaînées) dans la base "
        "configurée, qui doit être migrée et vide de patients. Déterministe : même graine, mêmes données."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True, help="nombre de patients")
        parser.add_argument("--seed", type=int, default=Plan.seed)
        parser.add_argument(
            "--anchor", type=date.fromisoformat, default=Plan.anchor, help="date de référence AAAA-MM-JJ"
        )
        parser.add_argument("--professionals", type=int, default=Plan.professionals)
        parser.add_argument("--heavy-documents", type=int, default=Plan.heavy_documents)
        parser.add_argument("--heavy-traces", type=int, default=Plan.heavy_traces)
        parser.add_argument(
            "--manifest", type=Path, help="fichier JSON où écrire ce que le banc d'essai cherche"
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["patients"] < 10:
            raise CommandError("Il faut au moins 10 patients.")
        if Patient.objects.exists():
            raise CommandError(
                "La base contient déjà des patients : le jeu de données se construit dans une base neuve "
                "(jamais celle de la démonstration)."
            )
        plan = Plan(
            patients=options["patients"],
            seed=options["seed"],
            anchor=options["anchor"],
            professionals=options["professionals"],
            heavy_documents=options["heavy_documents"],
            heavy_traces=options["heavy_traces"],
        )
        started = time.perf_counter()
        verbose = options["verbosity"] > 1
        built = Generator(plan, progress=lambda message: verbose and self.stdout.write(message)).build()
        seconds = time.perf_counter() - started
        counts = ", ".join(f"{count} {name}" for name, count in built.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Jeu de données construit en {seconds:.0f} s : {counts}."))
        if options["manifest"]:
            manifest = {
                "plan": {**vars(plan), "anchor": plan.anchor.isoformat()},
                "seconds": round(seconds, 1),
            }
            manifest |= vars(built)
            options["manifest"].write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
