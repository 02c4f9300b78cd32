from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import CPSCard
from workshop.demo import HOMONYMS, PATIENTS, VITALE_CARDS, seed_demo
from workshop.demo_documents import summary
from workshop.demo_workshop import seed_demo_workshop


class Command(BaseCommand):
    help = "Crée ou rafraîchit le jeu de démonstration de l'atelier (identités fictives)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remet le jeu de démonstration dans son état initial : comptes, autorisations des patients "
            "partagés (leurs documents et leur historique restent), bacs à sable de la session de démonstration.",
        )

    def handle(self, *args: object, reset: bool, **options: object) -> None:
        # The demo accounts' secrets are published (README): never on a real portal.
        if not settings.DMP_DEMO_MODE:
            raise CommandError(
                "seed_demo ne s'exécute qu'en mode démonstration (DMP_DEMO_MODE=True) : "
                "ses comptes ont des secrets publiés dans le README."
            )
        logins = seed_demo(reset=reset)
        workshop = seed_demo_workshop(reset=reset)
        logins.insert(-1, workshop.trainer)
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (code porteur des cartes : 1234)"))
        for login in logins:
            self.stdout.write(
                f"  {login.name:<28} {login.profession:<40} RPPS {login.rpps:<11}  "
                f"carte {login.card:<10}  PIN {login.pin:<4}  e-CPS {login.ecps_secret}"
            )
        # Holders and beneficiaries of the cards inserted in the virtual reader.
        inserted = {
            key for card in VITALE_CARDS if card.in_reader for key in (card.holder, *card.beneficiaries)
        }
        self.stdout.write(
            self.style.SUCCESS("Patients de démonstration (* : sur une carte Vitale insérée dans le lecteur)")
        )
        for patient in PATIENTS:
            reader = "*" if patient.key in inserted else " "
            self.stdout.write(
                f"  {reader} {patient.display_name:<24} INS {patient.ins}  né(e) le "
                f"{patient.birth_date:%d/%m/%Y}  {patient.rule}"
            )
        first, last = HOMONYMS[0], HOMONYMS[-1]
        self.stdout.write(
            f"    {len(HOMONYMS)} homonymes {first.display_name}, une par jour du {first.birth_date:%d/%m/%Y} au "
            f"{last.birth_date:%d/%m/%Y} : la recherche par nom, prénom et sexe (ou année) répond "
            "« Plus de 20 patients », la date exacte retrouve chacune"
        )
        self.stdout.write(self.style.SUCCESS("Documents de démonstration (fichiers sous MEDIA_ROOT)"))
        for row in summary():
            details = [
                f"{count} {label}"
                for count, label in (
                    (row.archived, "archivé(s)"),
                    (row.deleted, "supprimé(s)"),
                    (row.hidden_from_patient, "non visible(s) par le patient"),
                )
                if count
            ]
            self.stdout.write(
                f"  {row.patient.display_name:<24} né(e) le {row.patient.birth_date:%d/%m/%Y}  "
                f"{row.documents:>2} document(s){' dont ' + ', '.join(details) if details else ''} ; "
                f"{row.vaccinations} vaccination(s) au carnet"
            )
        self._write_workshop(workshop)

    def _write_workshop(self, workshop: object) -> None:
        session = workshop.session
        self.stdout.write(
            self.style.SUCCESS(
                f"Atelier de formation : session « {session.name} » du {session.date:%d/%m/%Y} "
                f"(formatrice {workshop.trainer.name}, /atelier/{session.code}/)"
            )
        )
        cards = dict(
            CPSCard.objects.filter(user__in=[t.user_id for t in workshop.trainees]).values_list(
                "user_id", "number"
            )
        )
        for trainee in workshop.trainees:
            self.stdout.write(
                f"  poste {trainee.position}  {trainee.user.display_name:<20} {trainee.get_profession_display():<34} "
                f"RPPS {trainee.user.rpps}  carte {cards.get(trainee.user_id, '—'):<10}  PIN {trainee.pin}"
            )
