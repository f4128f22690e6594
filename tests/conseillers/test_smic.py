"""The SMIC used as the minimum gross salary is editable by operators in the admin (history
kept); the latest effective value applies, the setting being the fallback."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from conseillers import services
from conseillers.enums import MiseEnRelationStatut as S
from conseillers.enums import TypeContrat
from conseillers.forms import ContratForm
from conseillers.models import ParametreSalaire
from conumapp.services import DomainError

from .factories import ConseillerFactory, StructureFactory, membre, mise_en_relation, operateur

pytestmark = pytest.mark.django_db

CDD = {"type_contrat": TypeContrat.CDD, "date_debut": date(2025, 3, 1), "date_fin": date(2026, 2, 28)}


def _form(salaire):
    return ContratForm(
        {"type_contrat": "CDD", "date_debut": "2025-03-01", "date_fin": "2026-02-28", "salaire_brut": salaire}
    )


def test_fallback_is_the_setting():
    assert ParametreSalaire.smic_en_vigueur() == settings.SMIC_BRUT_MENSUEL


def test_latest_effective_value_wins():
    today = timezone.localdate()
    ParametreSalaire.objects.create(smic_brut_mensuel=Decimal("1700"), date_effet=today - timedelta(days=400))
    ParametreSalaire.objects.create(smic_brut_mensuel=Decimal("1900"), date_effet=today - timedelta(days=10))
    ParametreSalaire.objects.create(smic_brut_mensuel=Decimal("2500"), date_effet=today + timedelta(days=30))
    assert ParametreSalaire.smic_en_vigueur() == Decimal("1900")
    assert ParametreSalaire.smic_en_vigueur(today - timedelta(days=100)) == Decimal("1700")
    assert ParametreSalaire.smic_en_vigueur(today + timedelta(days=31)) == Decimal("2500")


def test_changing_it_in_the_admin_changes_the_validation(client):
    op = operateur()
    client.force_login(op)
    structure = StructureFactory(nombre_postes_accordes=1)
    member = membre(structure)
    salaire = Decimal("1850.00")
    assert salaire > settings.SMIC_BRUT_MENSUEL
    assert _form(str(salaire)).is_valid()

    response = client.post(
        reverse("admin:conseillers_parametresalaire_add"),
        {
            "smic_brut_mensuel": "1900.00",
            "date_effet": timezone.localdate().isoformat(),
            "commentaire": "Revalorisation",
        },
    )
    assert response.status_code == 302
    parametre = ParametreSalaire.objects.get()
    assert parametre.created_by == op

    form = _form(str(salaire))
    assert not form.is_valid()
    assert "au moins égal au SMIC (1900.00 €)" in form.errors["salaire_brut"][0]
    mer = mise_en_relation(structure, ConseillerFactory())
    with pytest.raises(DomainError, match=r"SMIC \(1900.00 €\)"):
        services.contrat_declarer(mise_en_relation=mer, by=member, salaire_brut=salaire, **CDD)
    mer = services.contrat_declarer(mise_en_relation=mer, by=member, salaire_brut=Decimal("1900.00"), **CDD)
    assert mer.statut == S.RECRUTEE


def test_history_kept_values_are_not_edited(client):
    client.force_login(operateur())
    parametre = ParametreSalaire.objects.create(
        smic_brut_mensuel=Decimal("1900"), date_effet=date(2025, 1, 1)
    )
    url = reverse("admin:conseillers_parametresalaire_change", args=[parametre.pk])
    client.post(url, {"smic_brut_mensuel": "100", "date_effet": "2025-01-01"})
    parametre.refresh_from_db()
    assert parametre.smic_brut_mensuel == Decimal("1900")
    response = client.get(reverse("admin:conseillers_parametresalaire_delete", args=[parametre.pk]))
    assert response.status_code == 403
    assert client.get(reverse("admin:conseillers_parametresalaire_changelist")).status_code == 200
