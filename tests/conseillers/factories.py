"""Factories for the conseillers tests (with the structures rows they need)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from conseillers.enums import ConseillerStatut, MiseEnRelationStatut, TypeContrat
from conseillers.models import Conseiller, MiseEnRelation
from conumapp.enums import Role
from conumapp.models import CodePostal, Commune, Departement, Region, User
from conumapp.permissions import grant_role
from structures.enums import PosteEtat, StructureStatut, StructureType
from structures.models import Membre, Poste, Structure

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# code INSEE -> (nom, département, région, code postal, latitude, longitude)
COMMUNES = {
    "69123": ("Lyon", "69", "84", "69001", 45.758, 4.835),
    "69266": ("Villeurbanne", "69", "84", "69100", 45.7719, 4.8902),
    "38185": ("Grenoble", "38", "84", "38000", 45.1715, 5.7224),
    "75056": ("Paris", "75", "11", "75001", 48.8566, 2.3522),
    "97411": ("Saint-Denis", "974", "04", "97400", -20.8823, 55.4504),
}
DEPARTEMENTS = {"69": "Rhône", "38": "Isère", "75": "Paris", "974": "La Réunion"}
REGIONS = {"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France", "04": "La Réunion"}


def region(code="84"):
    return Region.objects.get_or_create(code=code, defaults={"nom": REGIONS.get(code, "Région")})[0]


def departement(code="69"):
    region_code = {"69": "84", "38": "84", "75": "11", "974": "04"}.get(code, "84")
    return Departement.objects.get_or_create(
        code=code, defaults={"nom": DEPARTEMENTS.get(code, "Département"), "region": region(region_code)}
    )[0]


def commune(code_insee="69123"):
    """A commune with known coordinates (the shipped referential's, or ours if absent)."""
    nom, dep, _reg, cp, lat, lon = COMMUNES[code_insee]
    obj, _ = Commune.objects.get_or_create(
        code_insee=code_insee,
        defaults={
            "nom": nom,
            "nom_recherche": nom.lower(),
            "departement": departement(dep),
            "latitude": lat,
            "longitude": lon,
        },
    )
    if obj.latitude is None:
        obj.latitude, obj.longitude = lat, lon
        obj.save(update_fields=["latitude", "longitude"])
    CodePostal.objects.get_or_create(code=cp, commune=obj)
    return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.fr")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-solide-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


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

    siret = factory.Sequence(lambda n: f"{21690000000000 + n:014d}")
    nom = factory.Sequence(lambda n: f"Mairie test {n}")
    type = StructureType.COMMUNE
    statut = StructureStatut.VALIDATION_COSELEC
    adresse = "1 place de la Mairie"
    code_postal = "69001"
    commune = factory.LazyFunction(commune)
    departement = factory.LazyAttribute(lambda o: o.commune.departement)
    region = factory.LazyAttribute(lambda o: o.commune.departement.region)
    contact_prenom = "Claire"
    contact_nom = "Dupont"
    contact_email = factory.Sequence(lambda n: f"contact{n}@mairie.fr")
    nombre_postes_accordes = 1

    class Params:
        a_grenoble = factory.Trait(
            commune=factory.LazyFunction(lambda: commune("38185")), code_postal="38000"
        )
        a_la_reunion = factory.Trait(
            commune=factory.LazyFunction(lambda: commune("97411")), code_postal="97400"
        )
        non_validee = factory.Trait(statut=StructureStatut.CREEE, nombre_postes_accordes=0)

    @factory.post_generation
    def postes(obj, create, extracted, **kwargs):
        if create:
            for _ in range(obj.nombre_postes_accordes if extracted is None else extracted):
                Poste.objects.create(structure=obj, etat=PosteEtat.VACANT)


def membre(structure, user=None):
    user = user or UserFactory()
    Membre.objects.create(structure=structure, user=user)
    grant_role(user, Role.STRUCTURE)
    return user


class ConseillerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conseiller
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    prenom = "Camille"
    nom = factory.Sequence(lambda n: f"Martin{n}")
    code_postal = "69001"
    commune = factory.LazyFunction(commune)
    departement = factory.LazyAttribute(lambda o: o.commune.departement)
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    distance_max = 20
    disponible = True

    class Params:
        a_grenoble = factory.Trait(
            commune=factory.LazyFunction(lambda: commune("38185")), code_postal="38000"
        )
        a_paris = factory.Trait(commune=factory.LazyFunction(lambda: commune("75056")), code_postal="75001")
        a_la_reunion = factory.Trait(
            commune=factory.LazyFunction(lambda: commune("97411")), code_postal="97400", distance_max=2000
        )
        recrute = factory.Trait(statut=ConseillerStatut.RECRUTE, disponible=False)

    @factory.post_generation
    def candidat(obj, create, extracted, **kwargs):
        if create:
            grant_role(obj.user, Role.CANDIDAT)


def mise_en_relation(structure, conseiller, statut=MiseEnRelationStatut.INTERESSEE, **contrat):
    data = {}
    if statut not in (
        MiseEnRelationStatut.NOUVELLE,
        MiseEnRelationStatut.INTERESSEE,
        MiseEnRelationStatut.NON_INTERESSEE,
    ):
        data = {
            "type_contrat": TypeContrat.CDD,
            "date_debut": date(2025, 1, 1),
            "date_fin": date(2026, 12, 31),
            "salaire_brut": Decimal("2000.00"),
        }
    data.update(contrat)
    return MiseEnRelation.objects.create(structure=structure, conseiller=conseiller, statut=statut, **data)


def en_poste(structure, conseiller=None, **contrat):
    """An advisor in post (``finalisee``) in the structure, on one of its posts."""
    conseiller = conseiller or ConseillerFactory(recrute=True)
    conseiller.statut, conseiller.disponible = ConseillerStatut.RECRUTE, False
    conseiller.save()
    grant_role(conseiller.user, Role.CONSEILLER)
    poste = structure.postes.filter(etat=PosteEtat.VACANT).first()
    if poste:
        poste.etat = PosteEtat.OCCUPE
        poste.save()
    return mise_en_relation(structure, conseiller, MiseEnRelationStatut.FINALISEE, poste=poste, **contrat)
