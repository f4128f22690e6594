"""Shared fixtures of the statistics tests: a small fixed data set (``jeu``) whose figures are
computed by hand in tests/statistiques/test_services.py, and helpers to add CRAs.

Territory: régions 84 (Auvergne-Rhône-Alpes: département 69) and 11 (Île-de-France: 75).

| structure | dép. | advisors (contract from 2023-01-01)            |
| --------- | ---- | ---------------------------------------------- |
| s1 Lyon   | 69   | a1, a2                                          |
| s2 Lyon   | 69   | a3 (grand réseau La Poste)                      |
| s3 Paris  | 75   | a4, a5 (no CRA), a6 (contract ended 2025-12-31) |

CRAs (period ``PERIODE``: 2026-01-01 → 2026-06-30; ``c5`` deleted, ``c7`` and ``c10`` outside):

| cra | adv. | date       | type       | min | place         | themes                        | public |
| --- | ---- | ---------- | ---------- | --- | ------------- | ----------------------------- | ------ |
| c1  | a1   | 2026-01-10 | individuel | 20  | lieu_activite | email, sante                  | 25-39 F en_emploi, autonome, not referred; tags "numérique, senior" |
| c2  | a1   | 2026-03-05 | collectif  | 90  | lieu_activite | email                         | 10: 6×60-69 4×70+, 7F 3M, 10 retraités; tags "senior" |
| c3  | a1   | 2026-06-15 | individuel | 45  | a_distance    | banque_et_achats_en_ligne     | 40-59 M sans_emploi, partiellement autonome, referred aide_sociale |
| c4  | a2   | 2026-02-20 | individuel | 60  | domicile      | diagnostic_numerique          | n.c., avec guidage, referred administration |
| c5  | a2   | 2026-05-02 | individuel | 30  | (deleted)     | email                         | |
| c6  | a3   | 2026-06-20 | collectif  | 120 | autre         | securite_numerique, email     | 5: 12-18, 2F 3M, scolarisés |
| c7  | a3   | 2025-12-15 | individuel | 15  | (before the period)                                   | |
| c8  | a4   | 2026-04-10 | individuel | 30  | lieu_activite | email                         | 18-24 F sans_emploi, autonome, not referred |
| c9  | a4   | 2026-06-30 | individuel | 240 | lieu_activite | aide_aux_demarches_administratives, logement | 70+ F retraité, avec guidage, referred autre |
| c10 | a6   | 2025-11-05 | individuel | 30  | (before the period)                                   | |

Users: ``operateur``, ``prefecture_69``, ``hub_84``, ``membre_s1``, ``membre_s3``,
``coordinateur`` (coordinates a1 and a4), ``grand_reseau`` (La Poste), ``conseiller_a1``
(a1's account), ``anonyme``.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from conseillers.enums import MiseEnRelationStatut
from conumapp.enums import GrandReseau, Role
from conumapp.permissions import grant_role
from cra.enums import COMPTES, Materiel, Thematique, TypeCra, bits_of
from cra.models import Cra
from statistiques.filtres import Filtres
from tests.conventions.factories import StructureFactory, UserFactory, departement, membre, operateur, region
from tests.cra.factories import conseiller, coordinateur, recruter

PERIODE = Filtres(debut=date(2026, 1, 1), fin=date(2026, 6, 30))
DEBUT_CONTRAT = date(2023, 1, 1)


def territoires():
    """Régions 84 and 11, départements 69 (Rhône) and 75 (Paris)."""
    region("84", "Auvergne-Rhône-Alpes")
    region("11", "Île-de-France")
    return departement("69", "Rhône", "84"), departement("75", "Paris", "11")


def structure(dep: str = "69", **kwargs):
    territoires()
    reg = {"69": "84", "75": "11"}[dep]
    return StructureFactory(
        departement_id=dep, region_id=reg, code_postal="69001" if dep == "69" else "75001", **kwargs
    )


def conseiller_dans(structure_obj, *, debut=DEBUT_CONTRAT, fin=None, statut=MiseEnRelationStatut.FINALISEE):
    obj = conseiller()
    recruter(obj, structure_obj, debut=debut, fin=fin, statut=statut)
    return obj


def public(n: int = 1, **comptes) -> dict:
    """Count columns: ``public(10, age_retraite=...)``; unspecified families are "non communiqué"."""
    values = {f"{p}_{m.value}": 0 for p, enum in COMPTES for m in enum}
    values.update(comptes)
    for prefix, _enum in COMPTES:
        total = sum(v for k, v in comptes.items() if k.startswith(prefix + "_"))
        if not total:
            values[f"{prefix}_non_communique"] = n
    return values


def cra(conseiller_obj, jour: date, *, type=TypeCra.INDIVIDUEL, duree=30, lieu="lieu_activite",
        themes=("email",), materiel=("ordinateur",), participants=1, structure_obj=None, **extra) -> Cra:  # fmt: skip
    """A CRA row as filed (scope columns from the employing structure), written with save()."""
    if structure_obj is None:
        structure_obj = conseiller_obj.mises_en_relation.order_by("-date_debut").first().structure
    values = public(participants)
    values.update({k: v for k, v in extra.items() if k.split("_")[0] in {"age", "genre", "statut"}})
    others = {k: v for k, v in extra.items() if k.split("_")[0] not in {"age", "genre", "statut"}}
    obj = Cra(
        conseiller=conseiller_obj, structure=structure_obj, departement_code=structure_obj.departement_id,
        region_code=structure_obj.region_id or "", date=jour, type=type, duree=duree, type_lieu=lieu,
        commune_code="69123", code_postal="69001", thematiques=bits_of(themes, Thematique),
        materiel=bits_of(materiel, Materiel), participants=participants, **values, **others,
    )  # fmt: skip
    obj.save()
    return obj


def _public_fixe(n, **comptes):
    """Explicit counts (each family given in full)."""
    values = {f"{p}_{m.value}": 0 for p, enum in COMPTES for m in enum}
    values.update(comptes)
    return values


@pytest.fixture
def jeu(db):
    """The fixed data set described in this module's docstring."""
    territoires()
    s1 = structure("69", nom="Médiathèque de Lyon")
    s2 = structure("69", nom="Bureau de poste Lyon", grand_reseau=GrandReseau.LA_POSTE)
    s3 = structure("75", nom="Mairie de Paris", nombre_postes_accordes=3)
    a1, a2 = conseiller_dans(s1), conseiller_dans(s1)
    a3 = conseiller_dans(s2)
    a4, a5 = conseiller_dans(s3), conseiller_dans(s3)
    a6 = conseiller_dans(s3, fin=date(2025, 12, 31), statut=MiseEnRelationStatut.TERMINEE)
    C = TypeCra.COLLECTIF  # noqa: N806
    c = {}
    c[1] = cra(
        a1,
        date(2026, 1, 10),
        duree=20,
        themes=("email", "sante"),
        tags="numérique, senior",
        autonomie="autonome",
        oriente=False,
        **_public_fixe(1, age_vingt_cinq_trente_neuf=1, genre_feminin=1, statut_en_emploi=1),
    )
    c[2] = cra(
        a1,
        date(2026, 3, 5),
        type=C,
        duree=90,
        participants=10,
        themes=("email",),
        materiel=("ordinateur", "tablette"),
        titre_atelier="Mes e-mails",
        niveau="debutant",
        tags="senior",
        **_public_fixe(
            10,
            age_soixante_soixante_neuf=6,
            age_soixante_dix_plus=4,
            genre_feminin=7,
            genre_masculin=3,
            statut_retraite=10,
        ),
    )
    c[3] = cra(
        a1,
        date(2026, 6, 15),
        duree=45,
        lieu="a_distance",
        themes=("banque_et_achats_en_ligne",),
        materiel=("telephone",),
        autonomie="partiellement_autonome",
        oriente=True,
        structure_redirection="aide_sociale",
        **_public_fixe(1, age_quarante_cinquante_neuf=1, genre_masculin=1, statut_sans_emploi=1),
    )
    c[4] = cra(
        a2,
        date(2026, 2, 20),
        duree=60,
        lieu="domicile",
        themes=("diagnostic_numerique",),
        materiel=("aucun",),
        autonomie="entierement_accompagne",
        oriente=True,
        structure_redirection="administration",
    )
    c[5] = cra(a2, date(2026, 5, 2), duree=30)
    c[5].deleted_at = c[5].created_at
    c[5].save(update_fields=["deleted_at", "updated_at"])
    c[6] = cra(
        a3,
        date(2026, 6, 20),
        type=C,
        duree=120,
        lieu="autre",
        participants=5,
        themes=("securite_numerique", "email"),
        titre_atelier="Sécurité",
        niveau="debutant",
        **_public_fixe(5, age_douze_dix_huit=5, genre_feminin=2, genre_masculin=3, statut_scolarise=5),
    )
    c[7] = cra(a3, date(2025, 12, 15), duree=15)
    c[8] = cra(
        a4,
        date(2026, 4, 10),
        duree=30,
        themes=("email",),
        autonomie="autonome",
        oriente=False,
        **_public_fixe(1, age_dix_huit_vingt_quatre=1, genre_feminin=1, statut_sans_emploi=1),
    )
    c[9] = cra(
        a4,
        date(2026, 6, 30),
        duree=240,
        themes=("aide_aux_demarches_administratives", "logement"),
        autonomie="entierement_accompagne",
        oriente=True,
        structure_redirection="autre",
        **_public_fixe(1, age_soixante_dix_plus=1, genre_feminin=1, statut_retraite=1),
    )
    c[10] = cra(a6, date(2025, 11, 5), duree=30)  # fmt: skip

    users = SimpleNamespace(
        operateur=operateur(),
        prefecture_69=UserFactory(),
        hub_84=UserFactory(),
        membre_s1=membre(s1),
        membre_s3=membre(s3),
        coordinateur=coordinateur(a1, a4),
        grand_reseau=UserFactory(),
        conseiller_a1=a1.user,
        anonyme=AnonymousUser(),
    )
    grant_role(users.prefecture_69, Role.PREFECTURE, departement=departement("69"))
    grant_role(users.hub_84, Role.HUB, region=region("84"))
    grant_role(users.grand_reseau, Role.GRAND_RESEAU, grand_reseau=GrandReseau.LA_POSTE)
    return SimpleNamespace(
        s1=s1, s2=s2, s3=s3, a1=a1, a2=a2, a3=a3, a4=a4, a5=a5, a6=a6, cras=c, users=users, periode=PERIODE
    )
