"""Factories for the formation tests (advisors in post come from the conseillers factories)."""

from __future__ import annotations

from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from formation.enums import StatutCertification, TypeCertification
from formation.models import (
    Certification,
    FormationInitiale,
    ModuleThematique,
    OrganismeFormation,
    Session,
    StructureFormation,
)
from tests.conseillers.factories import (  # noqa: F401 - re-exported for the tests
    PDF_BYTES,
    ConseillerFactory,
    StructureFactory,
    UserFactory,
    en_poste,
    membre,
    operateur,
    prefecture,
    region,
)


def pdf(name="justificatif.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def organisme(nom="La Fabrik"):
    return OrganismeFormation.objects.get_or_create(nom=nom)[0]


def module(nom="Accompagner les seniors", **kwargs):
    defaults = {"type": "intervenir", "duree_heures": 14}
    defaults.update(kwargs)
    return ModuleThematique.objects.get_or_create(nom=nom, defaults=defaults)[0]


def aidants_connect():
    return module("Aidants Connect", type="prise_en_main", duree_heures=7, prerequis_aidants_connect=True)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    module = factory.LazyFunction(module)
    organisme = factory.LazyFunction(organisme)
    region = factory.LazyFunction(region)
    date_debut = date(2026, 12, 15)
    date_fin = factory.LazyAttribute(lambda o: o.date_debut)
    lieu = "Lyon"
    capacite = 12
    minimum_inscrits = 2


def conseiller_eligible(structure=None, *, entree=date(2023, 3, 1), convoque=True, **contrat):
    """An advisor in post, entered initial training, with a CCP1 convocation."""
    structure = structure or StructureFactory()
    contrat.setdefault("date_debut", date(2023, 1, 1))
    contrat.setdefault("date_fin", date(2027, 12, 31))
    mer = en_poste(structure, **contrat)
    conseiller = mer.conseiller
    if entree:
        FormationInitiale.objects.create(
            conseiller=conseiller,
            mise_en_relation=mer,
            parcours=70,
            organisme=organisme(),
            date_entree=entree,
            date_sortie=entree.replace(month=min(entree.month + 3, 12)),
        )
    if convoque:
        Certification.objects.create(
            conseiller=conseiller,
            type=TypeCertification.CCP1,
            statut=StatutCertification.CONVOQUE,
            date_convocation=date(2024, 6, 1),
        )
    return conseiller


def habiliter_aidants_connect(structure):
    return StructureFormation.objects.update_or_create(
        structure=structure, defaults={"habilitation_aidants_connect": True}
    )[0]
