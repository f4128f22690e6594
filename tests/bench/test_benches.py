"""Smoke tests of the benchmarks at a tiny size, so that ``make bench`` / ``make load`` cannot rot:
the statistics bench (its figures equal the hand-written SQL reference), the row export bench,
the filing form the load clients post, the pages of the load scenario, the legacy import file
and the candidate search seed. Timings are not asserted (they belong to make bench)."""

import pytest
from django.utils import timezone

from bench import dataset, filing, load
from cra.models import Cra

pytestmark = pytest.mark.django_db


@pytest.fixture
def jeu():
    return dataset.build(300, structures=12, advisors=20, months=13, vacuum=False)


def test_statistics_bench_agrees_with_the_sql_reference(postgres_only, jeu):
    from bench import bench_stats

    results = bench_stats.mesurer(runs=1, budget=0, warmup=0, progress=lambda *args: None)
    assert [r["portee"].split()[0] for r in results] == [
        "national", "région", "département", "structure", "conseiller",
    ]  # fmt: skip
    assert all(r["identiques"] for r in results), [r["ecarts"] for r in results]
    assert sum(r["lignes"] for r in results[:1]) > 0
    assert all(r["page_p50"] == r["page_p50"] for r in results)  # the page answered 200 (not NaN)


def test_export_bench_streams_the_statistics_export(postgres_only, jeu):
    from bench import bench_export

    result = bench_export.main(100)
    assert result["methode"].startswith("statistiques.export_cras")
    assert 0 < result["lignes"] <= Cra.objects.count() and result["rss_pic_mo"] > 0


def test_filing_form_of_the_load_clients_is_accepted(client, jeu):
    agent = filing.agents(1, seed=5)[0]
    client.cookies["sessionid"] = agent.session
    token = filing.csrf_token(client.get(filing.SAISIR).content.decode())
    before = Cra.objects.count()
    for _ in range(6):  # individual sessions and one collective one (the 5th)
        response = client.post(filing.SAISIR, filing.formulaire(agent, token, timezone.localdate()))
        assert response.status_code == 302 and "/enregistre/" in response["Location"]
    assert Cra.objects.count() == before + 6
    assert Cra.objects.filter(type="collectif", participants=6).count() >= 1


@pytest.mark.django_db(transaction=True)
def test_filing_bench_clients_file_through_a_real_server(live_server):
    """bench/client_http.py against a real HTTP server: CSRF cookie and token, session cookie,
    urlencoded POST, redirects counted as filings (a connection closed by the server reopens)."""
    dataset.build(60, structures=4, advisors=6, months=2, vacuum=False)
    before = Cra.objects.count()
    result = filing.mesurer(live_server.url, clients=3, seconds=1.5, seed=2)
    assert result["erreurs"] == 0, result["exemples"]
    assert result["cras"] > 0 and Cra.objects.count() == before + result["cras"]


@pytest.mark.django_db(transaction=True)
def test_filing_bench_at_a_target_rate_keeps_to_its_schedule(live_server):
    """At a target rate the clients post on a schedule (staggered, latency counted from the
    scheduled time), not back to back: 3 clients offering 4 CRAs/s for 1.5 s file about 6."""
    dataset.build(60, structures=4, advisors=6, months=2, vacuum=False)
    result = filing.mesurer(live_server.url, clients=3, seconds=1.5, seed=3, debit=4)
    assert result["erreurs"] == 0, result["exemples"]
    assert result["debit_offert"] == 4
    assert 4 <= result["cras"] <= 4 * 1.5 + 3
    assert result["p95"] >= result["p50"] > 0


def test_every_page_of_the_load_scenario_answers(client, jeu):
    dataset.ensure_candidats(30)
    population = load.users(10, seed=1)
    assert {u["role"] for u in population} == {"conseiller", "structure", "prefecture", "operateur"}
    seen = set()
    for user in population:
        if user["role"] in seen:
            continue
        seen.add(user["role"])
        client.cookies["sessionid"] = user["session"]
        for label, url, _weight in load.pages(user):
            assert client.get(url).status_code == 200, (user["role"], label, url)


def test_import_bench_file_imports_entirely(tmp_path, jeu):
    from bench import bench_cra_import
    from cra.importer import import_file

    path = tmp_path / "cras.jsonl"
    bench_cra_import.generate(path, 40, advisors=5)
    with path.open(encoding="utf-8") as stream:
        run = import_file(stream, fmt="v1", dry_run=False, nom_fichier=path.name)
    assert (run.importees, run.refusees) == (40, 0)


def test_candidate_search_bench_seeds_and_searches(jeu):
    from bench import bench_candidats

    structure = bench_candidats.seed(60)
    count, rows = bench_candidats.page(structure)
    assert count > 0 and len(rows) == min(count, 20)
