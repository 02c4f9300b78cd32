"""The benchmark's pure parts: percentiles, the comparisons, the table; and bench mode's bare view
and query-count header (never on outside bench mode)."""

import json

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from bench import report
from bench.load import Response, latencies, percentile
from bench.middleware import QUERIES_HEADER, QueryCountMiddleware
from bench.portal_bench import Page, Target, compare, goals, icontains_comparison, paired
from tests.factories import PatientFactory


def test_percentiles_interpolate_between_ranks():
    samples = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(samples, 50) == 30.0
    assert percentile(samples, 0) == 10.0
    assert percentile(samples, 100) == 50.0
    assert percentile(samples, 95) == pytest.approx(48.0)
    assert percentile(list(reversed(samples)), 25) == 20.0
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def _page(name, rps, p50, queries=5, p95=None):
    return report.PageResult(name, rps=rps, p50=p50, p95=p95 or p50, p99=p50, queries=queries, status=200)


def test_compare_gives_the_bare_share_and_the_heavy_light_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.portal_bench.RESULTS_DIR", tmp_path)
    results = {
        page.name: page
        for page in (
            _page("Vue nue (référence)", 200, 5),
            _page("Récapitulatif (lourd)", 50, 30, queries=9),
            _page("Récapitulatif (léger)", 100, 10, queries=7),
            _page("Recherche d'identité (nom rare + année)", 80, 12),
        )
    }
    (tmp_path / "sqlite-small.json").write_text(
        json.dumps({"pages": [{"name": "Recherche d'identité (nom rare + année)", "p50": 8.0}]})
    )
    compare(results, Target("sqlite", "reference"))
    heavy = results["Récapitulatif (lourd)"]
    assert heavy.bare_share == 0.25
    assert heavy.heavy_light == 3.0
    assert "requêtes : 9 contre 7 (léger)" in heavy.notes
    assert results["Récapitulatif (léger)"].heavy_light is None
    assert "1M/10k : 1.50 x" in results["Recherche d'identité (nom rare + année)"].notes


def test_goals_say_which_are_missed_and_the_table_shows_them(tmp_path):
    results = {
        page.name: page
        for page in (
            _page("Vue nue (référence)", 200, 5),
            _page("Récapitulatif (lourd)", 50, 30, p95=80),
            _page("Récapitulatif (léger)", 100, 10),
            _page("Admin : liste des traces", 10, 150, p95=190),
        )
    }
    compare(results, Target("sqlite", "small"))
    checked = {goal.text: goal for goal in goals(results, (2.0, 400.0), upload_growth=0)}
    assert checked["Chaque page du patient lourd ≤ 1,5 x la même page du patient léger"].met is False
    assert checked["Chaque page p95 ≤ 50 ms à un client"].met is False
    assert checked["Récapitulatif ≥ 35 % du débit de la vue nue"].met is False
    assert checked["Listes de l'admin (patients, documents, traces) ≤ 200 ms"].met is True
    assert checked["Recherche patient de l'admin ≥ 100 x plus rapide que l'icontains de Django"].met is True

    document = report.markdown("Titre", ["Mesuré ici."], list(results.values()), list(checked.values()))
    md, js = report.write(
        tmp_path, "sqlite-small", document, report.as_json(list(results.values()), list(checked.values()), {})
    )
    table = md.read_text()
    assert "| Récapitulatif (lourd) | 50.0 | 25 % | 30.0 | 80.0 | 30.0 | 5 | 3.00 x |" in table
    assert "| Chaque page p95 ≤ 50 ms à un client |" in table and "**non**" in table
    assert json.loads(js.read_text())["pages"][1]["heavy_light"] == 3.0


def test_the_bare_view_is_not_found_outside_bench_mode(alice_client):
    assert alice_client.get("/banc-d-essai/vide/").status_code == 404
    with override_settings(DMP_BENCH_MODE=True):
        answer = alice_client.get("/banc-d-essai/vide/")
    assert answer.status_code == 200
    assert answer.content == b"ok"


@pytest.mark.django_db
def test_the_query_count_header_counts_every_query_of_the_response():
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse()

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response[QUERIES_HEADER] == "2"


@pytest.mark.django_db
def test_the_icontains_comparison_times_both_changelists_on_the_same_term(django_assert_max_num_queries):
    PatientFactory.create_batch(3, birth_name="Martin")

    with django_assert_max_num_queries(20):  # two changelists, three times each, nothing traced
        portal, default = icontains_comparison({"common": {"name": "Martin"}})

    assert portal > 0 and default > 0


def test_a_heavy_page_and_its_light_twin_are_measured_together_and_the_others_alone():
    names = ["Vue nue", "Récapitulatif (lourd)", "Récapitulatif (léger)", "Historique (lourd)", "Admin"]
    groups = paired([Page(name, call=lambda client: None) for name in names])

    assert [[page.name for page in group] for group in groups] == [
        ["Vue nue"],
        ["Récapitulatif (lourd)", "Récapitulatif (léger)"],
        ["Historique (lourd)"],
        ["Admin"],
    ]


def test_interleaved_latencies_take_one_request_of_each_page_in_turn():
    sent = []

    def page(name, status):
        def call(client):
            sent.append(name)
            return Response(status, {}, b"")

        return call

    heavy, light = latencies(None, [page("lourd", 200), page("léger", 404)], count=3, budget=5.0)

    assert sent == ["lourd", "léger"] * 4  # the warm-up, then three samples of each, in turn
    assert len(heavy.samples_ms) == len(light.samples_ms) == 3
    assert (heavy.status, light.status) == (200, 404)
