"""Statistics benchmark: ``statistiques.services.calculer``, the page ``/statistiques/`` and a
hand-written SQL reference, for the national, régional, départemental, structure and advisor
scopes over the default period (the last 12 months).

The reference is what a developer would write by hand on ``cra_cra``: one SQL query per figure
family (headline figures; themes; places; durations; ages; genders; statuses; autonomy;
orientation; redirections; equipment; months; active advisors; advisors in post), ``GROUP BY``
where the family is a column, sums of bits for the bit sets. Its time is the sum of the
queries. The figures of both are compared: a benchmark of wrong figures would be worthless.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .common import percentile, timed

ACTIFS = "deleted_at IS NULL"


@dataclass
class Portee:
    """A scope to measure: its Perimetre, the account used for the page, SQL condition."""

    nom: str
    perimetre: object
    user: object
    condition: str
    params: list
    lignes: int = 0


@dataclass
class Resultat:
    nom: str
    lignes: int
    service: list[float]
    page: list[float] | None
    reference: list[float]
    identiques: bool
    ecarts: list[str] = field(default_factory=list)
    source: str = ""

    def ligne(self) -> dict:
        def p(values, q):
            return percentile(values, q) if values else float("nan")

        ref50 = p(self.reference, 50)
        return {
            "portee": self.nom,
            "lignes": self.lignes,
            "source": self.source,
            "service_p50": p(self.service, 50),
            "service_p95": p(self.service, 95),
            "page_p50": p(self.page, 50) if self.page else float("nan"),
            "page_p95": p(self.page, 95) if self.page else float("nan"),
            "ref_p50": ref50,
            "ref_p95": p(self.reference, 95),
            "ratio": p(self.service, 50) / ref50 if ref50 else float("nan"),
            "identiques": self.identiques,
            "ecarts": self.ecarts,
        }


# --- the hand-written reference ------------------------------------------------------------------


def _families():
    from cra.enums import COMPTES, Materiel, Thematique

    bits_t = ", ".join(f"SUM((thematiques >> {i}) & 1)" for i in range(len(Thematique)))
    bits_m = ", ".join(f"SUM((materiel >> {i}) & 1)" for i in range(len(Materiel)))
    sums = {prefix: ", ".join(f"SUM({prefix}_{m.value})" for m in enum) for prefix, enum in COMPTES}
    return {
        "chiffres": (
            "SELECT COUNT(*), SUM(CASE WHEN type = 'collectif' THEN participants ELSE 1 END), "
            "COUNT(*) FILTER (WHERE type = 'individuel'), COUNT(*) FILTER (WHERE type = 'collectif'), "
            "COALESCE(SUM(participants) FILTER (WHERE type = 'collectif'), 0), SUM(duree) FROM cra_cra WHERE {w}"
        ),
        "thematiques": f"SELECT {bits_t} FROM cra_cra WHERE {{w}}",
        "lieux": "SELECT type_lieu, COUNT(*) FROM cra_cra WHERE {w} GROUP BY type_lieu",
        "durees": (
            "SELECT CASE WHEN duree < 30 THEN 'moins_30' WHEN duree < 60 THEN '30_60' WHEN duree < 120 "
            "THEN '60_120' ELSE '120_plus' END AS d, COUNT(*) FROM cra_cra WHERE {w} GROUP BY d"
        ),
        "ages": f"SELECT {sums['age']} FROM cra_cra WHERE {{w}}",
        "genres": f"SELECT {sums['genre']} FROM cra_cra WHERE {{w}}",
        "statuts": f"SELECT {sums['statut']} FROM cra_cra WHERE {{w}}",
        "autonomie": "SELECT autonomie, COUNT(*) FROM cra_cra WHERE {w} AND autonomie <> '' GROUP BY autonomie",
        "orientations": "SELECT oriente, COUNT(*) FROM cra_cra WHERE {w} AND oriente IS NOT NULL GROUP BY oriente",
        "redirections": (
            "SELECT structure_redirection, COUNT(*) FROM cra_cra WHERE {w} AND oriente "
            "GROUP BY structure_redirection"
        ),
        "materiel": f"SELECT {bits_m} FROM cra_cra WHERE {{w}}",
        "mensuel": (
            "SELECT date_trunc('month', date)::date AS m, COUNT(*), "
            "SUM(CASE WHEN type = 'collectif' THEN participants ELSE 1 END) FROM cra_cra WHERE {w} GROUP BY m ORDER BY m"
        ),
        "actifs": "SELECT COUNT(DISTINCT conseiller_id) FROM cra_cra WHERE {w_actifs}",
        "en_poste": (
            "SELECT COUNT(DISTINCT m.conseiller_id) FROM conseillers_miseenrelation m "
            "JOIN structures_structure s ON s.id = m.structure_id WHERE {w_contrats} AND m.date_debut <= %s "
            "AND m.statut IN ('finalisee', 'nouvelle_rupture', 'finalisee_rupture', 'renouvellement_initiee', "
            "'terminee') AND ((m.date_rupture IS NOT NULL AND m.date_rupture >= %s) OR (m.date_rupture IS NULL "
            "AND (m.date_fin IS NULL OR m.date_fin >= %s)))"
        ),
    }


def reference(portee: Portee, filtres) -> dict:
    """Run the reference queries; returns {family: rows}."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from statistiques.services import JOURS_ACTIVITE

    where = f"{ACTIFS} AND date >= %s AND date <= %s"
    params = [filtres.debut, filtres.fin]
    if portee.condition:
        where += f" AND {portee.condition}"
        params += portee.params
    debut_actifs = max(filtres.debut, filtres.fin - timedelta(days=JOURS_ACTIVITE - 1))
    contrats = {"national": "TRUE", "region": "s.region_id = %s", "departement": "s.departement_id = %s",
                "structure": "m.structure_id = %s", "conseiller": "m.conseiller_id = %s"}[portee.perimetre.niveau]  # fmt: skip
    jour = min(filtres.fin, timezone.localdate())
    out = {}
    with connection.cursor() as cursor:
        for name, sql in _families().items():
            if name == "actifs":
                query = sql.format(w_actifs=where)
                args = [debut_actifs, filtres.fin, *portee.params]
            elif name == "en_poste":
                query = sql.format(w_contrats=contrats)
                args = [*portee.params, jour, jour, jour]
            else:
                query = sql.format(w=where)
                args = params
            cursor.execute(query, args)
            out[name] = cursor.fetchall()
    return out


def comparer(stats, ref: dict) -> list[str]:
    """Differences between ``calculer``'s figures and the reference's (empty: identical)."""
    from cra.enums import COMPTES, Materiel, Thematique

    ecarts = []

    def check(label, ours, theirs):
        if int(ours or 0) != int(theirs or 0):
            ecarts.append(f"{label} : {ours} ≠ {theirs}")

    cras, acc, ind, ate, part, minutes = ref["chiffres"][0]
    for label, ours, theirs in (("CRA", stats.cras, cras), ("accompagnements", stats.accompagnements, acc),
                                ("individuels", stats.individuels, ind), ("ateliers", stats.ateliers, ate),
                                ("participants", stats.participants_ateliers, part), ("minutes", stats.minutes, minutes),
                                ("actifs", stats.conseillers_actifs, ref["actifs"][0][0]),
                                ("en poste", stats.conseillers_en_poste, ref["en_poste"][0][0])):  # fmt: skip
        check(label, ours, theirs)
    by_code = {ligne.code: ligne.valeur for ligne in stats.thematiques}
    for i, m in enumerate(Thematique):
        check(f"thème {m.value}", by_code.get(m.value), ref["thematiques"][0][i])
    by_code = {ligne.code: ligne.valeur for ligne in stats.materiel}
    for i, m in enumerate(Materiel):
        check(f"matériel {m.value}", by_code.get(m.value), ref["materiel"][0][i])
    for attribute, prefix in (("ages", "age"), ("genres", "genre"), ("statuts", "statut")):
        by_code = {ligne.code: ligne.valeur for ligne in getattr(stats, attribute)}
        for i, m in enumerate(dict(COMPTES)[prefix]):
            check(f"{prefix} {m.value}", by_code.get(m.value), ref[attribute][0][i])
    for attribute in ("lieux", "durees", "autonomie", "redirections"):
        theirs = dict(ref[attribute])
        for ligne in getattr(stats, attribute):
            check(f"{attribute} {ligne.code}", ligne.valeur, theirs.get(ligne.code, 0))
    theirs = {("oui" if k else "non"): v for k, v in ref["orientations"]}
    for ligne in stats.orientations:
        check(f"orientation {ligne.code}", ligne.valeur, theirs.get(ligne.code, 0))
    theirs = {m: (c, a) for m, c, a in ref["mensuel"]}
    for mois in stats.mensuel:
        c, a = theirs.get(mois.mois, (0, 0))
        check(f"mois {mois.mois:%Y-%m} CRA", mois.cras, c)
        check(f"mois {mois.mois:%Y-%m} accompagnements", mois.accompagnements, a)
    return ecarts


# --- scopes ----------------------------------------------------------------------------------------


def portees(filtres) -> list[Portee]:
    """National (operator), the busiest région (hub), département (prefecture), structure (its
    member) and advisor (themselves) in the period."""
    from django.db import connection

    from conseillers.models import Conseiller
    from conumapp.models import User
    from statistiques.perimetres import PERIMETRE_NATIONAL, perimetres_de
    from structures.models import Membre

    from .dataset import DOMAIN

    def busiest(column):
        group = f"GROUP BY {column} ORDER BY 2 DESC LIMIT 1" if column else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column or 'NULL'}, COUNT(*) FROM cra_cra WHERE {ACTIFS} "  # noqa: S608 - fixed columns
                f"AND date >= %s AND date <= %s {group}",
                [filtres.debut, filtres.fin],
            )
            return cursor.fetchone()

    def choose(user, niveau):
        return next(p for p in perimetres_de(user) if p.niveau == niveau)

    operateur = User.objects.get(email=f"operateur@{DOMAIN}")
    total = busiest("")
    region, n_region = busiest("region_code")
    departement, n_dep = busiest("departement_code")
    structure, n_structure = busiest("structure_id")
    conseiller, n_conseiller = busiest("conseiller_id")
    hub = User.objects.get(email=f"hub-{region}@{DOMAIN}")
    prefecture = User.objects.get(email=f"prefecture-{departement.lower()}@{DOMAIN}")
    membre = User.objects.get(pk=Membre.objects.filter(structure_id=structure).values("user_id")[:1])
    advisor = Conseiller.objects.get(pk=conseiller).user
    return [
        Portee("national", PERIMETRE_NATIONAL, operateur, "", [], total[1]),
        Portee(f"région {region}", choose(hub, "region"), hub, "region_code = %s", [region], n_region),
        Portee(
            f"département {departement}",
            choose(prefecture, "departement"),
            prefecture,
            "departement_code = %s",
            [departement],
            n_dep,
        ),  # fmt: skip
        Portee(
            "structure", choose(membre, "structure"), membre, "structure_id = %s", [structure], n_structure
        ),
        Portee(
            "conseiller",
            choose(advisor, "conseiller"),
            advisor,
            "conseiller_id = %s",
            [conseiller],
            n_conseiller,
        ),
    ]


def mesurer(runs: int = 30, budget: float = 20.0, progress=print, warmup: int = 3) -> list[dict]:
    from django.test import Client

    from statistiques.filtres import Filtres
    from statistiques.services import calculer

    filtres = Filtres()
    results = []
    for portee in portees(filtres):
        started = time.perf_counter()
        service, stats = timed(
            lambda p=portee: calculer(p.perimetre, filtres), runs=runs, budget=budget, warmup=warmup
        )
        client = Client()
        client.force_login(portee.user)
        url = f"/statistiques/?perimetre={portee.perimetre.cle}"

        def page(client=client, url=url):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} : {response.status_code}")
            return response

        try:
            pages, _ = timed(page, runs=runs, budget=budget, warmup=warmup)
        except RuntimeError as error:
            progress(f"  page indisponible : {error}")
            pages = None
        refs, ref = timed(
            lambda p=portee: reference(p, filtres),
            runs=runs,
            warmup=min(1, warmup),
            budget=budget,
            min_runs=min(3, runs),
        )
        ecarts = comparer(stats, ref)
        result = Resultat(portee.nom, portee.lignes, service, pages, refs, not ecarts, ecarts, stats.source)
        results.append(result.ligne())
        r = results[-1]
        progress(
            f"  {portee.nom:<18} {portee.lignes:>10,} CRA  service p50 {r['service_p50']:7.1f} p95 "
            f"{r['service_p95']:7.1f} ms  page p95 {r['page_p95']:7.1f} ms  SQL p50 {r['ref_p50']:8.1f} ms  "
            f"ratio {r['ratio']:.2f}  {'identiques' if not ecarts else 'ÉCARTS'} ({time.perf_counter() - started:.0f} s)"
        )
    return results
