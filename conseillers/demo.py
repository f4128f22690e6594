"""Demo data: candidates and advisors in every pipeline status, ruptures, extensions, leave.

Runs after the structures (validated structures with posts, the demo structure user's
membership: ``ctx.shared["structures"][0]``) and conventions demos. At scale 1: about 200
candidates and 80 advisors. The demo ``conseiller`` user is recruited (``finalisee``) by the demo
structure in the Rhône; the demo ``candidat`` user is a candidate near Lyon; the demo
``coordinateur`` user coordinates a few advisors.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from conumapp.enums import Role
from conumapp.models import Commune, Habilitation, User
from conumapp.permissions import grant_role
from structures.enums import PosteEtat
from structures.models import Poste, Structure

from .enums import (
    ConseillerStatut,
    DistanceMax,
    MotifRupture,
    PixNiveau,
    ProlongationStatut,
    Situation,
    TypeConge,
    TypeContrat,
)
from .enums import (
    MiseEnRelationStatut as S,
)
from .models import Conge, Conseiller, Coordination, MiseEnRelation, Prolongation

DEMO_PDF = b"%PDF-1.4\n% CV de demonstration Conum\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PRENOMS = [
    "Léa",
    "Hugo",
    "Inès",
    "Yanis",
    "Chloé",
    "Mehdi",
    "Manon",
    "Lucas",
    "Aïcha",
    "Thomas",
    "Jade",
    "Noah",
]
NOMS = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Diallo",
]
SALAIRE = Decimal("2050.00")


def _demo_structure(ctx, users) -> Structure | None:
    structures = ctx.shared.get("structures") or []
    if structures:
        return structures[0]
    user = users.get(Role.STRUCTURE)
    return Structure.objects.of_member(user).order_by("pk").first() if user else None


def _profil(ctx, index, commune, user, **extra) -> Conseiller:
    rng = ctx.rng
    pix = rng.choice([None, *PixNiveau.values])
    return Conseiller(
        user=user,
        prenom=user.first_name,
        nom=user.last_name,
        code_postal=(commune.codes_postaux or "69001").split(",")[0][:5] or "69001",
        commune=commune,
        departement_id=commune.departement_id,
        latitude=commune.latitude,
        longitude=commune.longitude,
        disponible=True,
        date_disponibilite=timezone.localdate() + timedelta(days=rng.randint(-30, 90)),
        distance_max=rng.choice(DistanceMax.values),
        situation=rng.choice(Situation.values),
        diplome_mediation=(diplome := rng.random() < 0.3),
        diplome_nom="Titre professionnel REMN" if diplome else "",
        experience_mediation=rng.random() < 0.4,
        pix_niveau=pix,
        pix_partage=pix is not None and rng.random() < 0.7,
        ccp1_obtenu=rng.random() < 0.15,
        **extra,
    )


def _users(prefix: str, count: int, rng) -> list[User]:
    users = [
        User(
            email=f"{prefix}-{i + 1}@demo.conum.fr",
            first_name=rng.choice(PRENOMS),
            last_name=rng.choice(NOMS),
            password=make_password(None),  # unusable: only the demo accounts log in
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users)
    return list(
        User.objects.filter(email__startswith=f"{prefix}-", email__endswith="@demo.conum.fr").order_by("pk")
    )


def _grant_bulk(users, role) -> None:
    Habilitation.objects.bulk_create([Habilitation(user=u, role=role) for u in users], ignore_conflicts=True)


def _contrat(ctx, today, *, debut_max_jours=700):
    rng = ctx.rng
    type_contrat = rng.choice([TypeContrat.CDD, TypeContrat.CDD, TypeContrat.CDI, TypeContrat.PEC,
                               TypeContrat.CONTRAT_DE_PROJET_PUBLIC])  # fmt: skip
    debut = today - timedelta(days=rng.randint(60, debut_max_jours))
    fin = (
        None if type_contrat == TypeContrat.CDI else debut + timedelta(days=rng.choice([365, 540, 730, 1095]))
    )
    return {"type_contrat": type_contrat, "date_debut": debut, "date_fin": fin, "salaire_brut": SALAIRE}


def seed(ctx) -> None:
    users = ctx.shared.get("users", {})
    operateur = users.get(Role.OPERATEUR)
    if operateur is None:
        return
    rng, today, now = ctx.rng, timezone.localdate(), timezone.now()
    communes = list(
        Commune.objects.filter(latitude__isnull=False, departement_id__in=["69", "38", "01", "42", "75", "13", "33", "59", "35", "44", "31"])
        .order_by("-population", "code_insee")[:400]
    )  # fmt: skip
    lyon = Commune.objects.filter(code_insee="69123").first() or communes[0]
    demo_structure = _demo_structure(ctx, users)
    validees = list(Structure.objects.validees().order_by("pk"))

    # --- Candidates (never recruited) ------------------------------------------------------
    n_candidats = 200 * ctx.scale
    candidat_users = _users("candidat", n_candidats, rng)
    candidats = [_profil(ctx, i, rng.choice(communes[:150]), u) for i, u in enumerate(candidat_users)]
    for c in candidats[::7]:
        c.disponible = False
    bulk_create_with_history(candidats, Conseiller, default_user=operateur)
    candidats = list(Conseiller.objects.filter(user__in=candidat_users).order_by("pk"))
    _grant_bulk(candidat_users, Role.CANDIDAT)

    # --- Advisors: every occupied post gets one; then past contracts (ruptures, ended) -------
    n_conseillers = 80 * ctx.scale
    conseiller_users = _users("conseiller", n_conseillers, rng)
    conseillers = [_profil(ctx, i, rng.choice(communes[:150]), u) for i, u in enumerate(conseiller_users)]
    bulk_create_with_history(conseillers, Conseiller, default_user=operateur)
    conseillers = list(Conseiller.objects.filter(user__in=conseiller_users).order_by("pk"))
    _grant_bulk(conseiller_users, Role.CONSEILLER)

    postes_occupes = list(
        Poste.objects.filter(etat=PosteEtat.OCCUPE, structure__in=validees)
        .exclude(structure=demo_structure)
        .order_by("pk")
    )
    mers, recrutes, ruptures = [], [], []
    pool = iter(conseillers)
    for poste in postes_occupes:
        conseiller = next(pool, None)
        if conseiller is None:
            break
        statut = rng.choice([S.FINALISEE] * 6 + [S.NOUVELLE_RUPTURE])
        contrat = _contrat(ctx, today)
        mer = MiseEnRelation(conseiller=conseiller, structure_id=poste.structure_id, poste=poste, statut=statut,
                             validated_by=operateur, validated_at=now - timedelta(days=rng.randint(30, 500)), **contrat)  # fmt: skip
        if statut == S.NOUVELLE_RUPTURE:
            mer.date_rupture = min(
                today + timedelta(days=20), contrat["date_fin"] or today + timedelta(days=20)
            )
            mer.motif_rupture = rng.choice(MotifRupture.values)
            mer.commentaire_rupture = "Rupture de démonstration."
            if rng.random() < 0.5:
                mer.dossier_incomplet, mer.pieces_manquantes = True, "Lettre de démission signée"
        mers.append(mer)
        recrutes.append(conseiller)
    for conseiller in pool:  # past contracts: rupture validated (available again) or ended
        structure = rng.choice(validees) if validees else demo_structure
        contrat = _contrat(ctx, today - timedelta(days=400), debut_max_jours=900)
        fin = contrat["date_fin"] or contrat["date_debut"] + timedelta(days=300)
        mers.append(
            MiseEnRelation(
                conseiller=conseiller,
                structure=structure,
                statut=S.FINALISEE_RUPTURE,
                **contrat,
                date_rupture=min(fin, today - timedelta(days=30)),
                motif_rupture=rng.choice(MotifRupture.values),
                validated_by=operateur,
                validated_at=now - timedelta(days=600),
                rupture_validated_by=operateur,
                rupture_validated_at=now - timedelta(days=20),
            )  # fmt: skip
        )
        ruptures.append(conseiller)
    Conseiller.objects.filter(pk__in=[c.pk for c in recrutes]).update(
        statut=ConseillerStatut.RECRUTE, disponible=False
    )
    Conseiller.objects.filter(pk__in=[c.pk for c in ruptures]).update(statut=ConseillerStatut.RUPTURE)

    # --- Pipeline of candidates: nouvelle, interessee, nonInteressee, recrutee ----------------
    room = {
        s.pk: s.nombre_postes_accordes
        - sum(1 for m in mers if m.structure_id == s.pk and m.statut in S.occupant_poste())
        for s in validees
    }
    pipeline_structures = [s for s in validees if s.pk != getattr(demo_structure, "pk", None)] or validees
    for index, candidat in enumerate(candidats[: 60 * ctx.scale]):
        if not candidat.disponible or not pipeline_structures:
            continue
        structure = pipeline_structures[index % len(pipeline_structures)]
        statut = [S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE, S.RECRUTEE][index % 4]
        contrat = {}
        if statut == S.RECRUTEE:
            if room.get(structure.pk, 0) <= 0:
                statut = S.INTERESSEE
            else:
                room[structure.pk] -= 1
                contrat = _contrat(ctx, today + timedelta(days=90), debut_max_jours=60)
        mers.append(MiseEnRelation(conseiller=candidat, structure=structure, statut=statut, **contrat))
    bulk_create_with_history(mers, MiseEnRelation, default_user=operateur)

    # --- Extensions and leave on advisors in post --------------------------------------------
    en_poste = list(
        MiseEnRelation.objects.filter(conseiller__in=recrutes, statut=S.FINALISEE).exclude(type_contrat=TypeContrat.CDI).order_by("pk")
    )  # fmt: skip
    prolongations = []
    for index, mer in enumerate(en_poste[: 6 * ctx.scale]):
        valide = index % 2 == 0
        prolongations.append(
            Prolongation(
                mise_en_relation=mer,
                date_fin=mer.date_fin + timedelta(days=365),
                salaire_brut=SALAIRE,
                statut=ProlongationStatut.VALIDEE if valide else ProlongationStatut.INITIEE,
                demandee_par=operateur,
                validee_par=operateur if valide else None,
                validee_le=now if valide else None,
            )  # fmt: skip
        )
    bulk_create_with_history(prolongations, Prolongation, default_user=operateur)
    conges = [
        Conge(
            conseiller_id=mer.conseiller_id,
            structure_id=mer.structure_id,
            type=rng.choice(TypeConge.values),
            date_debut=today - timedelta(days=10),
            date_fin=today + timedelta(days=rng.randint(20, 120)),
            declare_par=operateur,
        )  # fmt: skip
        for mer in en_poste[6 * ctx.scale : 10 * ctx.scale]
    ]
    Conge.objects.bulk_create(conges)

    # --- Demo accounts ---------------------------------------------------------------------------
    conseiller_user = users.get(Role.CONSEILLER)
    if conseiller_user is not None and demo_structure is not None:
        karim = Conseiller.objects.create(
            user=conseiller_user, prenom=conseiller_user.first_name, nom=conseiller_user.last_name,
            code_postal="69001", commune=lyon, departement_id=lyon.departement_id, latitude=lyon.latitude,
            longitude=lyon.longitude, disponible=False, statut=ConseillerStatut.RECRUTE, situation=Situation.EN_EMPLOI,
        )  # fmt: skip
        poste = demo_structure.postes.filter(etat=PosteEtat.VACANT).order_by("pk").first()
        if poste is not None:
            poste.etat, poste.vacant_depuis = PosteEtat.OCCUPE, None
            poste.save(update_fields=["etat", "vacant_depuis"])
        MiseEnRelation.objects.create(
            conseiller=karim, structure=demo_structure, poste=poste, statut=S.FINALISEE, type_contrat=TypeContrat.CDD,
            date_debut=today - timedelta(days=200), date_fin=today + timedelta(days=530), salaire_brut=SALAIRE,
            validated_by=operateur, validated_at=now - timedelta(days=190),
        )  # fmt: skip
        Conge.objects.create(
            conseiller=karim, structure=demo_structure, type=TypeConge.MALADIE, date_debut=today - timedelta(days=90),
            date_fin=today - timedelta(days=75), declare_par=users.get(Role.STRUCTURE) or operateur,
        )  # fmt: skip
        grant_role(conseiller_user, Role.CONSEILLER)
        # The demo structure also has a preselected and a new candidate near Lyon.
        for candidat, statut in zip(
            [c for c in candidats if c.disponible][-2:], [S.INTERESSEE, S.NOUVELLE], strict=False
        ):
            MiseEnRelation.objects.create(conseiller=candidat, structure=demo_structure, statut=statut)
    candidat_user = users.get(Role.CANDIDAT)
    if candidat_user is not None:
        lea = Conseiller(
            user=candidat_user, prenom=candidat_user.first_name, nom=candidat_user.last_name, code_postal="69001",
            commune=lyon, departement_id=lyon.departement_id, latitude=lyon.latitude, longitude=lyon.longitude,
            disponible=True, distance_max=DistanceMax.KM_40, situation=Situation.DEMANDEUR_EMPLOI,
            experience_mediation=True, pix_niveau=PixNiveau.INTERMEDIAIRE, pix_partage=True, cv_nom="cv-lea.pdf",
        )  # fmt: skip
        lea.cv.save("cv.pdf", ContentFile(DEMO_PDF), save=False)
        lea.save()
        grant_role(candidat_user, Role.CANDIDAT)
    coordinateur = users.get(Role.COORDINATEUR)
    if coordinateur is not None:
        coordonnes = [c for c in recrutes[:5]]
        if conseiller_user is not None and hasattr(conseiller_user, "conseiller"):
            coordonnes.append(conseiller_user.conseiller)
        Coordination.objects.bulk_create(
            [Coordination(coordinateur=coordinateur, conseiller=c) for c in coordonnes], ignore_conflicts=True
        )
    ctx.log(
        f"  candidats : {len(candidats)}, conseillers : {len(conseillers)}, mises en relation : {len(mers)}, "
        f"prolongations : {len(prolongations)}, congés : {len(conges) + 1}"
    )
