"""The figures behind "Le DMP en chiffres": small-cell protection, French numbers, query count."""

import datetime

import pytest
from django.db import transaction

from audit.models import Action
from audit.services import record
from documents.models import Document
from patients.access import Mode
from tests.factories import DocumentFactory, PatientFactory, PhysicianFactory
from workshop import statistics, survey
from workshop.charts import BAR_MAX_WIDTH, bar_chart
from workshop.statistics import Cell, protect


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        # Nothing small: everything shown, zero included.
        ([("a", 12), ("b", 5), ("c", 0)], ["12", "5", "0"]),
        # One small cell: hidden, and the smallest other non-zero one with it.
        ([("a", 12), ("b", 7), ("c", 1), ("d", 0)], ["12", "masqué", "< 5", "0"]),
        # Two small cells hide each other: nothing more to hide.
        ([("a", 12), ("b", 4), ("c", 1)], ["12", "< 5", "< 5"]),
        # Every count from 1 to 4 is small.
        ([("a", 4), ("b", 3), ("c", 2), ("d", 1)], ["< 5"] * 4),
        # A lone small cell with no other count: nothing else to hide.
        ([("a", 2), ("b", 0)], ["< 5", "0"]),
    ],
)
def test_small_counts_are_hidden(counts, shown):
    assert [cell.text for cell in protect(counts)] == shown


def test_a_hidden_count_never_leaves_the_module():
    assert protect([("a", 3), ("b", 40)]) == (Cell("a", None, "< 5"), Cell("b", None, "masqué"))


def test_numbers_are_written_the_french_way():
    assert statistics.format_count(1234567) == "1\xa0234\xa0567"
    assert statistics.format_count(0) == "0"
    assert statistics.format_percent(23) == "23\xa0%"


def test_the_survey_keeps_the_slides_figures():
    assert (survey.RESPONDENTS, survey.ESTABLISHMENTS) == (58, 49)
    assert [a.percent for a in survey.ANSWERS] == [23, 21, 10, 5, 3, 0]


def test_a_percentage_chart_is_drawn_on_the_full_scale_of_a_hundred():
    chart = bar_chart(statistics.survey_breakdown())
    assert chart.bars[0].width == pytest.approx(BAR_MAX_WIDTH * 0.23, abs=0.1)
    assert chart.bars[-1].width == 0
    assert chart.track_width == BAR_MAX_WIDTH


def test_a_hidden_count_gets_no_bar_and_the_largest_fills_the_width():
    breakdown = statistics._counted("t", "T", "D", "L", "V", [("a", 3), ("b", 40), ("c", 20)])
    chart = bar_chart(breakdown)
    assert [bar.width for bar in chart.bars] == [0, BAR_MAX_WIDTH, 0]
    assert [bar.text for bar in chart.bars] == ["< 5", "40", "masqué"]


@pytest.mark.django_db
def test_the_live_figures_take_one_query_each_whatever_the_data(django_assert_num_queries):
    physician = PhysicianFactory()
    for year in range(2015, 2025):
        patient = PatientFactory()
        DocumentFactory(
            patient=patient, author=physician, added_by=physician, document_date=datetime.date(year, 6, 1)
        )
        DocumentFactory(patient=patient, author=None, from_health_insurance=True)
        DocumentFactory(patient=patient, author=None, from_patient=True)
        with transaction.atomic():
            for mode in Mode:
                record(actor=physician, patient=patient, action=Action.RECORD_OPENED, mode=mode.value)
    with django_assert_num_queries(4):
        breakdowns = statistics.live_breakdowns()
    assert [len(b.cells) for b in breakdowns] == [10, 11, 3, 4]


def test_a_trainer_without_a_running_session_has_no_steps_to_show(trainer):
    assert statistics.steps_completed_by_session(trainer) == ()


def test_each_running_session_counts_its_trainees_per_step_from_the_traces(workshop_session, trainer):
    pharmacist = workshop_session.trainees.get(position=1).user
    with transaction.atomic():
        record(actor=pharmacist, action=Action.LOGIN, details="e-CPS")

    (chart,) = statistics.steps_completed_by_session(trainer)

    assert chart.title == "Atelier « Atelier de Strasbourg » du 12/03/2026"
    assert [cell.count for cell in chart.cells][:2] == [1, 0]  # logged in with e-CPS; no search yet
    assert chart.scale == 2


def test_the_portal_figures_leave_the_workshop_sandboxes_out(workshop_session):
    assert Document.objects.filter(patient__sandbox__isnull=False).exists()
    counted = sum(cell.count or 0 for cell in statistics.documents_by_source().cells)
    assert counted == Document.objects.filter(patient__sandbox__isnull=True).count() == 0
