"""The structure's page ("Ma structure") lists its conventions, through a hook registered by conventions."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions import sections, services
from structures import hooks
from tests.conventions.factories import (
    StructureFactory,
    conseiller_recrute,
    contrat_accepte,
    convention_signee,
    membre,
    operateur,
    prefecture,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_structure_page_lists_its_conventions_with_status_period_and_amounts(client):
    op = operateur()
    structure = StructureFactory()
    poste = structure.postes.get()
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=TODAY() - timedelta(days=900))
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=40), by=op)
    services.tranche_verser(tranche=convention.tranches.get(numero=1), by=op, date_versement=TODAY())
    autre = convention_signee(StructureFactory(), signed_on=TODAY() - timedelta(days=3), by=op)
    client.force_login(membre(structure))
    content = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Conventions de subvention" in content
    assert content.count('<tr class="convention">') == 1
    assert f'href="{reverse("conventions:detail", args=[convention.pk])}"' in content
    assert convention.numero in content and autre.numero not in content
    assert "Signée (en cours)" in content and "Conventionnement validé" in content
    assert f"du {convention.date_debut:%d/%m/%Y} au {convention.date_fin:%d/%m/%Y}" in content
    assert "50\xa0000,00 €" in content  # committed
    assert "16\xa0666,67 €" in content  # paid


def test_a_structure_without_convention_says_so(client):
    structure = StructureFactory()
    client.force_login(membre(structure))
    content = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Aucune convention pour le moment" in content


def test_the_prefecture_sees_the_conventions_of_its_departement_only():
    op = operateur()
    convention = convention_signee(StructureFactory(), signed_on=TODAY() - timedelta(days=3), by=op)
    assert convention.numero in sections.section_structure(convention.structure, prefecture("69"))
    assert convention.numero not in sections.section_structure(convention.structure, prefecture("38"))


def test_the_section_is_registered_by_conventions_and_structures_does_not_import_it():
    assert sections.section_structure in hooks._section_providers
    for path in Path("structures").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.split(".")[0] == "conventions" for n in names), path
