"""Benchmark data set, reference part: the bench structures, advisors in post, recruitments and
accounts, the available candidates of ``make load``, and the removal of every bench row.

Re-exported by ``bench/dataset.py`` (use ``from bench import dataset``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

DOMAIN = "bench.conum.fr"
PASSWORD = "conum-bench-2026"  # noqa: S105 - public bench accounts on a scratch database
LEGACY_PREFIX = "bench-"
DEFAULT_CRAS = 1_000_000
DEFAULT_STRUCTURES = 3000
DEFAULT_ADVISORS = 4000
MONTHS = 24


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
