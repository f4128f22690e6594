"""Benchmark data set: structures, advisors in post and N CRAs, written fast with COPY.

    DATABASE_URL=postgres://... .venv/bin/python bench/dataset.py [--cras N] [--reset]
    # N: --cras, else BENCH_CRAS, else 1,000,000

What it builds (PostgreSQL; SQLite only for tiny sizes in tests, with plain inserts):

* the territory referential through the migrations (``migrate``);
* 3,000 validated structures over every département (one at least each, the rest weighted by
  population; commune weighted by population inside the département), one member each;
* 4,000 advisors (statut RECRUTE) with a *finalisee* recruitment on an occupied post of one of
  those structures, started before the period (current posts), with unequal activity;
* N CRAs over the last 24 months (weekdays, fewer in August and at Christmas, growing over
  time): ~80 % individual, collective sessions of 2–30 participants, durations skewed to
  30–60 min, places, themes skewed like real usage (handling equipment, internet, e-mail and
  administrative procedures dominate), equipment and theme bit sets (cra/enums.py), age /
  gender / status counts summing to the participants, 0.5 % soft-deleted, and the
  denormalised scope (structure, département, région codes) of the advisor's structure.

Rows are drawn from a pool of pre-built CRA "bodies" (50,000 random sessions) combined with a
random advisor, day and hour, so the Python side stays cheap. For large loads the secondary
indexes and foreign keys of ``cra_cra`` are dropped in the same transaction as the COPY and
rebuilt afterwards, then the table is vacuumed and analysed.

Accounts (password ``conum-bench-2026``): ``conseiller-<i>@bench.conum.fr``,
``structure-<i>@bench.conum.fr``, ``prefecture-<dép>@bench.conum.fr``,
``hub-<région>@bench.conum.fr``, ``operateur@bench.conum.fr`` (staff).

Idempotent-ish: without ``--reset`` an existing bench reference is reused and only the missing
CRAs are added (so ``make bench`` does not regenerate each time); ``--reset`` removes every
bench row (the CRAs of bench advisors, then the advisors, structures and accounts).
Tests use :func:`build` at tiny sizes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")
    import django

    django.setup()

DOMAIN = "bench.conum.fr"
PASSWORD = "conum-bench-2026"  # noqa: S105 - public bench accounts on a scratch database
LEGACY_PREFIX = "bench-"
DEFAULT_CRAS = 1_000_000
DEFAULT_STRUCTURES = 3000
DEFAULT_ADVISORS = 4000
MONTHS = 24
BODIES = 50_000
CHUNK = 50_000
# Below this many new rows, indexes stay in place (rebuilding them would cost more).
DROP_INDEXES_FROM = 300_000

# --- distributions ------------------------------------------------------------------------------
# Weights by Thematique code (the 19 "numérique" themes; démarches sub-themes are drawn only
# alongside aide_aux_demarches_administratives).
THEME_WEIGHTS = {
    "diagnostic_numerique": 3, "prendre_en_main_du_materiel": 22, "maintenance_de_materiel": 3,
    "gere_ses_contenus_numeriques": 6, "navigation_sur_internet": 14, "email": 14, "bureautique": 6,
    "reseaux_sociaux": 4, "sante": 4, "banque_et_achats_en_ligne": 3, "entrepreneuriat": 0.5,
    "insertion_professionnelle": 3, "securite_numerique": 4, "parentalite": 1, "scolarite_et_numerique": 1,
    "creer_avec_le_numerique": 1, "culture_numerique": 3, "intelligence_artificielle": 1,
    "aide_aux_demarches_administratives": 16,
}  # fmt: skip
DEMARCHE_WEIGHTS = {
    "papiers_elections_citoyennete": 4, "famille_scolarite": 1, "social_sante": 3, "travail_formation": 2,
    "logement": 1.5, "transports_mobilite": 1, "argent_impots": 3, "justice": 0.5, "etrangers_europe": 1,
    "loisirs_sports_culture": 0.3, "associations": 0.2,
}  # fmt: skip
NB_THEMES = ((1, 2, 3, 4), (55, 30, 12, 3))
MATERIEL_WEIGHTS = {"ordinateur": 40, "telephone": 45, "tablette": 10, "autre": 3, "aucun": 10}
DUREES_INDIVIDUEL = (
    (15, 30, 45, 60, 90, 120, 5, 10, 20, 40, 75, 180),
    (10, 22, 22, 25, 10, 6, 1, 1, 1, 1, 0.5, 0.5),
)
DUREES_COLLECTIF = ((45, 60, 90, 120, 180, 240), (5, 35, 20, 30, 7, 3))
LIEUX_INDIVIDUEL = (("lieu_activite", "a_distance", "domicile", "autre"), (72, 10, 8, 10))
LIEUX_COLLECTIF = (("lieu_activite", "autre", "a_distance"), (80, 18, 2))
AUTONOMIE = (("entierement_accompagne", "partiellement_autonome", "autonome"), (45, 40, 15))
NIVEAUX = (("debutant", "intermediaire", "avance"), (55, 35, 10))
# Weights in the enumerations' order (cra/enums.py TrancheAge, Genre, StatutSocial).
AGE_WEIGHTS = (2, 3, 6, 12, 22, 25, 25, 5)
GENRE_WEIGHTS = (40, 55, 5)
STATUT_WEIGHTS = (5, 25, 20, 35, 15)
PART_INDIVIDUEL = 0.8
PART_SUPPRIMES = 0.005


def _p(*args):
    print(*args, flush=True)


@dataclass
class Advisor:
    conseiller_id: int
    structure_id: int
    departement: str
    region: str
    commune: str
    code_postal: str


@dataclass
class Reference:
    advisors: list[Advisor] = field(default_factory=list)
    structures: int = 0
    created: bool = False


@dataclass
class Summary:
    cras_before: int
    cras_added: int
    cras_total: int
    structures: int
    advisors: int
    seconds_reference: float
    seconds_cras: float
    seconds_indexes: float
    seconds_analyze: float

    @property
    def rate(self) -> float:
        return self.cras_added / self.seconds_cras if self.seconds_cras else 0.0


# --- reference: structures, advisors, accounts -----------------------------------------------------


def _bench_conseillers():
    from conseillers.models import Conseiller

    return Conseiller.objects.filter(legacy_id__startswith=LEGACY_PREFIX)


def _bench_structures():
    from structures.models import Structure

    return Structure.objects.filter(legacy_id__startswith=LEGACY_PREFIX)


def load_reference() -> Reference:
    from conseillers.enums import MiseEnRelationStatut
    from conseillers.models import MiseEnRelation

    rows = (
        MiseEnRelation.objects.filter(
            conseiller__legacy_id__startswith=LEGACY_PREFIX, statut=MiseEnRelationStatut.FINALISEE
        )
        .order_by("conseiller_id")
        .values_list(
            "conseiller_id", "structure_id", "structure__departement_id", "structure__region_id",
            "structure__commune_id", "structure__code_postal",
        )
    )  # fmt: skip
    advisors = [Advisor(c, s, d or "", r or "", m or "", p or "") for c, s, d, r, m, p in rows]
    return Reference(advisors=advisors, structures=_bench_structures().count())


def build_reference(structures: int, advisors: int, rng: random.Random, today: date) -> Reference:
    """Create the bench structures, posts, advisors, recruitments and accounts (small tables:
    plain ``bulk_create``)."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Sum

    from conseillers.enums import ConseillerStatut, MiseEnRelationStatut, TypeContrat
    from conseillers.models import Conseiller, MiseEnRelation
    from conumapp.enums import Role
    from conumapp.models import Commune, Departement, Habilitation, Region, User
    from structures.enums import PosteEtat, PosteType, StructureStatut, StructureType
    from structures.models import Membre, Poste, Structure

    departements = list(
        Departement.objects.annotate(pop=Sum("communes__population")).values_list("code", "region_id", "pop")
    )
    if not departements:
        raise SystemExit("Référentiel des territoires vide : lancez d'abord manage.py migrate.")
    communes: dict[str, list[tuple[str, str, float]]] = {}
    for code, dep, pop, cps in Commune.objects.values_list("code_insee", "departement_id", "population",
                                                             "codes_postaux"):  # fmt: skip
        postcode = (cps or "").split(",")[0].split()[0] if cps else code
        communes.setdefault(dep, []).append((code, postcode[:5], float(pop or 1) ** 0.7))
    departements = [d for d in departements if d[0] in communes]
    # One structure per département at least, the rest weighted by population.
    picks = [d for d in departements][: min(structures, len(departements))]
    picks += rng.choices(
        departements, weights=[float(d[2] or 1) for d in departements], k=structures - len(picks)
    )
    password = make_password(PASSWORD)
    types = [t.value for t in StructureType]
    type_weights = [40, 3, 1, 15, 2, 2, 37]
    structure_rows = []
    for i, (dep, region, _pop) in enumerate(picks):
        code, postcode, _w = rng.choices(communes[dep], weights=[c[2] for c in communes[dep]])[0]
        structure_rows.append(
            Structure(
                siret=f"9{i:013d}", nom=f"Structure d'essai {i}", type=rng.choices(types, type_weights)[0],
                statut=StructureStatut.VALIDATION_COSELEC, adresse=f"{i} rue du Banc d'essai",
                code_postal=postcode, commune_id=code, departement_id=dep, region_id=region,
                contact_prenom="Banc", contact_nom="Essai", contact_email=f"structure-{i}@{DOMAIN}",
                engagement_confirme=True, nombre_postes_accordes=1, legacy_id=f"{LEGACY_PREFIX}{i}",
            )
        )  # fmt: skip
    created = Structure.objects.bulk_create(structure_rows, batch_size=1000)
    # Advisors per structure: one each, the rest on random structures (bigger ones get several).
    owners = list(range(len(created)))[:advisors]
    owners += rng.choices(range(len(created)), k=advisors - len(owners))
    counts: dict[int, int] = {}
    for owner in owners:
        counts[owner] = counts.get(owner, 0) + 1
    for index, count in counts.items():
        created[index].nombre_postes_accordes = count
    Structure.objects.bulk_update(created, ["nombre_postes_accordes"], batch_size=1000)

    users = [User(email=f"structure-{i}@{DOMAIN}", first_name="Structure", last_name=str(i), password=password)
             for i in range(len(created))]  # fmt: skip
    users += [User(email=f"conseiller-{i}@{DOMAIN}", first_name="Conseiller", last_name=str(i), password=password)
              for i in range(advisors)]  # fmt: skip
    users += [User(email=f"prefecture-{d[0].lower()}@{DOMAIN}", first_name="Préfecture", last_name=d[0],
                   password=password) for d in departements]  # fmt: skip
    regions = list(Region.objects.values_list("code", flat=True))
    users += [
        User(email=f"hub-{r}@{DOMAIN}", first_name="Hub", last_name=r, password=password) for r in regions
    ]
    users.append(
        User(
            email=f"operateur@{DOMAIN}",
            first_name="Opérateur",
            last_name="Banc",
            password=password,
            is_staff=True,
            is_superuser=True,
        )
    )  # fmt: skip (operators are superusers, as in the demo)
    users = User.objects.bulk_create(users, batch_size=2000)
    by_email = {u.email: u.pk for u in users}

    Membre.objects.bulk_create(
        [
            Membre(structure_id=s.pk, user_id=by_email[f"structure-{i}@{DOMAIN}"])
            for i, s in enumerate(created)
        ],
        batch_size=2000,
    )
    habilitations = [Habilitation(user_id=by_email[f"structure-{i}@{DOMAIN}"], role=Role.STRUCTURE)
                     for i in range(len(created))]  # fmt: skip
    habilitations += [Habilitation(user_id=by_email[f"conseiller-{i}@{DOMAIN}"], role=Role.CONSEILLER)
                      for i in range(advisors)]  # fmt: skip
    habilitations += [Habilitation(user_id=by_email[f"prefecture-{d[0].lower()}@{DOMAIN}"], role=Role.PREFECTURE,
                                   departement_id=d[0]) for d in departements]  # fmt: skip
    habilitations += [Habilitation(user_id=by_email[f"hub-{r}@{DOMAIN}"], role=Role.HUB, region_id=r)
                      for r in regions]  # fmt: skip
    habilitations.append(Habilitation(user_id=by_email[f"operateur@{DOMAIN}"], role=Role.OPERATEUR))
    Habilitation.objects.bulk_create(habilitations, batch_size=2000)

    postes = Poste.objects.bulk_create(
        [Poste(structure_id=created[o].pk, type=PosteType.CONUM, etat=PosteEtat.OCCUPE) for o in owners],
        batch_size=2000,
    )
    conseillers = []
    for i, owner in enumerate(owners):
        s = created[owner]
        conseillers.append(
            Conseiller(
                user_id=by_email[f"conseiller-{i}@{DOMAIN}"], prenom="Conseiller", nom=f"Essai {i}",
                code_postal=s.code_postal, commune_id=s.commune_id, departement_id=s.departement_id,
                disponible=False, statut=ConseillerStatut.RECRUTE, legacy_id=f"{LEGACY_PREFIX}{i}",
            )
        )  # fmt: skip
    conseillers = Conseiller.objects.bulk_create(conseillers, batch_size=2000)
    period_start = today - timedelta(days=31 * MONTHS + 30)
    relations = []
    for i, owner in enumerate(owners):
        cdi = rng.random() < 0.3
        relations.append(
            MiseEnRelation(
                conseiller_id=conseillers[i].pk, structure_id=created[owner].pk, poste_id=postes[i].pk,
                statut=MiseEnRelationStatut.FINALISEE,
                type_contrat=TypeContrat.CDI if cdi else TypeContrat.CDD,
                date_debut=period_start - timedelta(days=rng.randint(0, 120)),
                date_fin=None if cdi else today + timedelta(days=rng.randint(60, 900)),
                salaire_brut=1900, validated_at=datetime.combine(period_start, datetime.min.time(), UTC),
            )
        )  # fmt: skip
    MiseEnRelation.objects.bulk_create(relations, batch_size=2000)
    reference = load_reference()
    reference.created = True
    return reference


def ensure_candidats(n: int, seed: int = 3) -> int:
    """``n`` available candidates (for the structures' candidate search in ``make load``), spread
    over the communes by population; only the missing ones are created. Returns the count."""
    from django.contrib.auth.hashers import make_password

    from conseillers.enums import DistanceMax, PixNiveau
    from conseillers.models import Conseiller
    from conumapp.models import Commune, User

    existing = Conseiller.objects.filter(legacy_id__startswith=f"{LEGACY_PREFIX}cand-").count()
    if existing >= n:
        return existing
    rng = random.Random(seed + existing)
    communes = list(
        Commune.objects.filter(latitude__isnull=False)
        .exclude(departement__code__startswith="97")
        .values_list("code_insee", "departement_id", "latitude", "longitude", "population")
    )
    weights = [float(c[4] or 1) for c in communes]
    password = make_password(None)
    for start in range(existing, n, 5000):
        stop = min(n, start + 5000)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"candidat-{i}@{DOMAIN}", first_name="Candidat", last_name=str(i), password=password
                )
                for i in range(start, stop)
            ]  # fmt: skip
        )
        rows = []
        for i, user in zip(range(start, stop), users, strict=True):
            code, dep, lat, lon, _pop = rng.choices(communes, weights)[0]
            rows.append(
                Conseiller(
                    user_id=user.pk, prenom="Candidat", nom=f"Essai {i}", code_postal="00000", commune_id=code,
                    departement_id=dep, latitude=lat, longitude=lon, disponible=rng.random() < 0.9,
                    distance_max=rng.choice(DistanceMax.values), pix_niveau=rng.choice([None, *PixNiveau.values]),
                    cv="cv/bench.pdf" if rng.random() < 0.6 else "", legacy_id=f"{LEGACY_PREFIX}cand-{i}",
                )
            )  # fmt: skip
        Conseiller.objects.bulk_create(rows)
    return n


# --- CRA bodies --------------------------------------------------------------------------------------


def _columns():
    """COPY column order: advisor part, time part, body part."""
    from cra.enums import COMPTES

    advisor = [
        "conseiller_id",
        "structure_id",
        "departement_code",
        "region_code",
        "commune_code",
        "code_postal",
    ]
    times = ["date", "created_at", "updated_at", "deleted_at"]
    body = ["type", "duree", "type_lieu", "materiel", "thematiques", "autonomie", "oriente",
            "structure_redirection", "titre_atelier", "niveau", "participants", "participants_recurrents"]  # fmt: skip
    body += [f"{prefix}_{m.value}" for prefix, enum in COMPTES for m in enum]
    body += ["tags", "note", "source", "source_id", "source_data"]
    return advisor, times, body


def _counts(rng: random.Random, participants: int, weights) -> list[int]:
    counts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights=weights, k=participants):
        counts[index] += 1
    return counts


def make_bodies(rng: random.Random, n: int = BODIES) -> list[tuple]:
    """``n`` random sessions (the body columns of ``_columns()``), valid for ``Cra.clean``."""
    from cra.enums import Materiel, StructureRedirection, Thematique, bits_of

    themes, theme_w = list(THEME_WEIGHTS), list(THEME_WEIGHTS.values())
    demarches, demarche_w = list(DEMARCHE_WEIGHTS), list(DEMARCHE_WEIGHTS.values())
    materiels, materiel_w = list(MATERIEL_WEIGHTS), list(MATERIEL_WEIGHTS.values())
    redirections = [m.value for m in StructureRedirection]
    labels = {m.value: m.label for m in Thematique}
    bodies = []
    for _ in range(n):
        individual = rng.random() < PART_INDIVIDUEL
        chosen: set[str] = set()
        wanted = rng.choices(*NB_THEMES)[0]
        while len(chosen) < wanted:
            chosen.add(rng.choices(themes, theme_w)[0])
        if "aide_aux_demarches_administratives" in chosen and rng.random() < 0.7:
            chosen.add(rng.choices(demarches, demarche_w)[0])
        first = next(t for t in themes if t in chosen)
        kit = {rng.choices(materiels, materiel_w)[0] for _ in range(1 if rng.random() < 0.85 else 2)}
        if "aucun" in kit and len(kit) > 1:
            kit.discard("aucun")
        if individual:
            participants = 1
            duree = rng.choices(*DUREES_INDIVIDUEL)[0]
            lieu = rng.choices(*LIEUX_INDIVIDUEL)[0]
            autonomie = rng.choices(*AUTONOMIE)[0]
            draw = rng.random()
            oriente = True if draw < 0.12 else (False if draw < 0.72 else None)
            redirection = rng.choice(redirections) if oriente else ""
            titre, niveau, recurrents = "", "", 0
        else:
            participants = min(30, 2 + int(rng.expovariate(1 / 5)))
            duree = rng.choices(*DUREES_COLLECTIF)[0]
            lieu = rng.choices(*LIEUX_COLLECTIF)[0]
            autonomie, oriente, redirection = "", None, ""
            titre = f"Atelier : {labels[first]}"[:150]
            niveau = rng.choices(*NIVEAUX)[0]
            recurrents = rng.randint(0, participants // 2)
        counts = (
            _counts(rng, participants, AGE_WEIGHTS)
            + _counts(rng, participants, GENRE_WEIGHTS)
            + _counts(rng, participants, STATUT_WEIGHTS)
        )
        bodies.append(
            (
                "individuel" if individual else "collectif", duree, lieu, bits_of(kit, Materiel),
                bits_of(chosen, Thematique), autonomie, oriente, redirection, titre, niveau, participants,
                recurrents, *counts, "", "", "", "", None,
            )
        )  # fmt: skip
    return bodies


def _text(value) -> str:
    """A value in PostgreSQL COPY text format (bench values contain no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _days(rng: random.Random, today: date, months: int) -> tuple[list[date], list[float]]:
    """Days of the period (up to yesterday) and their weights: weekdays, holidays, growth."""
    end = today - timedelta(days=1)
    start = end - timedelta(days=round(months * 30.44) - 1)
    days, weights = [], []
    total = (end - start).days or 1
    day = start
    while day <= end:
        weight = (1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.03)[day.weekday()]
        if day.month == 8:
            weight *= 0.55
        if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
            weight *= 0.4
        weight *= 0.8 + 0.4 * (day - start).days / total
        days.append(day)
        weights.append(weight)
        day += timedelta(days=1)
    return days, weights


# --- writing ----------------------------------------------------------------------------------------


def _secondary_objects(cursor) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(index name, definition) of cra_cra's non-constraint indexes; (name, definition) of its FKs."""
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
           WHERE t.relname = 'cra_cra' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"""
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = 'cra_cra'::regclass AND contype = 'f'"""
    )
    return indexes, cursor.fetchall()


def write_cras(
    n: int, reference: Reference, *, seed: int = 1, months: int = MONTHS, today: date | None = None,
    drop_indexes: bool | None = None, progress: bool = False,
) -> tuple[float, float]:  # fmt: skip
    """Append ``n`` CRAs of the reference's advisors. Returns (seconds writing, seconds indexes)."""
    from django.db import connection, transaction
    from django.utils import timezone

    if n <= 0:
        return 0.0, 0.0
    if not reference.advisors:
        raise SystemExit("Aucun conseiller du banc d'essai : construisez d'abord la référence.")
    rng = random.Random(seed)
    today = today or timezone.localdate()
    advisor_cols, time_cols, body_cols = _columns()
    bodies = make_bodies(rng, min(BODIES, max(200, n)))
    body_texts = ["\t".join(_text(v) for v in body) for body in bodies]
    days, day_weights = _days(rng, today, months)
    # Activity per advisor: log-normal (a few advisors file many CRAs).
    adv_weights = [rng.lognormvariate(0, 0.6) for _ in reference.advisors]
    adv_values = [
        (a.conseiller_id, a.structure_id, a.departement, a.region, a.commune, a.code_postal)
        for a in reference.advisors
    ]
    adv_texts = ["\t".join(_text(v) for v in values) for values in adv_values]
    slots = [(h, m) for h in range(8, 19) for m in (0, 10, 20, 30, 40, 50)]
    time_texts = []  # per day: [(normal, deleted) per slot]
    time_values = []
    for day in days:
        per_day, per_day_values = [], []
        for h, m in slots:
            stamp = datetime(day.year, day.month, day.day, h, m, tzinfo=UTC)
            deleted = stamp + timedelta(hours=2)
            iso, iso_del = stamp.isoformat(sep=" "), deleted.isoformat(sep=" ")
            per_day.append((f"{day}\t{iso}\t{iso}\t\\N", f"{day}\t{iso}\t{iso}\t{iso_del}"))
            per_day_values.append(((day, stamp, stamp, None), (day, stamp, stamp, deleted)))
        time_texts.append(per_day)
        time_values.append(per_day_values)
    deleted_flags = [rng.random() < PART_SUPPRIMES for _ in bodies]

    adv_cum = _cumulative(adv_weights)
    day_cum = _cumulative(day_weights)
    n_adv, n_days, n_bodies, n_slots = len(adv_texts), len(days), len(bodies), len(slots)
    columns = advisor_cols + time_cols + body_cols
    postgres = connection.vendor == "postgresql"
    if drop_indexes is None:
        drop_indexes = postgres and n >= DROP_INDEXES_FROM
    started = time.perf_counter()
    seconds_indexes = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            dropped, foreign_keys = _secondary_objects(cursor) if drop_indexes else ([], [])
            for name, _definition in foreign_keys:
                cursor.execute(f'ALTER TABLE cra_cra DROP CONSTRAINT "{name}"')
            for name, _definition in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            sql = f"COPY cra_cra ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                done = 0
                while done < n:
                    size = min(CHUNK, n - done)
                    advs = rng.choices(range(n_adv), cum_weights=adv_cum, k=size)
                    dys = rng.choices(range(n_days), cum_weights=day_cum, k=size)
                    bods = [int(rng.random() * n_bodies) for _ in range(size)]
                    lines = [
                        f"{adv_texts[a]}\t{time_texts[d][int(rng.random() * n_slots)][deleted_flags[b]]}"
                        f"\t{body_texts[b]}\n"
                        for a, d, b in zip(advs, dys, bods, strict=True)
                    ]
                    copy.write("".join(lines).encode())
                    done += size
                    if progress and (done // CHUNK) % 20 == 0:
                        elapsed = time.perf_counter() - started
                        _p(f"  {done:>11,} CRA écrits ({done / elapsed:,.0f}/s)")
            written = time.perf_counter()
            if dropped or foreign_keys:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for name, definition in dropped:
                    if progress:
                        _p(f"  index {name}…")
                    cursor.execute(definition)
                for name, definition in foreign_keys:
                    cursor.execute(f'ALTER TABLE cra_cra ADD CONSTRAINT "{name}" {definition}')
            seconds_indexes = time.perf_counter() - written
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO cra_cra ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - fixed columns
            rows = []
            for _ in range(n):
                a = rng.choices(range(n_adv), cum_weights=adv_cum)[0]
                d = rng.choices(range(n_days), cum_weights=day_cum)[0]
                b = int(rng.random() * n_bodies)
                rows.append(
                    adv_values[a] + time_values[d][int(rng.random() * n_slots)][deleted_flags[b]] + bodies[b]
                )
            cursor.executemany(sql, rows)
            written = time.perf_counter()
    return written - started, seconds_indexes


def _cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def count_bench_cras() -> int:
    from cra.models import Cra

    return Cra.objects.filter(conseiller__legacy_id__startswith=LEGACY_PREFIX).count()


def reset() -> None:
    """Remove every bench row (CRAs of bench advisors first; TRUNCATE when they are all the CRAs)."""
    from django.db import connection, transaction

    from conseillers.models import MiseEnRelation
    from conumapp.models import Habilitation, User
    from cra.models import AlerteInactivite, Cra
    from structures.models import Membre, Poste

    # TRUNCATE only at top level (inside a test's transaction, deferred FK checks forbid it).
    can_truncate = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        bench_cras = Cra.objects.filter(conseiller__legacy_id__startswith=LEGACY_PREFIX)
        others = Cra.objects.exclude(conseiller__legacy_id__startswith=LEGACY_PREFIX).exists()
        if can_truncate and not others:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE cra_cra, cra_historicalcra")
        else:
            Cra.history.filter(conseiller__legacy_id__startswith=LEGACY_PREFIX).delete()
            bench_cras._raw_delete(bench_cras.db)
        conseillers = _bench_conseillers()
        AlerteInactivite.objects.filter(conseiller__in=conseillers).delete()
        MiseEnRelation.objects.filter(conseiller__in=conseillers).delete()
        structures = _bench_structures()
        Poste.objects.filter(structure__in=structures).delete()
        Membre.objects.filter(structure__in=structures).delete()
        conseillers.delete()
        structures.delete()
        users = User.objects.filter(email__endswith=f"@{DOMAIN}")
        Habilitation.objects.filter(user__in=users).delete()
        users.delete()


def analyze(vacuum: bool = True) -> None:
    """ANALYZE (and VACUUM outside a transaction: visibility map for index-only scans)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if vacuum and connection.get_autocommit() and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE) cra_cra")
        else:
            cursor.execute("ANALYZE cra_cra")
        for table in ("structures_structure", "conseillers_conseiller", "conseillers_miseenrelation",
                      "conumapp_user", "structures_membre"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")


def refresh_rollups() -> None:
    """Rebuild the statistics rollups (COPY bypasses the signals that keep them up to date)."""
    from django.apps import apps

    if not apps.is_installed("statistiques"):
        return
    try:
        from statistiques import cumuls
    except ImportError:
        return
    if callable(rebuild := getattr(cumuls, "reconstruire", None)):
        rebuild()


def build(
    cras: int, *, structures: int = DEFAULT_STRUCTURES, advisors: int = DEFAULT_ADVISORS, reset_first: bool = False,
    seed: int = 1, months: int = MONTHS, today: date | None = None, drop_indexes: bool | None = None,
    vacuum: bool = True, progress: bool = False,
) -> Summary:  # fmt: skip
    """Ensure the bench data set holds ``cras`` CRAs (adds the missing ones). Usable in tests."""
    from django.utils import timezone

    today = today or timezone.localdate()
    started = time.perf_counter()
    if reset_first:
        reset()
    reference = load_reference()
    if not reference.advisors:
        reference = build_reference(structures, advisors, random.Random(seed), today)
    else:  # data sets built before the operator became a superuser (admin pages of make load)
        from conumapp.models import User

        User.objects.filter(email=f"operateur@{DOMAIN}").update(is_staff=True, is_superuser=True)
    seconds_reference = time.perf_counter() - started
    before = count_bench_cras()
    missing = max(0, cras - before)
    if progress:
        _p(
            f"Référence : {reference.structures} structures, {len(reference.advisors)} conseillers en poste "
            f"({seconds_reference:.1f} s). CRA présents : {before:,} ; à ajouter : {missing:,}."
        )
    seconds_cras, seconds_indexes = write_cras(
        missing, reference, seed=seed + before, months=months, today=today, drop_indexes=drop_indexes,
        progress=progress,
    )  # fmt: skip
    analyzed = time.perf_counter()
    if missing:
        analyze(vacuum=vacuum)
        refresh_rollups()
    seconds_analyze = time.perf_counter() - analyzed
    return Summary(
        cras_before=before, cras_added=missing, cras_total=before + missing, structures=reference.structures,
        advisors=len(reference.advisors), seconds_reference=seconds_reference, seconds_cras=seconds_cras,
        seconds_indexes=seconds_indexes, seconds_analyze=seconds_analyze,
    )  # fmt: skip


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            "Le banc d'essai a besoin de PostgreSQL : définissez DATABASE_URL "
            "(par exemple postgres://conum:conum@127.0.0.1:5432/conum_bench). SQLite n'est pas mesuré."
        )


def main(argv=None) -> int:
    from django.core.management import call_command

    parser = argparse.ArgumentParser(description="Jeu de données du banc d'essai (CRA par COPY).")
    parser.add_argument("--cras", type=int, default=int(os.environ.get("BENCH_CRAS", DEFAULT_CRAS)))
    parser.add_argument("--structures", type=int, default=DEFAULT_STRUCTURES)
    parser.add_argument("--conseillers", type=int, default=DEFAULT_ADVISORS)
    parser.add_argument("--mois", type=int, default=MONTHS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="supprimer d'abord toutes les lignes du banc")
    parser.add_argument("--no-vacuum", action="store_true")
    args = parser.parse_args(argv)
    require_postgresql()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = build(
        args.cras, structures=args.structures, advisors=args.conseillers, reset_first=args.reset, seed=args.seed,
        months=args.mois, vacuum=not args.no_vacuum, progress=True,
    )  # fmt: skip
    _p(
        f"Jeu de données : {summary.cras_total:,} CRA ({summary.cras_added:,} ajoutés : écriture "
        f"{summary.seconds_cras:.1f} s soit {summary.rate:,.0f}/s, index {summary.seconds_indexes:.1f} s, "
        f"VACUUM/ANALYZE {summary.seconds_analyze:.1f} s) ; total {time.perf_counter() - started:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
