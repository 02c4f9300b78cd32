from django.core.management.base import BaseCommand, CommandParser

from workshop.demo import seed_demo


class Command(BaseCommand):
    help = "Crée ou rafraîchit le jeu de démonstration de l'atelier (identités fictives)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Supprime d'abord tous les comptes de démonstration."
        )

    def handle(self, *args: object, reset: bool, **options: object) -> None:
        logins = seed_demo(reset=reset)
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (code porteur des cartes : 1234)"))
        for login in logins:
            self.stdout.write(
                f"  {login.name:<28} {login.profession:<40} RPPS {login.rpps:<11}  "
                f"carte {login.card:<10}  PIN {login.pin:<4}  e-CPS {login.ecps_secret}"
            )
