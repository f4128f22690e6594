"""Factories for the CRA tests (with the structures / conseillers rows they need)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut, TypeContrat
from conseillers.models import Conseiller, Coordination, MiseEnRelation
from conumapp.enums import Role
from conumapp.models import CodePostal, Commune
from conumapp.permissions import grant_role
from cra.enums import Materiel, Thematique, TypeCra, TypeLieu, bits_of
from cra.models import Cra
from structures.models import Poste
from tests.conventions.factories import (  # noqa: F401 - re-exported for the CRA tests
    StructureFactory,
    UserFactory,
    departement,
    membre,
    operateur,
    prefecture,
    region,
)


def commune(code="69123", nom="Lyon", postcodes=("69001", "69002"), dep="69"):
    obj, _ = Commune.objects.get_or_create(
        code_insee=code,
        defaults={"nom": nom, "nom_recherche": nom.lower(), "departement": departement(dep),
                  "codes_postaux": " ".join(postcodes), "population": 500000},
    )  # fmt: skip
    for postcode in postcodes:
        CodePostal.objects.get_or_create(code=postcode, commune=obj)
    return obj


def conseiller(user=None, **kwargs):
    user = user or UserFactory()
    grant_role(user, Role.CONSEILLER)
    return Conseiller.objects.create(
        user=user, prenom="Karim", nom=user.last_name, code_postal="69001", **kwargs
    )


def recruter(
    conseiller_obj, structure, *, debut=None, fin=None, rupture=None, statut=MiseEnRelationStatut.FINALISEE
):
    poste = Poste.objects.filter(structure=structure).first() or Poste.objects.create(structure=structure)
    return MiseEnRelation.objects.create(
        conseiller=conseiller_obj, structure=structure, poste=poste, statut=statut,
        type_contrat=TypeContrat.CDI, date_debut=debut or date(2023, 1, 1), date_fin=fin,
        date_rupture=rupture, salaire_brut=Decimal("1900.00"),
    )  # fmt: skip


def conseiller_en_poste(structure=None, *, debut=None):
    structure = structure or StructureFactory()
    obj = conseiller()
    recruter(obj, structure, debut=debut)
    return obj


def coordinateur(*conseillers):
    user = UserFactory()
    grant_role(user, Role.COORDINATEUR)
    for obj in conseillers:
        Coordination.objects.create(coordinateur=user, conseiller=obj)
    return user


class CraFactory(factory.django.DjangoModelFactory):
    """A filed CRA; pass ``conseiller`` (and ``structure`` when the advisor has one)."""

    class Meta:
        model = Cra

    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    type = TypeCra.INDIVIDUEL
    duree = 30
    type_lieu = TypeLieu.LIEU_ACTIVITE
    commune_code = "69123"
    code_postal = "69001"
    materiel = bits_of(["ordinateur"], Materiel)
    thematiques = bits_of(["email"], Thematique)
    participants = 1
    age_non_communique = 1
    genre_non_communique = 1
    statut_non_communique = 1
    structure = factory.LazyAttribute(
        lambda o: (
            o.conseiller.mises_en_relation.order_by("-date_debut").first().structure
            if o.conseiller.mises_en_relation.exists()
            else None
        )
    )
    departement_code = factory.LazyAttribute(lambda o: o.structure.departement_id if o.structure else "")
    region_code = factory.LazyAttribute(lambda o: o.structure.region_id if o.structure else "")

    class Params:
        collectif = factory.Trait(
            type=TypeCra.COLLECTIF, participants=12, titre_atelier="Atelier e-mail", niveau="debutant",
            age_non_communique=12, genre_non_communique=12, statut_non_communique=12,
        )  # fmt: skip
        supprime = factory.Trait(deleted_at=factory.LazyFunction(timezone.now))


def form_data(**overrides) -> dict:
    """POST data of the filing form for the common individual case."""
    data = {
        "type": "individuel",
        "date": (timezone.localdate()).isoformat(),
        "duree": "30",
        "duree_autre": "",
        "type_lieu": "lieu_activite",
        "lieu": "69001",
        "commune_code": "",
        "materiel": ["ordinateur"],
        "thematiques_numeriques": ["email"],
        "public_defaut": "on",
        "participants_recurrents": "0",
        "tags": "",
        "note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def counts(prefix_values: dict) -> dict:
    """``{"age_non_communique": 12, ...}`` with every other count at 0."""
    from cra.enums import COMPTES

    out = {f"{p}_{m.value}": "0" for p, enum in COMPTES for m in enum}
    out.update({k: str(v) for k, v in prefix_values.items()})
    return out
