from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_all


class Command(BaseCommand):
    help = (
        "Vérifie les traces : sceaux (clés DMP_TRACE_KEYS), liens, têtes de chaîne et points de "
        "contrôle signés ; code de sortie non nul en cas d'altération."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = verify_all()
        except ImproperlyConfigured as exc:
            raise CommandError(f"Configuration incomplète : {exc}") from None
        for notice in report.notices:
            self.stdout.write(self.style.WARNING(notice))
        for found in report.findings:
            self.stderr.write(f"Altération détectée — {found}")
        if report.findings:
            raise CommandError(
                f"{len(report.findings)} altération(s) détectée(s) ({report.chains} chaîne(s))."
            )
        self.stdout.write(self.style.SUCCESS(f"{report.chains} chaîne(s) vérifiée(s) : aucune altération."))
