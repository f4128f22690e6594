"""Demo CRAs: realistically spread over two years for every advisor with a contract
(volume ∝ ``ctx.scale``; themes skewed like real usage; bulk inserts in batches; idempotent)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import MiseEnRelation

from .enums import Materiel, Thematique, bit
from .models import Cra

# Rough shares seen in the programme's public statistics (e-mail, navigation and admin
# procedures dominate; AI and justice are rare).
THEME_WEIGHTS = {
    "navigation_sur_internet": 18, "email": 16, "aide_aux_demarches_administratives": 14,
    "prendre_en_main_du_materiel": 12, "securite_numerique": 7, "gere_ses_contenus_numeriques": 6,
    "bureautique": 5, "social_sante": 5, "sante": 4, "banque_et_achats_en_ligne": 4, "argent_impots": 4,
    "reseaux_sociaux": 3, "insertion_professionnelle": 3, "travail_formation": 3, "diagnostic_numerique": 3,
    "culture_numerique": 2, "papiers_elections_citoyennete": 2, "logement": 2, "parentalite": 1,
    "scolarite_et_numerique": 1, "intelligence_artificielle": 1, "entrepreneuriat": 1, "famille_scolarite": 1,
    "transports_mobilite": 1, "maintenance_de_materiel": 1, "creer_avec_le_numerique": 1, "justice": 1,
    "etrangers_europe": 1, "loisirs_sports_culture": 1, "associations": 1,
}  # fmt: skip
AGES = ["moins_de_douze", "douze_dix_huit", "dix_huit_vingt_quatre", "vingt_cinq_trente_neuf",
        "quarante_cinquante_neuf", "soixante_soixante_neuf", "soixante_dix_plus", "non_communique"]  # fmt: skip
AGE_WEIGHTS = [1, 2, 4, 10, 20, 25, 28, 10]
BATCH = 5000
EMPLOYING = [MiseEnRelationStatut.FINALISEE, MiseEnRelationStatut.NOUVELLE_RUPTURE, MiseEnRelationStatut.FINALISEE_RUPTURE,
             MiseEnRelationStatut.RENOUVELLEMENT_INITIEE, MiseEnRelationStatut.TERMINEE]  # fmt: skip


def _pick(rng, weights: dict, k: int) -> list[str]:
    codes = list(weights)
    return list(dict.fromkeys(rng.choices(codes, weights=list(weights.values()), k=k)))


def _cra(rng, contract, day) -> Cra:
    collectif = rng.random() < 0.12
    participants = rng.randint(3, 15) if collectif else 1
    cra = Cra(
        conseiller_id=contract.conseiller_id, structure_id=contract.structure_id,
        departement_code=contract.structure.departement_id or "", region_code=contract.structure.region_id or "",
        date=day, type="collectif" if collectif else "individuel",
        duree=rng.choice([60, 90, 120]) if collectif else rng.choices([15, 30, 45, 60, 90], [10, 35, 25, 22, 8])[0],
        type_lieu=rng.choices(["lieu_activite", "a_distance", "domicile", "autre"], [80, 8, 5, 7])[0],
        commune_code=contract.structure.commune_id or "", code_postal=contract.structure.code_postal,
        materiel=sum(bit(m, Materiel) for m in _pick(rng, {"ordinateur": 5, "telephone": 5, "tablette": 1}, 1)),
        thematiques=sum(bit(t, Thematique) for t in _pick(rng, THEME_WEIGHTS, rng.choice([1, 1, 2, 3]))),
        participants=participants, participants_recurrents=rng.randint(0, participants // 2) if collectif else 0,
        titre_atelier="Atelier numérique" if collectif else "", niveau="debutant" if collectif else "",
        autonomie="" if collectif else rng.choice(["entierement_accompagne", "partiellement_autonome", "autonome"]),
        created_at=timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        + timedelta(hours=rng.randint(9, 18)),
    )  # fmt: skip
    for _ in range(participants):
        age = rng.choices(AGES, AGE_WEIGHTS)[0]
        setattr(cra, f"age_{age}", getattr(cra, f"age_{age}") + 1)
        genre = rng.choice(["feminin", "feminin", "masculin", "non_communique"])
        setattr(cra, f"genre_{genre}", getattr(cra, f"genre_{genre}") + 1)
        statut = (
            "retraite"
            if age.startswith("soixante")
            else rng.choice(["en_emploi", "sans_emploi", "non_communique"])
        )
        setattr(cra, f"statut_{statut}", getattr(cra, f"statut_{statut}") + 1)
    return cra


def seed(ctx) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    start = today - timedelta(days=730)
    contracts = (
        MiseEnRelation.objects.filter(date_debut__isnull=False, date_debut__lte=today)
        .filter(statut__in=EMPLOYING)
        .exclude(date_rupture__lt=start)
        .exclude(date_fin__lt=start)
        .select_related("structure")
    )
    already = set(Cra.objects.values_list("conseiller_id", flat=True).distinct())
    rows: list[Cra] = []
    total = 0
    for contract in contracts.order_by("pk"):
        if contract.conseiller_id in already:
            continue
        end = min(today, contract.date_rupture or contract.date_fin or today)
        day = max(start, contract.date_debut or start)
        while day <= end:
            if day.weekday() < 5 and rng.random() < 0.85:  # working days, some days off
                for _ in range(rng.choice([1, 2, 2, 3, 4]) * ctx.scale):
                    rows.append(_cra(rng, contract, day))
            day += timedelta(days=1)
            if len(rows) >= BATCH:
                Cra.objects.bulk_create(rows)
                total += len(rows)
                rows = []
        already.add(contract.conseiller_id)
    Cra.objects.bulk_create(rows)
    total += len(rows)
    ctx.shared["cras"] = total
    ctx.log(f"  CRA : {total}")


__all__ = ["seed", "date"]
