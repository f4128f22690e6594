"""Factories for the conventions tests (with the few structures/conseillers rows they need)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from conseillers.enums import MiseEnRelationStatut, TypeContrat
from conseillers.models import Conseiller, MiseEnRelation
from conumapp.enums import Role
from conumapp.models import Departement, Region, User
from conumapp.permissions import grant_role
from conventions import services
from conventions.enums import ConventionEtat, PieceStatut, PieceType
from conventions.models import Bareme, Convention, PieceJustificative
from structures.enums import PosteEtat, StructureStatut, StructureType
from structures.models import Membre, Poste, Structure

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def region(code="84", nom="Auvergne-Rhône-Alpes"):
    return Region.objects.get_or_create(code=code, defaults={"nom": nom})[0]


def departement(code="69", nom="Rhône", region_code="84"):
    reg = region(
        region_code, {"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France"}.get(region_code, "Région")
    )
    return Departement.objects.get_or_create(code=code, defaults={"nom": nom, "region": reg})[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
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
    nom = factory.Sequence(lambda n: f"Commune test {n}")
    type = StructureType.COMMUNE
    statut = StructureStatut.VALIDATION_COSELEC
    adresse = "1 place de la Mairie"
    code_postal = "69001"
    departement = factory.LazyFunction(departement)
    region = factory.LazyFunction(region)
    contact_prenom = "Claire"
    contact_nom = "Dupont"
    contact_email = factory.Sequence(lambda n: f"contact{n}@mairie.fr")
    nombre_postes_accordes = 1

    class Params:
        privee = factory.Trait(type=StructureType.PRIVATE)
        qpv_zrr = factory.Trait(qpv=True)

    @factory.post_generation
    def postes(obj, create, extracted, **kwargs):
        if create:
            for _ in range(extracted if extracted is not None else obj.nombre_postes_accordes):
                Poste.objects.create(structure=obj, etat=PosteEtat.VACANT, vacant_depuis=date(2021, 1, 1))


def membre(structure, user=None):
    user = user or UserFactory()
    Membre.objects.create(structure=structure, user=user)
    grant_role(user, Role.STRUCTURE)
    return user


def bareme(code="vague-1-publique"):
    return Bareme.objects.get(code=code)


def convention_signee(structure=None, *, signed_on=date(2024, 1, 31), by=None):
    structure = structure or StructureFactory()
    by = by or operateur()
    convention = services.convention_rediger(structure=structure, by=by, date_debut=signed_on)
    services.convention_envoyer(convention=convention, by=by)
    return services.convention_signer(convention=convention, by=by, date_signature=signed_on)


def contrat_accepte(structure, poste, *, du=None, au=None, by=None):
    return PieceJustificative.objects.create(
        structure=structure,
        poste=poste,
        type=PieceType.CONTRAT_TRAVAIL,
        fichier=ContentFile(PDF_BYTES, name="contrat.pdf"),
        nom_fichier="contrat.pdf",
        valide_du=du,
        valide_au=au,
        statut=PieceStatut.ACCEPTEE,
        deposee_par=by or UserFactory(),
    )


def conseiller_recrute(structure, poste, *, debut=date(2023, 1, 1), fin=None, rupture=None, type_contrat=TypeContrat.CDI,
                       statut=MiseEnRelationStatut.FINALISEE):  # fmt: skip
    user = UserFactory()
    conseiller = Conseiller.objects.create(user=user, prenom="Karim", nom=user.last_name, code_postal="69001")
    return MiseEnRelation.objects.create(
        conseiller=conseiller,
        structure=structure,
        poste=poste,
        statut=statut,
        type_contrat=type_contrat,
        date_debut=debut,
        date_fin=fin,
        date_rupture=rupture,
        salaire_brut=Decimal("1900.00"),
    )


__all__ = ["ConventionEtat", "Convention"]
