"""Demo data: structures in every status, with decisions, prefecture opinions, posts and history.

~60 structures at ``--scale 1`` (linear), in several départements including the Rhône (69),
where the demo structure user is a member of a validated structure with vacant posts, and
Corse-du-Sud (2A) and Guadeloupe (971) for variety. SIRETs carry a valid Luhn key.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from stdnum import luhn

from conumapp.enums import GrandReseau, Role
from conumapp.models import Departement
from conumapp.permissions import grant_role
from conumapp.territories import communes_for_postcode

from .enums import (
    SERVICES,
    AvisPrefecture,
    DecisionType,
    DemandePosteType,
    MotifAjout,
    PosteEtat,
    StructureStatut,
    StructureType,
    TypologieLieu,
)
from .models import AvisPrefet, Coselec, DecisionCoselec, DemandePoste, LieuActivite, Membre, Poste, Structure

DEPARTEMENTS = ["69", "69", "69", "75", "13", "33", "59", "2A", "971", "35", "44", "31"]
STATUTS = (
    [StructureStatut.CREEE] * 18
    + [StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC] * 6
    + [StructureStatut.VALIDATION_COSELEC] * 24
    + [StructureStatut.REFUS_COSELEC] * 5
    + [StructureStatut.ABANDON] * 3
    + [StructureStatut.ANNULEE] * 2
    + [StructureStatut.DOUBLON] * 2
)
NOMS = {
    StructureType.COMMUNE: "Mairie de",
    StructureType.DEPARTEMENT: "Conseil départemental —",
    StructureType.REGION: "Conseil régional —",
    StructureType.EPCI: "Communauté de communes de",
    StructureType.COLLECTIVITE: "Collectivité de",
    StructureType.GIP: "GIP numérique de",
    StructureType.PRIVATE: "Association Numérique pour tous —",
}
VILLES = ["Lyon", "Villeurbanne", "Vénissieux", "Paris", "Marseille", "Bordeaux", "Lille", "Ajaccio",
          "Pointe-à-Pitre", "Rennes", "Nantes", "Toulouse"]  # fmt: skip
POSTCODES = {"69": "69001", "75": "75011", "13": "13001", "33": "33000", "59": "59000", "2A": "20000",
             "971": "97110", "35": "35000", "44": "44000", "31": "31000"}  # fmt: skip


def siret(rng) -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check."""
    siren = "".join(str(rng.randint(0, 9)) for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    body = siren + "".join(str(rng.randint(0, 9)) for _ in range(4))
    return body + luhn.calc_check_digit(body)


def seed(ctx) -> None:
    users = ctx.shared.get("users", {})
    operateur = users.get(Role.OPERATEUR)
    prefet = users.get(Role.PREFECTURE)
    demo_user = users.get(Role.STRUCTURE)
    if operateur is None:
        return
    rng = ctx.rng
    departements = {d.code: d for d in Departement.objects.filter(code__in=set(DEPARTEMENTS))}
    codes = [code for code in DEPARTEMENTS if code in departements]
    total = 60 * ctx.scale
    now = timezone.now()
    today = timezone.localdate()
    structures = []
    for index in range(total):
        code = codes[index % len(codes)]
        departement = departements[code]
        type_ = rng.choice(list(StructureType))
        statut = StructureStatut.VALIDATION_COSELEC if index == 0 else STATUTS[index % len(STATUTS)]
        ville = VILLES[index % len(VILLES)]
        postes = (
            (2 if index == 0 else rng.randint(1, 4)) if statut == StructureStatut.VALIDATION_COSELEC else 0
        )
        structures.append(
            Structure(
                siret=siret(rng),
                nom=f"{NOMS[type_]} {ville} {index + 1}",
                type=type_,
                statut=statut,
                adresse=f"{rng.randint(1, 120)} rue de la République",
                code_postal=POSTCODES[code],
                departement=departement,
                region_id=departement.region_id,
                contact_prenom=rng.choice(["Claire", "Nicolas", "Amina", "Julien", "Sofia"]),
                contact_nom=rng.choice(["Martin", "Bernard", "Diallo", "Petit", "Moreau"]),
                contact_email=f"contact-structure-{index + 1}@demo.conum.fr",
                nombre_conseillers_souhaites=rng.randint(1, 4),
                date_debut_mission=today + timedelta(days=rng.randint(10, 90)),
                motivation="Accompagner les habitants éloignés du numérique dans leurs démarches quotidiennes.",
                engagement_confirme=True,
                zrr=rng.random() < 0.2,
                qpv=rng.random() < 0.25,
                label_france_services=rng.random() < 0.3,
                grand_reseau=rng.choice(GrandReseau.values)
                if type_ == StructureType.PRIVATE and rng.random() < 0.4
                else "",
                nombre_postes_accordes=postes,
                created_at=now - timedelta(days=rng.randint(30, 700)),
            )  # fmt: skip
        )
    for structure in structures:
        structure._history_user = operateur
    bulk_create_with_history(structures, Structure, default_user=operateur)
    structures = list(Structure.objects.filter(siret__in=[s.siret for s in structures]).order_by("pk"))

    coselecs = [
        Coselec.objects.get_or_create(numero=n, defaults={"date": today - timedelta(days=30 * (13 - n))})[0]
        for n in range(1, 13)
    ]
    decisions, avis, postes = [], [], []
    for structure in structures:
        if (
            prefet
            and structure.departement_id == "69"
            and structure.statut != StructureStatut.CREEE
            or (prefet and structure.statut != StructureStatut.CREEE and rng.random() < 0.6)
        ):
            avis.append(
                AvisPrefet(
                    structure=structure,
                    auteur=prefet,
                    avis=AvisPrefecture.POSITIF if rng.random() < 0.75 else AvisPrefecture.NEGATIF,
                    commentaire="Projet cohérent avec les besoins du territoire.",
                    created_at=structure.created_at + timedelta(days=10),
                )  # fmt: skip
            )
        decision_type = {
            StructureStatut.VALIDATION_COSELEC: DecisionType.VALIDATION,
            StructureStatut.REFUS_COSELEC: DecisionType.REFUS,
            StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC: DecisionType.EXAMEN_COMPLEMENTAIRE,
            StructureStatut.ABANDON: DecisionType.ABANDON,
            StructureStatut.ANNULEE: DecisionType.ANNULEE,
            StructureStatut.DOUBLON: DecisionType.DOUBLON,
        }.get(structure.statut)
        if decision_type is None:
            continue
        if decision_type in (DecisionType.ABANDON, DecisionType.ANNULEE):
            # validated first, then quota brought to 0: two decisions, posts returned
            decisions.append(
                DecisionCoselec(structure=structure, coselec=coselecs[2], type=DecisionType.VALIDATION,
                                nombre_postes=1, operateur=operateur, created_at=structure.created_at + timedelta(days=20))
            )  # fmt: skip
            postes.append(
                Poste(structure=structure, etat=PosteEtat.RENDU, vacant_depuis=today - timedelta(days=300),
                      rendu_le=today - timedelta(days=40))
            )  # fmt: skip
        decisions.append(
            DecisionCoselec(
                structure=structure,
                operateur=operateur,
                type=decision_type,
                coselec=None if decision_type == DecisionType.DOUBLON else rng.choice(coselecs[3:]),
                nombre_postes=structure.nombre_postes_accordes,
                avis="Décision du comité de démonstration.",
                created_at=structure.created_at + timedelta(days=30),
            )  # fmt: skip
        )
        for number in range(structure.nombre_postes_accordes):
            etat = (
                PosteEtat.VACANT
                if number == 0 or structure is structures[0]
                else rng.choice([PosteEtat.VACANT, PosteEtat.OCCUPE])
            )
            postes.append(
                Poste(structure=structure, etat=etat, vacant_depuis=today - timedelta(days=rng.randint(5, 250)) if etat == PosteEtat.VACANT else None)
            )  # fmt: skip
    AvisPrefet.objects.bulk_create(avis)
    DecisionCoselec.objects.bulk_create(decisions)
    bulk_create_with_history(postes, Poste, default_user=operateur)

    # The demo structure user: member of a validated Rhône structure with 2 vacant posts.
    own = structures[0]
    if demo_user is not None:
        Membre.objects.get_or_create(structure=own, user=demo_user)
        grant_role(demo_user, Role.STRUCTURE)
    # A pending post request on another validated structure, for the prefecture and the back office.
    other = next((s for s in structures[1:] if s.statut == StructureStatut.VALIDATION_COSELEC), None)
    if other is not None and demo_user is not None:
        DemandePoste.objects.create(
            structure=other, type=DemandePosteType.AJOUT, nombre=1, motif=MotifAjout.FORTE_DEMANDE,
            created_by=demo_user,
        )  # fmt: skip
    lieux = _lieux(structures, rng, operateur)
    ctx.shared["structures"] = structures
    ctx.log(
        f"  structures : {len(structures)}, postes : {len(postes)}, décisions : {len(decisions)}, "
        f"lieux d'activité : {len(lieux)}"
    )


LIEUX = [
    (
        "Médiathèque",
        "place de la Mairie",
        [TypologieLieu.BIB],
        "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
    ),
    ("Espace France Services", "avenue Jean Jaurès", [TypologieLieu.RFS], "Mo-Fr 08:30-12:30"),
    ("Centre social", "rue Victor Hugo", [TypologieLieu.CS], "Mardi et jeudi de 14 h à 17 h"),
    ("Bus numérique", "place du Marché", [TypologieLieu.AUTRE], "We 09:00-12:00"),
]


def _lieux(structures, rng, operateur) -> list[LieuActivite]:
    """One to three places of activity per structure, in its postcode's commune (when known)."""
    communes = {}
    lieux = []
    for structure in structures:
        if structure.code_postal not in communes:
            communes[structure.code_postal] = communes_for_postcode(structure.code_postal).first()
        commune = communes[structure.code_postal]
        if commune is None:
            continue
        for nom, voie, typologies, horaires in rng.sample(LIEUX, rng.randint(1, 3)):
            itinerant = nom == "Bus numérique"
            lieux.append(
                LieuActivite(
                    structure=structure,
                    nom=f"{nom} — {commune.nom}",
                    adresse=f"{rng.randint(1, 80)} {voie}",
                    code_postal=structure.code_postal,
                    commune=commune,
                    latitude=commune.latitude,
                    longitude=commune.longitude,
                    typologies=[str(t) for t in typologies],
                    horaires=horaires,
                    presentation_resume="Accompagnement gratuit aux usages du numérique, "
                    "avec ou sans rendez-vous, par les conseillers numériques de la structure.",
                    itinerance=["Itinérant" if itinerant else "Fixe"],
                    services=rng.sample(list(SERVICES), rng.randint(1, 4)),
                    frais_a_charge=["Gratuit"],
                    modalites_acces=["Se présenter", "Téléphoner"],
                    modalites_accompagnement=["Accompagnement individuel", "Dans un atelier collectif"],
                    telephone=f"+3347{rng.randint(1000000, 9999999)}",
                )  # fmt: skip
            )
    bulk_create_with_history(lieux, LieuActivite, default_user=operateur)
    return lieux
