"""`make load`: a mixed load on the loopback against gunicorn + PostgreSQL (not part of make test).

    LOAD_USERS=100 LOAD_SECONDS=300 DATABASE_URL=postgres://.../conum_bench make load

On the bench data set (bench/dataset.py; BENCH_CRAS CRAs, default 1 million, plus 20,000
candidates), LOAD_USERS virtual users (httpx async, one session each, think time LOAD_THINK
seconds, default 1) run for LOAD_SECONDS:

* 50 % advisors: file a CRA through the form (most often), read their CRA history and their
  statistics;
* 30 % structure members: browse the candidates near their structure (first page, a filtered
  page, page 2), their statistics and their advisors' CRAs;
* 10 % prefectures: their département's statistics;
* 10 % operators: the admin (index, CRA / structure / advisor changelists, a search, a change
  page) and the national statistics.

Every answer other than the expected one (200, or the redirect to the confirmation page after a
filing) is an error. Prints p50 / p95 / max per page and the errors, and writes them to
docs/performance.md (section « Charge »). gunicorn: LOAD_WORKERS (default 4) sync workers.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    gunicorn,
    load_average,
    machine,
    percentile,
    require_postgresql,
    session_for,
    setup_django,
)


class Stats:
    def __init__(self):
        self.latences = defaultdict(list)
        self.erreurs = defaultdict(int)
        self.exemples: list[str] = []

    def ok(self, page, ms):
        self.latences[page].append(ms)

    def erreur(self, page, message):
        self.erreurs[page] += 1
        if len(self.exemples) < 10:
            self.exemples.append(f"{page} : {message[:160]}")


async def get(client, stats: Stats, page: str, url: str, expected=(200,)):
    started = time.perf_counter()
    try:
        response = await client.get(url)
    except Exception as error:  # noqa: BLE001 - any transport error counts
        stats.erreur(page, f"{type(error).__name__}: {error}")
        return None
    ms = (time.perf_counter() - started) * 1000
    if response.status_code in expected:
        stats.ok(page, ms)
        return response
    stats.erreur(page, f"{url} → {response.status_code}")
    return None


# --- the users -------------------------------------------------------------------------------------
# Pages read by each role: (label, URL; {structure} = the user's structure), with their weights.
PAGES = {
    "conseiller": [
        ("CRA : historique du conseiller", "/cra/mes-cra/", 2),
        ("CRA : formulaire", "/cra/saisir/", 1),
        ("Statistiques : conseiller", "/statistiques/", 1),
    ],
    "structure": [
        ("Candidats : première page", "/conseillers/structures/{structure}/candidats/", 35),
        ("Candidats : filtrés", "/conseillers/structures/{structure}/candidats/?avec_cv=on&pix_niveau=2", 15),
        ("Candidats : page 2", "/conseillers/structures/{structure}/candidats/?page=2", 10),
        ("Statistiques : structure", "/statistiques/?perimetre=structure:{structure}", 25),
        ("CRA : liste de la structure", "/cra/structure/{structure}/", 15),
    ],
    "prefecture": [("Statistiques : département", "/statistiques/", 1)],
    "operateur": [
        ("Admin : accueil", "/admin/", 1),
        ("Admin : CRA", "/admin/cra/cra/", 1),
        ("Admin : CRA filtrés", "/admin/cra/cra/?type__exact=collectif&region_code=84", 1),
        ("Admin : structures", "/admin/structures/structure/", 1),
        ("Admin : recherche de structures", "/admin/structures/structure/?q=essai+12", 1),
        ("Admin : conseillers", "/admin/conseillers/conseiller/", 1),
        ("Admin : fiche structure", "/admin/structures/structure/{structure}/change/", 1),
        ("Statistiques : national", "/statistiques/", 1),
    ],
}
PART_SAISIE = 0.6  # share of an advisor's actions that file a CRA


def pages(user) -> list[tuple[str, str, int]]:
    return [(label, url.format(structure=user.get("structure")), w) for label, url, w in PAGES[user["role"]]]


async def browse(client, user, stats, deadline, think, rng, today):
    """Every role: a weighted random page, then think; advisors mostly file CRAs."""
    from bench import filing

    choices = pages(user)
    weights = [w for _l, _u, w in choices]
    token = await filing.preparer(client, user["agent"]) if user["role"] == "conseiller" else None
    mesures = filing.Mesures()
    while time.perf_counter() < deadline:
        if token is not None and rng.random() < PART_SAISIE:
            done = len(mesures.latences)
            await filing.deposer(client, user["agent"], token, today, mesures)
            if len(mesures.latences) > done:
                stats.ok("CRA : saisie (POST)", mesures.latences[-1])
            else:
                stats.erreur("CRA : saisie (POST)", mesures.exemples[-1] if mesures.exemples else "?")
        else:
            label, url, _w = rng.choices(choices, weights)[0]
            await get(client, stats, label, url)
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


def users(n: int, seed: int) -> list[dict]:
    """Sessions for ``n`` users: 50 % advisors, 30 % structures, 10 % prefectures, 10 % operators."""
    from bench import filing
    from bench.dataset import DOMAIN
    from conumapp.models import User
    from structures.models import Membre

    rng = random.Random(seed)
    n_conseillers = n // 2
    n_structures = n * 3 // 10
    n_prefectures = n // 10
    n_operateurs = n - n_conseillers - n_structures - n_prefectures
    out = [{"role": "conseiller", "agent": agent} for agent in filing.agents(n_conseillers, seed)]
    membres = list(
        Membre.objects.filter(user__email__startswith="structure-", user__email__endswith=f"@{DOMAIN}")
        .select_related("user")
        .order_by("pk")
    )
    for membre in rng.sample(membres, n_structures):
        out.append(
            {"role": "structure", "session": session_for(membre.user), "structure": membre.structure_id}
        )
    prefectures = list(User.objects.filter(email__startswith="prefecture-", email__endswith=f"@{DOMAIN}"))
    for user in rng.sample(prefectures, n_prefectures):
        out.append({"role": "prefecture", "session": session_for(user)})
    operator = User.objects.get(email=f"operateur@{DOMAIN}")
    for _ in range(n_operateurs):
        out.append(
            {"role": "operateur", "session": session_for(operator), "structure": membres[0].structure_id}
        )
    for user in out:
        if "agent" in user:
            user["session"] = user["agent"].session
    return out


async def campagne(
    base: str, population: list[dict], seconds: float, think: float, seed: int
) -> tuple[Stats, float]:
    import httpx
    from django.utils import timezone

    stats = Stats()
    today = timezone.localdate()
    limits = httpx.Limits(max_connections=len(population) + 10)
    started = time.perf_counter()
    deadline = started + seconds

    async def run(index, user):
        rng = random.Random(seed * 1000 + index)
        await asyncio.sleep(rng.uniform(0, min(5.0, seconds / 10)))  # ramp-up
        async with httpx.AsyncClient(
            base_url=base, timeout=60, follow_redirects=False, limits=limits
        ) as client:
            client.cookies.set("sessionid", user["session"])
            try:
                await browse(client, user, stats, deadline, think, rng, today)
            except Exception as error:  # noqa: BLE001 - a crashed user is an error, not a crashed run
                stats.erreur(f"utilisateur {user['role']}", f"{type(error).__name__}: {error}")

    await asyncio.gather(*(run(i, u) for i, u in enumerate(population)))
    return stats, time.perf_counter() - started


def rapport(stats: Stats, elapsed: float) -> list[dict]:
    rows = []
    for page in sorted(set(stats.latences) | set(stats.erreurs)):
        values = stats.latences.get(page, [])
        rows.append({
            "page": page, "requetes": len(values) + stats.erreurs.get(page, 0), "erreurs": stats.erreurs.get(page, 0),
            "par_s": len(values) / elapsed if elapsed else 0.0,
            "p50": percentile(values, 50) if values else float("nan"),
            "p95": percentile(values, 95) if values else float("nan"),
            "max": max(values) if values else float("nan"),
        })  # fmt: skip
    return rows


def section(info, n_users, seconds, elapsed, workers, think, rows, stats, n_cras, load_end) -> str:
    from bench.run import fr

    total = sum(r["requetes"] for r in rows)
    errors = sum(r["erreurs"] for r in rows)
    now = datetime.now(UTC)
    lines = [
        "<!-- load -->",
        f"## Charge (make load) — mesuré le {now:%d/%m/%Y à %H:%M} UTC",
        "",
        f"{n_users} utilisateurs simultanés pendant {fr(elapsed)} s (durée demandée {seconds} s), temps de réflexion "
        f"{think} s en moyenne, gunicorn {workers} workers synchrones, jeu de données de {fr(n_cras)} CRA et "
        f"20 000 candidats. Machine : {info['nproc']} cœurs, {fr(info.get('ram_gb'), 1)} Go, PostgreSQL "
        f"{info['postgresql']} ; charge moyenne au début {info['load']}, à la fin {load_end}.",
        "",
        f"**{fr(total)} requêtes, {fr(total / elapsed if elapsed else 0, 1)} par seconde, {errors} erreur(s).**",
        "",
        "| page | requêtes | erreurs | p50 (ms) | p95 (ms) | max (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r['page']} | {fr(r['requetes'])} | {r['erreurs']} | {fr(r['p50'])} | {fr(r['p95'])} | "
                     f"{fr(r['max'])} |")  # fmt: skip
    if stats.exemples:
        lines += ["", "Exemples d'erreurs :", ""] + [f"* {e}" for e in stats.exemples]
    lines += ["", "<!-- /load -->"]
    return "\n".join(lines)


def main() -> int:
    setup_django()
    require_postgresql()
    from django.core.management import call_command

    from bench import dataset
    from bench.run import fr, write_doc

    n_users = int(os.environ.get("LOAD_USERS", 100))
    seconds = int(os.environ.get("LOAD_SECONDS", 300))
    think = float(os.environ.get("LOAD_THINK", 1.0))
    workers = int(os.environ.get("LOAD_WORKERS", 4))
    n_cras = int(os.environ.get("BENCH_CRAS", 1_000_000))
    seed = int(os.environ.get("LOAD_SEED", time.time()))
    info = machine()
    print(
        f"make load — {n_users} utilisateurs, {seconds} s ; charge de la machine {info['load']}", flush=True
    )
    call_command("migrate", verbosity=0)
    summary = dataset.build(n_cras, progress=True)
    dataset.ensure_candidats(20_000)
    population = users(n_users, seed)
    with gunicorn(workers=workers) as base:
        stats, elapsed = asyncio.run(campagne(base, population, seconds, think, seed))
    rows = rapport(stats, elapsed)
    print(f"{'page':<36} {'requêtes':>9} {'erreurs':>8} {'p50':>8} {'p95':>8} {'max':>8}")
    for r in rows:
        print(f"{r['page']:<36} {r['requetes']:>9} {r['erreurs']:>8} {fr(r['p50']):>8} {fr(r['p95']):>8} "
              f"{fr(r['max']):>8}")  # fmt: skip
    for example in stats.exemples:
        print(f"  erreur : {example}")
    errors = sum(r["erreurs"] for r in rows)
    print(f"Total : {sum(r['requetes'] for r in rows)} requêtes en {elapsed:.0f} s, {errors} erreur(s).")
    if os.environ.get("BENCH_NO_DOC") != "1":
        write_doc("load", section(info, n_users, seconds, elapsed, workers, think, rows, stats,
                                  summary.cras_total, load_average()))  # fmt: skip
        print("Résultats écrits dans docs/performance.md.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
