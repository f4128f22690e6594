"""CRA filing through the real form (``/cra/saisir/``) by concurrent HTTP clients (asyncio).

Used by ``make bench`` (50 clients against gunicorn) and by ``make load`` (the advisors of the
mixed scenario). Each client is a bench advisor with its own session (created in the session
store: the login form's rate limit would refuse 50 logins a minute from one address), reads the
form once for its CSRF token, then posts CRAs in a loop. Every CRA differs from the advisor's
previous ones (date, duration), so the duplicate check (same CRA within 10 minutes) never
fires; a filing counts as an error unless the answer is the redirect to the confirmation page.
``make bench`` uses ``bench/client_http.py`` (a minimal keep-alive client: httpx took a third of
the 2 cores); ``make load`` keeps httpx for its mixed pages.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from .common import csrf_token, percentile, session_for

SAISIR = "/cra/saisir/"


@dataclass
class Agent:
    """A bench advisor ready to file: session key, a commune of its structure."""

    session: str
    commune: str
    code_postal: str
    numero: int = 0


@dataclass
class Mesures:
    latences: list[float] = field(default_factory=list)  # ms, successful filings
    erreurs: int = 0
    exemples: list[str] = field(default_factory=list)

    def erreur(self, message: str) -> None:
        self.erreurs += 1
        if len(self.exemples) < 5:
            self.exemples.append(message[:200])


def agents(n: int, seed: int | None = None) -> list[Agent]:
    """``n`` distinct bench advisors (random among the 4,000 so successive runs differ)."""
    from datetime import timedelta

    from django.utils import timezone

    from bench.dataset import LEGACY_PREFIX
    from conseillers.enums import MiseEnRelationStatut
    from conseillers.models import MiseEnRelation
    from cra.models import Cra
    from cra.services import DOUBLON_MINUTES

    # Advisors who filed in the last minutes (a previous run) are left out: their first CRAs
    # would be refused as possible duplicates of that run's.
    recent = Cra.objects.filter(created_at__gte=timezone.now() - timedelta(minutes=DOUBLON_MINUTES + 1))
    rows = list(
        MiseEnRelation.objects.filter(
            conseiller__legacy_id__startswith=LEGACY_PREFIX, statut=MiseEnRelationStatut.FINALISEE
        )
        .exclude(conseiller__in=recent.values("conseiller"))
        .values_list("conseiller__user", "structure__commune_id", "structure__code_postal")
    )
    if len(rows) < n:
        raise SystemExit(f"Il faut au moins {n} conseillers du banc d'essai (bench/dataset.py).")
    chosen = random.Random(seed).sample(rows, n)
    from conumapp.models import User

    users = User.objects.in_bulk([row[0] for row in chosen])
    return [Agent(session_for(users[user_id]), commune or "", cp or "") for user_id, commune, cp in chosen]


def formulaire(agent: Agent, token: str, today) -> dict:
    """A valid CRA, different from the advisor's previous ones (2,688 combinations)."""
    from datetime import timedelta

    k = agent.numero
    agent.numero += 1
    data = {
        "csrfmiddlewaretoken": token,
        "date": (today - timedelta(days=k % 28)).isoformat(),
        "duree": "autre",
        "duree_autre": str(5 * (1 + (k // 28) % 96)),
        "type_lieu": "lieu_activite",
        "commune_code": agent.commune,
        "lieu": agent.code_postal,
        "materiel": ["ordinateur"],
        "thematiques_numeriques": ["email", "navigation_sur_internet"]
        if k % 3
        else ["prendre_en_main_du_materiel"],
        "participants_recurrents": "0",
        "tags": "",
        "note": "",
    }
    if k % 5 == 4:
        data.update({
            "type": "collectif", "titre_atelier": "Atelier courriel", "niveau": "debutant", "participants": "6",
            "age_soixante_soixante_neuf": "4", "age_soixante_dix_plus": "2", "genre_feminin": "4",
            "genre_masculin": "2", "statut_retraite": "6",
        })  # fmt: skip
    else:
        data.update({"type": "individuel", "autonomie": "partiellement_autonome", "oriente": "non",
                     "public_defaut": "on"})  # fmt: skip
    return data


async def preparer(client, agent: Agent) -> str:
    """Read the form once (CSRF cookie and token). ``client``: httpx or ``ClientHTTP``."""
    if isinstance(client.cookies, dict):
        client.cookies["sessionid"] = agent.session
    else:
        client.cookies.set("sessionid", agent.session)
    response = await client.get(SAISIR)
    if response.status_code != 200:
        raise RuntimeError(f"GET {SAISIR} : {response.status_code}")
    return csrf_token(response.text)


async def deposer(
    client, agent: Agent, token: str, today, mesures: Mesures, prevu: float | None = None
) -> bool:
    """Post one CRA; its latency runs from ``prevu`` (the scheduled send time, at a target rate:
    a late send counts as waiting, so a slow server cannot hide its queue) or from now."""
    started = time.perf_counter() if prevu is None else prevu
    try:
        response = await client.post(
            SAISIR, data=formulaire(agent, token, today), headers={"Referer": str(client.base_url)}
        )
    except Exception as error:  # noqa: BLE001 - any transport error is a failed filing
        mesures.erreur(f"{type(error).__name__}: {error}")
        return False
    elapsed = (time.perf_counter() - started) * 1000
    location = response.headers.get("location", "")
    if response.status_code == 302 and "/enregistre/" in location:
        mesures.latences.append(elapsed)
        return True
    mesures.erreur(f"{response.status_code} {location or response.text[:120]!r}")
    return False


async def _campagne(
    base: str, agents_: list[Agent], seconds: float, today, debit: float | None = None
) -> tuple[Mesures, float]:
    """Every client reads the form first, then all of them post until the deadline: each as
    soon as its previous answer came (``debit`` None: the server's capacity), or on a fixed
    schedule, the clients staggered so that together they offer ``debit`` CRAs per second."""
    from .client_http import ClientHTTP

    mesures = Mesures()
    clients = [ClientHTTP(base, timeout=30) for _ in agents_]
    tokens = await asyncio.gather(
        *(preparer(c, a) for c, a in zip(clients, agents_, strict=True)), return_exceptions=True
    )
    started = time.perf_counter()
    deadline = started + seconds

    intervalle = len(agents_) / debit if debit else 0.0

    async def boucle(rang, client, agent, token):
        try:
            if isinstance(token, BaseException):
                mesures.erreur(f"préparation : {token}")
                return
            prevu = started + rang * intervalle / len(agents_)
            while (prevu if debit else time.perf_counter()) < deadline:
                if debit:
                    await asyncio.sleep(max(0.0, prevu - time.perf_counter()))
                await deposer(client, agent, token, today, mesures, prevu if debit else None)
                prevu += intervalle
        finally:
            await client.aclose()

    await asyncio.gather(
        *(boucle(i, c, a, t) for i, (c, a, t) in enumerate(zip(clients, agents_, tokens, strict=True)))
    )
    return mesures, time.perf_counter() - started


def mesurer(
    base: str, clients: int = 50, seconds: float = 30.0, seed: int | None = None, debit: float | None = None
) -> dict:
    """File CRAs with ``clients`` concurrent clients for ``seconds``, back to back (``debit``
    None) or offering ``debit`` CRAs/s together: CRAs/s served, p50, p95, errors."""
    from django.utils import timezone

    agents_ = agents(clients, seed)
    mesures, elapsed = asyncio.run(_campagne(base, agents_, seconds, timezone.localdate(), debit))
    ok = len(mesures.latences)
    return {
        "clients": clients,
        "debit_offert": debit,
        "secondes": round(elapsed, 1),
        "cras": ok,
        "erreurs": mesures.erreurs,
        "debit": ok / elapsed if elapsed else 0.0,
        "p50": percentile(mesures.latences, 50) if ok else float("nan"),
        "p95": percentile(mesures.latences, 95) if ok else float("nan"),
        "exemples": mesures.exemples,
    }
