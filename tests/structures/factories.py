"""Factories for the structures tests (territory rows created when absent)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from stdnum import luhn

from conumapp.enums import Role
from conumapp.models import CodePostal, Commune, Departement, Region, User
from conumapp.permissions import grant_role
from structures.enums import PosteEtat, StructureStatut, StructureType
from structures.models import Membre, Poste, Structure

PASSWORD = "mot-de-passe-solide-123"
REGIONS = {"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France", "94": "Corse", "01": "Guadeloupe"}
DEPARTEMENTS = {
    "69": ("Rhône", "84"),
    "01": ("Ain", "84"),
    "75": ("Paris", "11"),
    "2A": ("Corse-du-Sud", "94"),
    "971": ("Guadeloupe", "01"),
    "988": ("Nouvelle-Calédonie", None),
}
_sirets = itertools.count(1)


def valid_siret(n: int | None = None) -> str:
    """A SIRET whose SIREN (9 digits) and whole number (14 digits) both pass the Luhn check."""
    n = n if n is not None else next(_sirets)
    siren = f"{21690000 + n // 10000:08d}"
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}{n % 10000:04d}"
    return body + luhn.calc_check_digit(body)


def region(code="84"):
    return Region.objects.get_or_create(code=code, defaults={"nom": REGIONS.get(code, "Région")})[0]


def departement(code="69"):
    nom, region_code = DEPARTEMENTS.get(code, ("Département", "84"))
    return Departement.objects.get_or_create(
        code=code, defaults={"nom": nom, "region": region(region_code) if region_code else None}
    )[0]


def postcode(code="69001", dep="69", insee="69381", nom="Lyon 1er Arrondissement"):
    commune = Commune.objects.get_or_create(
        code_insee=insee, defaults={"nom": nom, "nom_recherche": nom.lower(), "departement": departement(dep)}
    )[0]
    CodePostal.objects.get_or_create(code=code, commune=commune)
    return commune


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


def operateur():
    user = UserFactory(is_staff=True, is_superuser=True)
    grant_role(user, Role.OPERATEUR)
    return user


def prefecture(code="69"):
    user = UserFactory()
    grant_role(user, Role.PREFECTURE, departement=departement(code))
    return user


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    siret = factory.Sequence(lambda n: valid_siret(5000 + n))
    nom = factory.Sequence(lambda n: f"Mairie test {n}")
    type = StructureType.COMMUNE
    statut = StructureStatut.CREEE
    adresse = "1 place de la Mairie"
    code_postal = "69001"
    departement = factory.LazyFunction(departement)
    region = factory.LazyAttribute(lambda o: o.departement.region)
    contact_prenom = "Claire"
    contact_nom = "Dupont"
    contact_email = factory.Sequence(lambda n: f"contact{n}@mairie.fr")
    nombre_conseillers_souhaites = 2
    date_debut_mission = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    motivation = "Accompagner les habitants."
    engagement_confirme = True

    class Params:
        validee = factory.Trait(statut=StructureStatut.VALIDATION_COSELEC, nombre_postes_accordes=2)
        examen = factory.Trait(statut=StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC)
        refusee = factory.Trait(statut=StructureStatut.REFUS_COSELEC)
        paris = factory.Trait(
            departement=factory.LazyFunction(lambda: departement("75")), code_postal="75011"
        )

    @factory.post_generation
    def postes(obj, create, extracted, **kwargs):
        """Vacant posts for the quota; ``postes=[etat, ...]`` for explicit states."""
        if not create:
            return
        etats = extracted if extracted is not None else [PosteEtat.VACANT] * obj.nombre_postes_accordes
        for etat in etats:
            Poste.objects.create(
                structure=obj,
                etat=etat,
                vacant_depuis=date(2025, 1, 1) if etat == PosteEtat.VACANT else None,
                rendu_le=date(2025, 6, 1) if etat == PosteEtat.RENDU else None,
            )


def membre(structure, user=None):
    user = user or UserFactory()
    Membre.objects.create(structure=structure, user=user)
    grant_role(user, Role.STRUCTURE)
    return user
