from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workshop.models import WorkshopSession
from workshop.services import WorkshopError, workshop_session_reset, workshop_trainee_reset


class Command(BaseCommand):
    help = (
        "Remet les bacs à sable d'une session d'atelier dans leur état initial (les anciens sont archivés, "
        "leurs traces conservées)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session", help="Code de la session (UUID, dans l'adresse de sa page).")
        parser.add_argument("--trainee", metavar="RPPS", help="Ne réinitialiser que ce stagiaire (son RPPS).")

    def handle(self, *args: object, session: str, trainee: str | None, **options: object) -> None:
        try:
            workshop = WorkshopSession.objects.get(code=session)
        except (WorkshopSession.DoesNotExist, ValidationError):
            raise CommandError(f"Aucune session d'atelier n'a le code {session}.") from None
        try:
            if trainee:
                one = workshop.trainees.select_related("session", "user").filter(user__rpps=trainee).first()
                if one is None:
                    raise CommandError(f"Aucun stagiaire de cette session n'a le RPPS {trainee}.")
                workshop_trainee_reset(trainee=one, by=None)
                self.stdout.write(self.style.SUCCESS(f"Poste {one.position} réinitialisé."))
            else:
                count = len(workshop_session_reset(session=workshop, by=None))
                self.stdout.write(self.style.SUCCESS(f"{count} bac(s) à sable réinitialisé(s)."))
        except WorkshopError as error:
            raise CommandError(str(error)) from None
