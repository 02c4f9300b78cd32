"""The trainer's form: a new workshop session."""

from django import forms

from patients.forms import FrenchDateField
from workshop.models import TraineeProfession, WorkshopSession

MAX = WorkshopSession.MAX_TRAINEES


def position_field(position: int) -> str:
    return f"poste_{position}"


class SessionCreateForm(forms.Form):
    """Name, date, number of trainees, a default profession and, optionally, one per position."""

    name = forms.CharField(label="Nom de la session", max_length=200)
    date = FrenchDateField(label="Date de l'atelier")
    trainees = forms.IntegerField(
        label="Nombre de stagiaires",
        min_value=1,
        max_value=MAX,
        initial=12,
        error_messages={
            "min_value": f"Indiquez un nombre de stagiaires entre 1 et {MAX}.",
            "max_value": f"Indiquez un nombre de stagiaires entre 1 et {MAX}.",
            "invalid": f"Indiquez un nombre de stagiaires entre 1 et {MAX}.",
        },
    )
    default_profession = forms.ChoiceField(
        label="Profession des stagiaires",
        choices=TraineeProfession.choices,
        initial=TraineeProfession.PHARMACIEN,
    )
    care_team_scenario = forms.BooleanField(
        label="Scénario « équipe de soins » : chaque stagiaire fait partie de l'équipe de soins du patient à "
        "rechercher (pas de consentement à déclarer)",
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for position in range(1, MAX + 1):
            self.fields[position_field(position)] = forms.ChoiceField(
                label=f"Poste {position}",
                choices=[("", "Profession par défaut"), *TraineeProfession.choices],
                required=False,
            )

    def position_fields(self) -> list[forms.BoundField]:
        return [self[position_field(position)] for position in range(1, MAX + 1)]

    def clean(self) -> dict:
        data = super().clean()
        count = data.get("trainees")
        if count is None:
            return data
        beyond = [
            str(position) for position in range(count + 1, MAX + 1) if data.get(position_field(position))
        ]
        if beyond:
            raise forms.ValidationError(
                f"Profession choisie pour un poste au-delà du nombre de stagiaires ({count}) : "
                f"poste(s) {', '.join(beyond)}."
            )
        return data

    def professions(self) -> list[str]:
        """One profession per trainee, in position order: the row's choice, else the default."""
        data = self.cleaned_data
        return [
            data.get(position_field(position)) or data["default_profession"]
            for position in range(1, data["trainees"] + 1)
        ]
