"""Finding a patient's DMP without their Carte Vitale: by identity criteria, or by INS matricule.

The identity search mirrors dmp.fr's "Rechercher un patient" (workshop slides, "Sélection du
patient"): name, first name and sex are required; birth date or year or range, age or age range
and birth department narrow the search. Every lookup is index-backed: the name (birth or usage)
and the sex select the rows through the two (name key, sex) indexes, the other criteria only
filter those rows. Each search, and its trace, runs in one transaction.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db import transaction
from django.db.models import Case, Q, QuerySet, When
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import record
from patients.ins import normalize_ins, validate_ins
from patients.models import Patient, Sex
from patients.normalize import search_key
from patients.scope import scope_for

# Above 20 homonyms the list stops helping to pick the right person (and would show many
# people's identities to no purpose): the professional is asked to add criteria instead.
MAX_RESULTS = 20

# The oldest age one may type: keeps the age -> birth date arithmetic within the calendar.
MAX_AGE = 130
# Earlier than anyone alive; also keeps year 0 (not a date) out.
FIRST_BIRTH_YEAR = 1850

# Relevance points, out of 100 (see `relevance()`).
NAME_POINTS = 35
FIRST_NAME_POINTS = 30
OTHER_FIRST_NAME_POINTS = 20
SEX_POINTS = 10
BIRTH_DATE_POINTS = 15
BIRTH_YEAR_POINTS = 10
BIRTH_SPAN_POINTS = 8
DEPARTMENT_POINTS = 10

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
# Metropolitan departments 01-95 (2A/2B for Corsica), overseas 971-978, 99 for a birth abroad.
_DEPARTMENT = re.compile(r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|99)$")

DATE_FORMAT_MESSAGE = "Saisissez une date au format JJ/MM/AAAA ou une année au format AAAA."
DEPARTMENT_MESSAGE = (
    "Le département de naissance s'écrit sur 2 caractères (01 à 95, 2A ou 2B pour la Corse, "
    "99 pour une naissance à l'étranger) ou sur 3 chiffres pour l'outre-mer (971 à 978)."
)
TOO_MANY_MESSAGE = (
    f"Plus de {MAX_RESULTS} patients correspondent à ces critères : précisez votre recherche "
    "(prénom complet, date ou année de naissance, âge, département de naissance)."
)
NO_RESULT_MESSAGE = "Aucun patient ne correspond à ces critères."
INS_NOT_FOUND_MESSAGE = "Aucun DMP ne correspond à ce matricule INS."


class Precision(Enum):
    """How the birth was given: it decides the birth-date points."""

    DATE = "date de naissance"
    YEAR = "année de naissance"
    RANGE = "intervalle de dates de naissance"


@dataclass(frozen=True)
class BirthSpan:
    """Birth dates from `start` to `end` included; None is an open bound."""

    start: date | None
    end: date | None
    precision: Precision


@dataclass(frozen=True)
class SearchCriteria:
    """What the professional typed, parsed and checked by IdentitySearchForm."""

    name: str
    first_name: str
    sex: str
    birth: BirthSpan | None = None
    age_min: int | None = None
    age_max: int | None = None
    department: str = ""

    @property
    def has_age(self) -> bool:
        return self.age_min is not None or self.age_max is not None

    def labels(self) -> list[str]:
        """The criteria used, in words, for the trace: never their values."""
        used = ["nom", "prénom", "sexe"]
        if self.birth:
            used.append(self.birth.precision.value)
        if self.has_age:
            used.append("âge" if self.age_min == self.age_max else "intervalle d'âge")
        if self.department:
            used.append("département de naissance")
        return used


@dataclass(frozen=True)
class Match:
    patient: Patient
    relevance: int  # percent
    age: int  # on the day of the search


@dataclass(frozen=True)
class SearchResult:
    """Either the matches, best first, or `too_many` (and then no list at all)."""

    matches: list[Match]
    too_many: bool = False


# Parsing ---------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if year < FIRST_BIRTH_YEAR:
        raise forms.ValidationError(
            "L'année de naissance doit être postérieure à %(first)s.",
            code="birth_year",
            params={"first": FIRST_BIRTH_YEAR},
        )


def parse_birth(text: str) -> BirthSpan:
    """ "14/07/1985" is that day; "1985" is the whole year. Raise a French ValidationError otherwise."""
    text = text.strip()
    if _YEAR.match(text):
        year = int(text)
        _check_year(year)
        return BirthSpan(date(year, 1, 1), date(year, 12, 31), Precision.YEAR)
    found = _DAY_MONTH_YEAR.match(text)
    if not found:
        raise forms.ValidationError(DATE_FORMAT_MESSAGE, code="birth_format")
    day, month, year = (int(part) for part in found.groups())
    _check_year(year)
    try:
        day_date = date(year, month, day)
    except ValueError:
        raise forms.ValidationError(
            "Cette date n'existe pas : %(value)s.", code="birth_invalid", params={"value": text}
        ) from None
    return BirthSpan(day_date, day_date, Precision.DATE)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_to_birth_span(
    age_min: int | None, age_max: int | None, *, today: date
) -> tuple[date | None, date | None]:
    """Birth dates (lower exclusive, upper inclusive) of people aged age_min..age_max today.

    Aged at least A <=> born on or before `today` minus A years; aged at most B <=> born strictly
    after `today` minus B + 1 years (the same rule as Patient.age()).
    """
    born_after = years_before(today, age_max + 1) if age_max is not None else None
    born_on_or_before = years_before(today, age_min) if age_min is not None else None
    return born_after, born_on_or_before


# The form ----------------------------------------------------------------------------------


def _text(
    label: str, *, required_message: str = "", max_length: int = 100, too_long: str = "", **attrs: str
) -> forms.CharField:
    messages = {"required": required_message} | ({"max_length": too_long} if too_long else {})
    return forms.CharField(
        label=label,
        required=bool(required_message),
        max_length=max_length,
        error_messages=messages,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def _birth(label: str, **attrs: str) -> forms.CharField:
    return _text(label, max_length=10, too_long=DATE_FORMAT_MESSAGE, inputmode="numeric", **attrs)


def _age(label: str, **attrs: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "invalid": "Saisissez un âge en années (nombre entier).",
            "min_value": "L'âge ne peut pas être négatif.",
            "max_value": f"L'âge ne peut pas dépasser {MAX_AGE} ans.",
        },
        widget=forms.NumberInput(attrs=attrs),
    )


def _identity_layout() -> FormHelper:
    """The slide's grid: the three required criteria, then birth, then age and department."""
    helper = FormHelper()
    helper.form_tag = False  # the template owns the <form>, its CSRF token and its three buttons
    helper.disable_csrf = True
    helper.layout = Layout(
        Row(Column("name", css_class="col-md-5"), Column("first_name", css_class="col-md-4"), Column("sex")),
        Row(Column("birth", css_class="col-md-6"), Column("birth_from"), Column("birth_to")),
        Row(Column("age"), Column("age_min"), Column("age_max"), Column("department", css_class="col-md-4")),
    )
    return helper


class IdentitySearchForm(forms.Form):
    """ "Rechercher un patient": the slide's fields, checked with French messages."""

    name = _text(
        "Nom (d'usage ou de naissance)", required_message="Renseignez le nom (d'usage ou de naissance)."
    )
    first_name = _text("Prénom", required_message="Renseignez le prénom.")
    sex = forms.ChoiceField(
        label="Sexe",
        choices=[("", "—"), *Sex.choices],
        error_messages={
            "required": "Renseignez le sexe.",
            "invalid_choice": "Choisissez Féminin ou Masculin.",
        },
    )
    birth = _birth("Date ou année de naissance (JJ/MM/AAAA ou AAAA)")
    # The accessible names keep the visible "ou entre" / "et" and say what the range is about.
    birth_from = _birth("ou entre", **{"aria-label": "ou entre (date ou année de naissance)"})
    birth_to = _birth("et", **{"aria-label": "et (date ou année de naissance)"})
    age = _age("Age")
    age_min = _age("ou entre", **{"aria-label": "ou entre (âge)"})
    age_max = _age("et", **{"aria-label": "et (âge)"})
    department = _text("Département de naissance", max_length=3, too_long=DEPARTMENT_MESSAGE)

    def __init__(self, *args: object, today: date | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today or timezone.localdate()
        self.helper = _identity_layout()

    def _clean_key(self, field: str, message: str) -> str:
        value = self.cleaned_data[field]
        if not search_key(value):
            raise forms.ValidationError(message, code="empty")
        return value

    def clean_name(self) -> str:
        return self._clean_key("name", "Renseignez le nom (d'usage ou de naissance).")

    def clean_first_name(self) -> str:
        return self._clean_key("first_name", "Renseignez le prénom.")

    def _clean_birth(self, field: str) -> BirthSpan | None:
        value = self.cleaned_data[field]
        if not value:
            return None
        span = parse_birth(value)
        if span.start and span.start > self.today:
            raise forms.ValidationError(
                "La naissance ne peut pas être postérieure à aujourd'hui.", code="future"
            )
        return span

    def clean_birth(self) -> BirthSpan | None:
        return self._clean_birth("birth")

    def clean_birth_from(self) -> BirthSpan | None:
        return self._clean_birth("birth_from")

    def clean_birth_to(self) -> BirthSpan | None:
        return self._clean_birth("birth_to")

    def clean_department(self) -> str:
        value = self.cleaned_data["department"].strip().upper()
        if value and not _DEPARTMENT.match(value):
            raise forms.ValidationError(DEPARTMENT_MESSAGE, code="department")
        return value

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self._check_birth_range(cleaned)
        self._check_age_range(cleaned)
        return cleaned

    def _check_birth_range(self, cleaned: dict) -> None:
        start, end = cleaned.get("birth_from"), cleaned.get("birth_to")
        if cleaned.get("birth") and (start or end):
            self.add_error(
                "birth",
                "Indiquez soit une date ou année de naissance, soit un intervalle « entre … et … », pas les deux.",
            )
        elif start and end and start.start > end.end:
            self.add_error("birth_to", "La fin de l'intervalle de naissance doit suivre son début.")

    def _check_age_range(self, cleaned: dict) -> None:
        low, high = cleaned.get("age_min"), cleaned.get("age_max")
        if cleaned.get("age") is not None and (low is not None or high is not None):
            self.add_error("age", "Indiquez soit un âge, soit un intervalle « entre … et … », pas les deux.")
        elif low is not None and high is not None and low > high:
            self.add_error(
                "age_max", "La fin de l'intervalle d'âge doit être supérieure ou égale à son début."
            )

    def criteria(self) -> SearchCriteria:
        """The valid form as search criteria (call after is_valid())."""
        data = self.cleaned_data
        birth = data["birth"]
        if birth is None and (data["birth_from"] or data["birth_to"]):
            start, end = data["birth_from"], data["birth_to"]
            birth = BirthSpan(start.start if start else None, end.end if end else None, Precision.RANGE)
        age_min, age_max = (
            (data["age"], data["age"]) if data["age"] is not None else (data["age_min"], data["age_max"])
        )
        return SearchCriteria(
            name=data["name"],
            first_name=data["first_name"],
            sex=data["sex"],
            birth=birth,
            age_min=age_min,
            age_max=age_max,
            department=data["department"],
        )


class INSSearchForm(forms.Form):
    """ "Accès par matricule INS": one field, the matricule with its key checked."""

    ins = forms.CharField(
        label="Identifiant",
        max_length=25,  # room for the spaces people type between the groups
        error_messages={"required": "Saisissez le matricule INS du patient (15 caractères)."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_ins(self) -> str:
        value = normalize_ins(self.cleaned_data["ins"])
        validate_ins(value)
        return value


# The query ---------------------------------------------------------------------------------


def _first_name_filter(key: str) -> Q:
    """`key` is one of the patient's first names, as whole words (first_names_key is space-separated)."""
    return (
        Q(first_names_key=key)
        | Q(first_names_key__startswith=f"{key} ")
        | Q(first_names_key__endswith=f" {key}")
        | Q(first_names_key__contains=f" {key} ")
    )


def _birth_filter(criteria: SearchCriteria, *, today: date) -> Q:
    """Birth-date bounds from the birth criterion and the age criterion (both apply if given).

    An exact date searches its whole year: a slip in the day or month still finds the patient,
    with fewer points (see `relevance()`), as long as the year's homonyms fit in the list
    (`search_patients()` then keeps the exact date only).
    """
    condition = Q()
    if criteria.birth:
        if criteria.birth.precision is Precision.DATE:
            year = criteria.birth.start.year  # type: ignore[union-attr]
            condition &= Q(birth_date__year=year)
        else:
            if criteria.birth.start:
                condition &= Q(birth_date__gte=criteria.birth.start)
            if criteria.birth.end:
                condition &= Q(birth_date__lte=criteria.birth.end)
    if criteria.has_age:
        born_after, born_on_or_before = age_to_birth_span(criteria.age_min, criteria.age_max, today=today)
        if born_after:
            condition &= Q(birth_date__gt=born_after)
        if born_on_or_before:
            condition &= Q(birth_date__lte=born_on_or_before)
    return condition


def candidates(
    criteria: SearchCriteria, *, today: date, within: QuerySet[Patient] | None = None
) -> QuerySet[Patient]:
    """The patients matching every criterion given.

    The name key and the sex reach the rows through the (birth_name_key, sex) and
    (usual_name_key, sex) indexes; first name, birth and department filter only those rows,
    so the table is never scanned.
    """
    queryset = (
        _base(within)
        .matching_name(criteria.name)
        .filter(
            _first_name_filter(search_key(criteria.first_name)),
            _birth_filter(criteria, today=today),
            sex=criteria.sex,
        )
    )
    if criteria.department:
        queryset = queryset.filter(birth_place_cog__startswith=criteria.department)
    if exact := _exact_birth_date(criteria):
        # The exact date's patients first, so that the first MAX_RESULTS + 1 rows hold them all
        # whenever they fit in the list (see `search_patients()`).
        return queryset.order_by(Case(When(birth_date=exact, then=0), default=1))
    return queryset.order_by()  # ranked in Python: at most MAX_RESULTS rows


def _exact_birth_date(criteria: SearchCriteria) -> date | None:
    """The birth date typed as JJ/MM/AAAA, if it was."""
    if criteria.birth and criteria.birth.precision is Precision.DATE:
        return criteria.birth.start
    return None


def _birth_points(criteria: SearchCriteria, patient: Patient) -> int:
    if (
        criteria.birth
        and criteria.birth.precision is Precision.DATE
        and patient.birth_date == criteria.birth.start
    ):
        return BIRTH_DATE_POINTS
    if criteria.birth and criteria.birth.precision in (Precision.DATE, Precision.YEAR):
        return BIRTH_YEAR_POINTS
    if criteria.birth or criteria.has_age:
        return BIRTH_SPAN_POINTS
    return 0


def relevance(criteria: SearchCriteria, patient: Patient) -> int:
    """How well `patient` matches, in percent: the points of the criteria it meets, out of 100.

    name (birth or usage) 35 · first name 30 · sex 10 · birth 15 · birth department 10.
    The three required criteria alone give 75 % (the slide's "75% LE QUINIO PIERRE").
    Partial credit:
    - first name: 30 when it is the premier prénom, 20 when it is only one of the other
      birth first names;
    - birth: 15 for the exact date, 10 for the year (a year was typed, or a date whose
      day or month differs), 8 for a date within a range or an age range.
    A criterion not given adds nothing. `patient` is assumed to come from `candidates()`.
    """
    points = NAME_POINTS + SEX_POINTS
    first_name_exact = search_key(patient.first_name) == search_key(criteria.first_name)
    points += FIRST_NAME_POINTS if first_name_exact else OTHER_FIRST_NAME_POINTS
    points += _birth_points(criteria, patient)
    if criteria.department:
        points += DEPARTMENT_POINTS
    return points


def search_patients(
    criteria: SearchCriteria, *, today: date, within: QuerySet[Patient] | None = None
) -> SearchResult:
    """Patients matching `criteria`, best first then by name; `too_many` past MAX_RESULTS.

    An exact birth date narrows: when its year gives more than MAX_RESULTS homonyms, only the
    patients born that very day are kept (21 MARTIN MARIE born in January 1980: 05/01/1980
    finds the one born that day), and `too_many` only if they are still too many.
    One query, fetching at most MAX_RESULTS + 1 rows whatever the number of homonyms.
    """
    patients = list(candidates(criteria, today=today, within=within)[: MAX_RESULTS + 1])
    if len(patients) > MAX_RESULTS and (exact := _exact_birth_date(criteria)):
        # candidates() put that day's patients first: if they fit, they are all in these rows.
        patients = [patient for patient in patients if patient.birth_date == exact]
    if len(patients) > MAX_RESULTS:
        return SearchResult(matches=[], too_many=True)
    matches = [Match(patient, relevance(criteria, patient), patient.age(today)) for patient in patients]
    matches.sort(
        key=lambda m: (-m.relevance, m.patient.birth_name_key, m.patient.first_names_key, m.patient.pk)
    )
    return SearchResult(matches=matches)


def find_by_ins(ins: str, *, within: QuerySet[Patient] | None = None) -> Patient | None:
    """The patient with this matricule (normalized: spaces and dots removed), if any (unique index)."""
    return _base(within).filter(ins=normalize_ins(ins)).first()


def _base(within: QuerySet[Patient] | None) -> QuerySet[Patient]:
    """The patients searched: `within` (the searcher's scope, patients.scope), else the portal's
    own, never a workshop sandbox's."""
    return within if within is not None else Patient.objects.filter(sandbox__isnull=True)


# Searches with their trace --------------------------------------------------------------


VITALE_SEARCH_DETAILS = "carte Vitale"
IDENTITY_SEARCH_DETAILS = "Recherche par critères d'identité"
NO_RESULT = "0 résultat(s)"


def _trace_search(professional: User, details: str, request: HttpRequest | None) -> None:
    """A search is traced on the professional's own chain: how they searched and what came of it,
    never the patient found nor the values typed."""
    record(actor=professional, action=Action.PATIENT_SEARCHED, details=details, request=request)


@transaction.atomic
def identity_search(
    *, professional: User, criteria: SearchCriteria, today: date, request: HttpRequest | None = None
) -> SearchResult:
    """Run the identity search and trace it in the same transaction: which criteria, how many found."""
    result = search_patients(criteria, today=today, within=scope_for(professional))
    outcome = f"plus de {MAX_RESULTS} résultats" if result.too_many else f"{len(result.matches)} résultat(s)"
    _trace_search(
        professional,
        f"{IDENTITY_SEARCH_DETAILS} ({', '.join(criteria.labels())}) : {outcome}",
        request,
    )
    return result


@transaction.atomic
def ins_search(*, professional: User, ins: str, request: HttpRequest | None = None) -> Patient | None:
    """Look the matricule up and trace it in the same transaction (the matricule itself is not written)."""
    patient = find_by_ins(ins, within=scope_for(professional))
    _trace_search(
        professional, f"Recherche par matricule INS : {'DMP trouvé' if patient else 'aucun DMP'}", request
    )
    return patient


@transaction.atomic
def vitale_search(*, professional: User, request: HttpRequest | None = None) -> None:
    """A person chosen on a Carte Vitale in the reader: traced like the other searches."""
    _trace_search(professional, VITALE_SEARCH_DETAILS, request)
