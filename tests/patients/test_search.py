"""Rechercher un patient (identity criteria) and Accès par matricule INS: patients/search.py and
patients/search_views.py."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from patients.ins import with_key
from patients.models import Patient
from patients.scope import scope_for
from patients.search import (
    DATE_FORMAT_MESSAGE,
    DEPARTMENT_MESSAGE,
    INS_NOT_FOUND_MESSAGE,
    MAX_RESULTS,
    NO_RESULT_MESSAGE,
    TOO_MANY_MESSAGE,
    IdentitySearchForm,
    SearchCriteria,
    age_to_birth_span,
    candidates,
    find_by_ins,
    search_patients,
)
from tests.factories import PatientFactory, PhysicianFactory
from tests.helpers import text

TODAY = date(2026, 3, 15)
SEARCH_URL = reverse("patients:search")
INS_URL = reverse("patients:search_ins")


def le_quinio(**kwargs) -> object:
    """The slide's patient: M. LE QUINIO PIERRE."""
    values = {
        "birth_name": "LE QUINIO",
        "first_name": "Pierre",
        "birth_first_names": "Pierre Marie Yves",
        "sex": "M",
        "birth_date": date(1980, 5, 17),
        "birth_place_cog": "29019",
    }
    return PatientFactory(**(values | kwargs))


def criteria(
    name: str = "LE QUINIO", first_name: str = "Pierre", sex: str = "M", **fields: str
) -> SearchCriteria:
    """Criteria as the form makes them from what a professional types."""
    form = IdentitySearchForm({"name": name, "first_name": first_name, "sex": sex, **fields}, today=TODAY)
    assert form.is_valid(), form.errors
    return form.criteria()


def found(*args, **kwargs) -> list:
    return [match.patient for match in search_patients(criteria(*args, **kwargs), today=TODAY).matches]


def form_errors(**fields: str) -> dict:
    data = {"name": "Le Quinio", "first_name": "Pierre", "sex": "M"} | fields
    form = IdentitySearchForm(data, today=TODAY)
    assert not form.is_valid()
    return form.errors


# Names: what a professional types never has to match the spelling exactly ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["LE QUINIO", "le-quinio", "Lé Quinio", "LE  QUINIO", " le quinio ", "Le\u2019Quinio"]
)
def test_accents_hyphens_apostrophes_spaces_and_case_do_not_matter(typed):
    patient = le_quinio()
    assert found(typed, "  pièrre ") == [patient]


@pytest.mark.django_db
def test_the_usage_name_finds_the_patient_too():
    patient = le_quinio(birth_name="MARTIN", usual_name="Le Quinio")
    assert found("le quinio") == [patient]
    assert found("Martin") == [patient]


@pytest.mark.django_db
def test_the_name_must_be_the_whole_name_and_the_sex_must_match():
    le_quinio()
    assert found("QUINIO") == []
    assert found(sex="F") == []


@pytest.mark.django_db
def test_any_birth_first_name_finds_the_patient_but_only_as_a_whole_word():
    patient = le_quinio()
    assert found(first_name="yves") == [patient]
    assert found(first_name="Marie") == [patient]
    assert found(first_name="Pier") == []
    assert found(first_name="Paul") == []


@pytest.mark.django_db
def test_a_composite_first_name_is_found_with_or_without_its_hyphen():
    patient = le_quinio(first_name="Jean-Pierre", birth_first_names="Jean-Pierre Louis")
    assert found(first_name="jean pierre") == [patient]
    assert found(first_name="JEAN-PIERRE") == [patient]


# Birth date, year, range; age, age range; department ------------------------------------------


@pytest.mark.django_db
def test_an_exact_date_finds_the_patient_and_ranks_same_year_homonyms_below():
    exact = le_quinio(birth_date=date(1980, 5, 17))
    same_year = le_quinio(birth_date=date(1980, 11, 2))
    le_quinio(birth_date=date(1981, 5, 17))
    result = search_patients(criteria(birth="17/05/1980"), today=TODAY)
    assert [(m.patient, m.relevance) for m in result.matches] == [(exact, 90), (same_year, 85)]


@pytest.mark.django_db
def test_a_year_finds_every_patient_born_that_year():
    january, december = le_quinio(birth_date=date(1980, 1, 1)), le_quinio(birth_date=date(1980, 12, 31))
    le_quinio(birth_date=date(1979, 12, 31))
    assert set(found(birth="1980")) == {january, december}


@pytest.mark.django_db
def test_a_birth_range_includes_its_bounds_and_years_count_whole():
    first, last = le_quinio(birth_date=date(1975, 1, 1)), le_quinio(birth_date=date(1980, 6, 30))
    before, after = le_quinio(birth_date=date(1974, 12, 31)), le_quinio(birth_date=date(1980, 7, 1))
    assert set(found(birth_from="1975", birth_to="30/06/1980")) == {first, last}
    assert set(found(birth_from="01/01/1975")) == {first, last, after}
    assert set(found(birth_to="1975")) == {before, first}


@pytest.mark.django_db
def test_an_age_is_counted_to_the_birthday():
    # On 15/03/2026: born 15/03/1980 is 46 today; born 16/03/1980 is still 45.
    forty_six, forty_five = le_quinio(birth_date=date(1980, 3, 15)), le_quinio(birth_date=date(1980, 3, 16))
    le_quinio(birth_date=date(1979, 3, 15))  # 47
    assert found(age="46") == [forty_six]
    assert found(age="45") == [forty_five]
    matches = search_patients(criteria(age="45"), today=TODAY).matches
    assert [(m.age, m.relevance) for m in matches] == [(45, 83)]


@pytest.mark.django_db
def test_an_age_range_includes_both_ages():
    ages = {age: le_quinio(birth_date=date(2026 - age, 1, 10)) for age in (29, 30, 35, 40, 41)}
    assert set(found(age_min="30", age_max="40")) == {ages[30], ages[35], ages[40]}
    assert set(found(age_min="40")) == {ages[40], ages[41]}
    assert set(found(age_max="30")) == {ages[29], ages[30]}


def test_age_bounds_handle_29_february():
    born_after, born_on_or_before = age_to_birth_span(1, 1, today=date(2024, 2, 29))
    assert (born_after, born_on_or_before) == (date(2022, 2, 28), date(2023, 2, 28))


@pytest.mark.django_db
def test_the_birth_department_filters_on_the_birth_place_code():
    finistere = le_quinio(birth_place_cog="29019")
    ajaccio = le_quinio(birth_place_cog="2A004")
    guadeloupe = le_quinio(birth_place_cog="97105")
    assert found(department="29") == [finistere]
    assert found(department="2a") == [ajaccio]
    assert found(department="971") == [guadeloupe]
    assert found(department="67") == []


# Relevance ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_three_required_criteria_alone_give_75_percent_as_on_the_slide():
    le_quinio()
    assert [m.relevance for m in search_patients(criteria(), today=TODAY).matches] == [75]


@pytest.mark.django_db
def test_relevance_adds_points_for_each_criterion_given():
    le_quinio()
    every = criteria(first_name="Pierre", birth="17/05/1980", department="29")
    assert [m.relevance for m in search_patients(every, today=TODAY).matches] == [100]
    other_first_name = criteria(first_name="Yves", birth="1980")
    assert [m.relevance for m in search_patients(other_first_name, today=TODAY).matches] == [
        35 + 20 + 10 + 10
    ]
    in_range = criteria(birth_from="1970", birth_to="1990")
    assert [m.relevance for m in search_patients(in_range, today=TODAY).matches] == [83]


@pytest.mark.django_db
def test_results_are_ranked_by_relevance_then_by_name():
    premier = le_quinio(first_name="Pierre", birth_first_names="Pierre")
    by_usage_b = le_quinio(birth_name="BERNARD", usual_name="LE QUINIO", first_name="Pierre")
    by_usage_a = le_quinio(birth_name="ARNAUD", usual_name="LE QUINIO", first_name="Pierre")
    second = le_quinio(first_name="Alain", birth_first_names="Alain Pierre")
    assert found() == [by_usage_a, by_usage_b, premier, second]


# Too many --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_more_than_max_results_homonyms_gives_too_many_and_no_list():
    for _ in range(MAX_RESULTS + 1):
        le_quinio()
    result = search_patients(criteria(), today=TODAY)
    assert result.too_many
    assert result.matches == []


def january_1980_homonyms(count: int = MAX_RESULTS + 1) -> list:
    """`count` LE QUINIO PIERRE born on 1, 2, 3 ... January 1980."""
    return [le_quinio(birth_date=date(1980, 1, day)) for day in range(1, count + 1)]


@pytest.mark.django_db
def test_an_exact_date_narrows_a_year_of_too_many_homonyms_to_that_day():
    homonyms = january_1980_homonyms()
    assert search_patients(criteria(birth="1980"), today=TODAY).too_many

    result = search_patients(criteria(birth="05/01/1980"), today=TODAY)

    assert not result.too_many
    assert [(m.patient, m.relevance) for m in result.matches] == [(homonyms[4], 90)]


@pytest.mark.django_db
def test_an_exact_date_no_homonym_was_born_on_finds_nobody_among_too_many():
    january_1980_homonyms()

    result = search_patients(criteria(birth="05/02/1980"), today=TODAY)

    assert (result.too_many, result.matches) == (False, [])


@pytest.mark.django_db
def test_too_many_homonyms_born_the_same_day_are_still_too_many():
    for _ in range(MAX_RESULTS + 1):
        le_quinio(birth_date=date(1980, 1, 5))
    le_quinio(birth_date=date(1980, 6, 1))

    assert search_patients(criteria(birth="05/01/1980"), today=TODAY).too_many


@pytest.mark.django_db
def test_max_results_homonyms_born_the_exact_day_are_all_listed_among_more_that_year():
    same_day = [le_quinio(birth_date=date(1980, 1, 5)) for _ in range(MAX_RESULTS)]
    le_quinio(birth_date=date(1980, 6, 1))

    result = search_patients(criteria(birth="05/01/1980"), today=TODAY)

    assert {m.patient for m in result.matches} == set(same_day)
    assert {m.relevance for m in result.matches} == {90}


@pytest.mark.django_db
def test_max_results_homonyms_are_all_listed():
    for _ in range(MAX_RESULTS):
        le_quinio()
    result = search_patients(criteria(), today=TODAY)
    assert not result.too_many
    assert len(result.matches) == MAX_RESULTS


# Cost: one query, index-backed ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_search_is_one_query_whatever_the_number_of_homonyms(django_assert_num_queries):
    for _ in range(MAX_RESULTS):
        le_quinio()
    with django_assert_num_queries(1):
        search_patients(criteria(first_name="Yves", birth="1980", age_min="20", department="29"), today=TODAY)


BIRTH_CRITERIA = [{"birth": "1980"}, {"birth": "17/05/1980"}, {"birth_from": "1975", "age_max": "50"}]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan wording")
@pytest.mark.parametrize("birth", BIRTH_CRITERIA)
def test_the_search_reaches_rows_through_the_name_indexes_not_a_table_scan(birth):
    le_quinio()
    plan = candidates(criteria(department="29", **birth), today=TODAY).explain()
    assert "patients_birth_name_idx" in plan
    assert "patients_usual_name_idx" in plan
    assert "SCAN patients_patient" not in plan.replace("USING INDEX", "")


def _other_patients(count: int) -> None:
    """`count` patients of other names, and fresh statistics: the planner then costs a real table."""
    Patient.objects.bulk_create(
        Patient(
            ins=f"{number:015d}",
            birth_name=f"AUTRE{number}",
            birth_name_key=f"AUTRE{number}",
            usual_name_key=f"USAGE{number % 50}" if number % 3 else "",
            first_name="Jean",
            birth_first_names="Jean",
            first_names_key="JEAN",
            sex="MF"[number % 2],
            birth_date=date(1930 + number % 80, 1 + number % 12, 1 + number % 28),
            birth_place_cog="67482",
        )
        for number in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_patient")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plan wording")
@pytest.mark.parametrize("birth", BIRTH_CRITERIA)
def test_on_postgresql_the_search_reads_both_name_indexes_not_the_whole_table(birth):
    le_quinio()
    _other_patients(2000)

    plan = candidates(criteria(department="29", **birth), today=TODAY).explain()

    assert "Bitmap Index Scan on patients_birth_name_idx" in plan
    assert "Index Cond: (((birth_name_key)::text = 'LE QUINIO'::text) AND ((sex)::text = 'M'::text))" in plan
    assert "Bitmap Index Scan on patients_usual_name_idx" in plan
    assert "Seq Scan" not in plan


@pytest.mark.django_db
def test_the_ins_lookup_within_a_professionals_scope_reads_an_index_not_the_table():
    """The scope (the portal's patients, or a trainee's sandbox) is an OR that neither partial
    unique index on the INS serves: the lookup must still reach its row through an index."""
    _other_patients(2000)
    wanted = le_quinio()

    found = find_by_ins(wanted.ins, within=scope_for(PhysicianFactory()))
    plan = scope_for(PhysicianFactory()).filter(ins=wanted.ins).explain()

    assert found == wanted
    if connection.vendor == "sqlite":
        assert "USING INDEX patients_ins_idx" in plan, plan
    else:
        assert "Seq Scan on patients_patient" not in plan, plan


# The form's messages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("name", "Renseignez le nom (d'usage ou de naissance)."),
        ("first_name", "Renseignez le prénom."),
        ("sex", "Renseignez le sexe."),
    ],
)
def test_each_required_criterion_has_its_message(missing, message):
    assert form_errors(**{missing: ""})[missing] == [message]


def test_a_name_of_punctuation_only_is_missing():
    assert form_errors(name=" - ' ")["name"] == ["Renseignez le nom (d'usage ou de naissance)."]


@pytest.mark.parametrize("typed", ["17-05", "1980/05/17", "dix-sept mai", "80", "17/05/80"])
def test_an_unparseable_birth_date_is_refused(typed):
    assert form_errors(birth=typed)["birth"] == [DATE_FORMAT_MESSAGE]


def test_a_date_that_does_not_exist_is_refused():
    assert form_errors(birth="31/02/1980")["birth"] == ["Cette date n'existe pas : 31/02/1980."]


@pytest.mark.parametrize("typed", ["0000", "1849", "01/01/0000"])
def test_a_birth_year_before_1850_is_refused(typed):
    assert form_errors(birth=typed)["birth"] == ["L'année de naissance doit être postérieure à 1850."]


def test_a_birth_in_the_future_is_refused():
    assert form_errors(birth="2027")["birth"] == ["La naissance ne peut pas être postérieure à aujourd'hui."]


def test_a_birth_range_must_start_before_it_ends():
    errors = form_errors(birth_from="1990", birth_to="01/01/1980")
    assert errors["birth_to"] == ["La fin de l'intervalle de naissance doit suivre son début."]


def test_a_birth_date_and_a_birth_range_cannot_be_both_given():
    errors = form_errors(birth="1980", birth_from="1975")
    assert "pas les deux" in errors["birth"][0]


def test_a_negative_age_is_refused():
    assert form_errors(age="-1")["age"] == ["L'âge ne peut pas être négatif."]
    assert form_errors(age_min="-3")["age_min"] == ["L'âge ne peut pas être négatif."]


def test_an_age_range_must_be_in_order_and_not_given_with_an_age():
    assert "supérieure ou égale" in form_errors(age_min="50", age_max="40")["age_max"][0]
    assert "pas les deux" in form_errors(age="45", age_max="50")["age"][0]


def test_an_age_is_a_whole_number():
    assert form_errors(age="quarante")["age"] == ["Saisissez un âge en années (nombre entier)."]


@pytest.mark.parametrize("typed", ["7", "2C", "97", "96", "979", "100", "00"])
def test_an_unknown_department_format_is_refused(typed):
    assert form_errors(department=typed)["department"] == [DEPARTMENT_MESSAGE]


@pytest.mark.parametrize(
    ("typed", "kept"), [("01", "01"), ("2a", "2A"), ("2B", "2B"), ("974", "974"), ("99", "99")]
)
def test_valid_departments_are_kept_upper_case(typed, kept):
    form = IdentitySearchForm({"name": "X", "first_name": "Y", "sex": "F", "department": typed}, today=TODAY)
    assert form.is_valid(), form.errors
    assert form.criteria().department == kept


# The pages ----------------------------------------------------------------------------------------


def post_search(client, **fields: str):
    return client.post(SEARCH_URL, {"name": "le quinio", "first_name": "Pierre", "sex": "M"} | fields)


@pytest.mark.django_db
def test_the_search_page_shows_the_slide_s_criteria_and_buttons(alice_client):
    page = text(alice_client.get(SEARCH_URL))
    assert (
        "Cet accès permet de retrouver le DMP d'un patient sans sa carte Vitale, par exemple en cas d'urgence."
        in page
    )
    assert "« Nom (d'usage ou de naissance) », « Prénom » et « Sexe »" in page
    assert "Attention, vérifiez bien l'identité du patient avant d'accéder à son dossier." in page
    for label in ["Nom (d'usage ou de naissance)", "Prénom", "Sexe", "Féminin", "Masculin",
                  "Date ou année de naissance (JJ/MM/AAAA ou AAAA)", "ou entre", "Age",
                  "Département de naissance", "Rechercher", "Effacer les critères", "Retour"]:  # fmt: skip
        assert label in page
    assert reverse("patients:my_patients") in page
    assert "Patients correspondant aux critères" not in page


@pytest.mark.django_db
def test_a_search_lists_the_patients_each_linked_to_their_dmp_entry(alice_client):
    patient = le_quinio(usual_name="Le Quinio", birth_date=date(1980, 5, 17))
    response = post_search(alice_client)
    page = text(response)
    assert response.status_code == 200
    assert "Patients correspondant aux critères (1/1)" in page
    for heading in ["Pertinence", "Nom de naissance", "Prénom", "Nom d'usage", "Né(e) le", "Âge", "INS"]:
        assert heading in page
    assert "75%" in page
    assert "17/05/1980" in page
    assert f"{patient.age(timezone.localdate())} ans" in page
    assert patient.ins in page
    assert f'href="{reverse("patients:open", args=[patient.code])}"' in page


@pytest.mark.django_db
def test_a_search_keeps_the_criteria_in_the_form(alice_client):
    le_quinio()
    page = text(post_search(alice_client, department="29"))
    assert 'value="le quinio"' in page
    assert 'value="29"' in page


@pytest.mark.django_db
def test_no_match_says_so(alice_client):
    page = text(post_search(alice_client))
    assert NO_RESULT_MESSAGE in page
    assert "<table" not in page


@pytest.mark.django_db
def test_too_many_matches_ask_to_refine_and_show_no_list(alice_client):
    for _ in range(MAX_RESULTS + 1):
        le_quinio()
    page = text(post_search(alice_client))
    assert TOO_MANY_MESSAGE in page
    assert "<table" not in page
    assert "LE QUINIO</a>" not in page


@pytest.mark.django_db
def test_the_exact_birth_date_finds_the_one_patient_where_the_name_alone_is_too_many(alice_client):
    homonyms = january_1980_homonyms()
    assert TOO_MANY_MESSAGE in text(post_search(alice_client))

    page = text(post_search(alice_client, birth="05/01/1980"))

    assert TOO_MANY_MESSAGE not in page
    assert "Patients correspondant aux critères (1/1)" in page
    assert homonyms[4].ins in page and "05/01/1980" in page and "90%" in page


@pytest.mark.django_db
def test_an_age_range_search_through_the_page(alice_client):
    today = timezone.localdate()
    le_quinio(birth_date=date(today.year - 41, 1, 1))  # 41 since 1 January
    le_quinio(birth_date=date(today.year - 60, 1, 1))
    page = text(post_search(alice_client, age_min="40", age_max="42"))
    assert "Patients correspondant aux critères (1/1)" in page
    assert "41 ans" in page
    assert "83%" in page


@pytest.mark.django_db
def test_bad_criteria_are_shown_back_in_french_and_nothing_is_searched(alice_client):
    response = post_search(alice_client, sex="", birth="17/05/80", department="2C")
    page = text(response)
    assert "Renseignez le sexe." in page
    assert DATE_FORMAT_MESSAGE in page
    assert DEPARTMENT_MESSAGE in page
    assert "Patients correspondant aux critères" not in page
    assert not Trace.objects.exists()


@pytest.mark.django_db
def test_each_search_writes_exactly_one_trace_without_patient_data(alice_client, alice):
    le_quinio()
    post_search(alice_client, birth="1980", department="29")
    trace = Trace.objects.get()
    assert trace.action == Action.PATIENT_SEARCHED
    assert trace.actor == alice
    assert trace.patient is None
    assert "critères d'identité" in trace.details
    assert "année de naissance" in trace.details
    assert "département de naissance" in trace.details
    assert "QUINIO" not in trace.details.upper()
    assert "1980" not in trace.details
    post_search(alice_client)
    assert Trace.objects.count() == 2


@pytest.mark.django_db
def test_an_empty_search_is_traced_too(alice_client):
    post_search(alice_client)
    assert Trace.objects.get().action == Action.PATIENT_SEARCHED


@pytest.mark.django_db
def test_the_search_page_s_queries_do_not_grow_with_the_matches(alice_client, django_assert_max_num_queries):
    le_quinio()
    with CaptureQueriesContext(connection) as one_match:
        post_search(alice_client)
    for _ in range(MAX_RESULTS - 1):
        le_quinio()
    with django_assert_max_num_queries(len(one_match.captured_queries)):
        page = text(post_search(alice_client))
    assert f"Patients correspondant aux critères ({MAX_RESULTS}/{MAX_RESULTS})" in page


@pytest.mark.django_db
def test_the_search_page_is_never_cached(alice_client):
    assert "no-store" in alice_client.get(SEARCH_URL)["Cache-Control"]


# Accès par matricule INS -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_known_ins_opens_the_patient_s_dmp_entry(alice_client):
    patient = le_quinio(ins=with_key("1800529019123"))
    response = alice_client.post(INS_URL, {"ins": patient.ins})
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:open", args=[patient.code])


@pytest.mark.django_db
def test_an_ins_typed_with_spaces_is_found(alice_client):
    patient = le_quinio(ins=with_key("1800529019123"))
    typed = f"1 80 05 29 019 123 {patient.ins[13:]}"
    assert alice_client.post(INS_URL, {"ins": typed})["Location"] == reverse(
        "patients:open", args=[patient.code]
    )


@pytest.mark.django_db
def test_an_ins_with_a_wrong_key_is_refused_in_french(alice_client):
    good = with_key("1800529019123")
    wrong = good[:13] + f"{(int(good[13:]) % 97) + 1:02d}"
    response = alice_client.post(INS_URL, {"ins": wrong})
    assert response.status_code == 200
    assert "La clé du matricule INS est incorrecte : vérifiez sa saisie." in text(response)
    assert not Trace.objects.exists()


@pytest.mark.django_db
def test_an_ins_of_the_wrong_shape_is_refused_in_french(alice_client):
    page = text(alice_client.post(INS_URL, {"ins": "12345"}))
    assert "Le matricule INS compte 15 caractères" in page


@pytest.mark.django_db
def test_an_empty_ins_is_refused_in_french(alice_client):
    page = text(alice_client.post(INS_URL, {"ins": ""}))
    assert "Saisissez le matricule INS du patient (15 caractères)." in page


@pytest.mark.django_db
def test_an_unknown_ins_says_no_dmp_matches(alice_client):
    response = alice_client.post(INS_URL, {"ins": with_key("2991299999999")})
    assert response.status_code == 200
    page = text(response)
    assert INS_NOT_FOUND_MESSAGE in page
    assert "Accès par matricule INS" in page


@pytest.mark.django_db
@pytest.mark.parametrize("known", [True, False])
def test_each_ins_search_writes_one_trace_without_the_matricule(alice_client, alice, known):
    ins = with_key("1800529019123")
    if known:
        le_quinio(ins=ins)
    alice_client.post(INS_URL, {"ins": ins})
    trace = Trace.objects.get()
    assert (trace.action, trace.actor, trace.patient) == (Action.PATIENT_SEARCHED, alice, None)
    assert "matricule INS" in trace.details
    assert ins not in trace.details


@pytest.mark.django_db
def test_the_ins_page_s_address_typed_again_shows_the_empty_form_and_searches_nothing(alice_client):
    alice_client.post(INS_URL, {"ins": "12345"})  # the error page lives at INS_URL

    response = alice_client.get(INS_URL)  # Enter in the address bar

    assert response.status_code == 200
    page = text(response)
    assert "Accès par matricule INS" in page
    assert 'name="ins"' in page and 'value="12345"' not in page
    assert "Le matricule INS compte 15 caractères" in page  # the help text, not an error
    assert "is-invalid" not in page
    assert Trace.objects.count() == 0


# Who may search ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_the_login(client, method):
    for url in (SEARCH_URL, INS_URL):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_login_without_its_second_factor_is_refused(client, alice):
    client.force_login(alice)
    response = post_search(client)
    assert response.status_code == 302
    assert not Trace.objects.exists()


@pytest.mark.django_db
def test_the_search_form_carries_one_csrf_token(alice_client):
    page = alice_client.get(SEARCH_URL).content.decode()
    search_form = page.split(f'action="{SEARCH_URL}"', 1)[1].split("</form>", 1)[0]
    assert search_form.count('name="csrfmiddlewaretoken"') == 1
