"""Every CRA transition, allowed and refused (French messages)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conumapp.services import DomainError
from cra import services
from cra.enums import Thematique, bits_of
from cra.models import Cra

from .factories import CraFactory, StructureFactory, UserFactory, conseiller_en_poste, departement, recruter

pytestmark = pytest.mark.django_db


def _new(conseiller, **kwargs):
    values = dict(
        date=timezone.localdate(), type="individuel", duree=30, type_lieu="lieu_activite", commune_code="69123",
        thematiques=bits_of(["email"], Thematique), participants=1,
        age_non_communique=1, genre_non_communique=1, statut_non_communique=1,
    )  # fmt: skip
    values.update(kwargs)
    return Cra(**values)


def test_creer_attaches_the_employer_and_its_territory():
    structure = StructureFactory()
    conseiller = conseiller_en_poste(structure)
    cra = services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller))
    assert (cra.structure, cra.departement_code, cra.region_code) == (structure, "69", "84")


def test_history_stays_with_the_structure_of_the_cra_date():
    first, second = StructureFactory(), StructureFactory(departement=departement("75", "Paris", "11"))
    conseiller = conseiller_en_poste(first, debut=date(2023, 1, 1))
    conseiller.mises_en_relation.update(date_rupture=date(2024, 12, 31), statut="finalisee_rupture")
    recruter(conseiller, second, debut=date(2025, 1, 1))
    old = services.cra_creer(
        conseiller=conseiller, by=conseiller.user, cra=_new(conseiller, date=date(2024, 6, 3))
    )
    new = services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller))
    assert old.structure == first and new.structure == second
    assert (old.departement_code, new.departement_code) == ("69", "75")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": timezone.localdate() + timedelta(days=1)}, "La date ne peut pas être dans le futur."),
        ({"date": date(2019, 12, 31)}, "antérieure au 1er janvier 2020"),
        ({"thematiques": 0}, "Choisissez au moins une thématique."),
        ({"type": "collectif", "participants": 1, "age_non_communique": 1}, "entre 2 et 100 participants"),
        ({"type": "collectif", "participants": 3, "participants_recurrents": 4, "age_non_communique": 3,
          "genre_non_communique": 3, "statut_non_communique": 3}, "récurrents ne peuvent pas dépasser"),
        ({"age_non_communique": 0}, r"La somme des tranches d'âge \(0\) doit être égale"),
        ({"note": "x" * 501}, "500 caractères"),
    ],
)  # fmt: skip
def test_creer_refuses_invalid_cras(overrides, message):
    conseiller = conseiller_en_poste(debut=date(2020, 1, 1))
    with pytest.raises(DomainError, match=message):
        services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller, **overrides))
    assert not Cra.objects.exists()


def test_creer_refuses_before_contract_start_and_outside_contract():
    conseiller = conseiller_en_poste(debut=timezone.localdate() - timedelta(days=10))
    with pytest.raises(DomainError, match="antérieure au début de votre contrat"):
        services.cra_creer(
            conseiller=conseiller,
            by=conseiller.user,
            cra=_new(conseiller, date=timezone.localdate() - timedelta(days=11)),
        )
    sans_contrat = conseiller_en_poste(debut=timezone.localdate() + timedelta(days=5))
    sans_contrat.mises_en_relation.update(date_debut=date(2022, 1, 1), date_rupture=date(2022, 2, 1))
    with pytest.raises(DomainError, match="pas en poste à cette date"):
        services.cra_creer(conseiller=sans_contrat, by=sans_contrat.user, cra=_new(sans_contrat))


def test_creer_refuses_another_actor():
    conseiller = conseiller_en_poste()
    with pytest.raises(DomainError, match="pour vous-même"):
        services.cra_creer(conseiller=conseiller, by=UserFactory(), cra=_new(conseiller))


def test_duplicate_within_ten_minutes_needs_confirmation():
    conseiller = conseiller_en_poste()
    first = services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller))
    with pytest.raises(services.DoublonPossible) as error:
        services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller))
    assert error.value.existing == first
    assert "moins de 10 minutes" in error.value.message
    services.cra_creer(
        conseiller=conseiller, by=conseiller.user, cra=_new(conseiller), confirmer_doublon=True
    )
    # Different duration: not a duplicate.
    services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller, duree=45))
    Cra.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=_new(conseiller))
    assert Cra.objects.count() == 4


def test_modifier_within_window_and_refused_after(settings):
    conseiller = conseiller_en_poste()
    cra = CraFactory(conseiller=conseiller, structure=conseiller.mises_en_relation.get().structure)
    cra.duree = 60
    services.cra_modifier(cra=cra, by=conseiller.user)
    assert Cra.objects.get().duree == 60
    assert cra.history.count() == 2
    Cra.objects.update(created_at=timezone.now() - timedelta(days=settings.CRA_EDIT_WINDOW_DAYS + 1))
    cra.refresh_from_db()
    with pytest.raises(DomainError, match="ne peut plus être modifié"):
        services.cra_modifier(cra=cra, by=conseiller.user)
    with pytest.raises(DomainError, match="propres CRA"):
        services.cra_modifier(cra=cra, by=UserFactory())


def test_supprimer_then_restaurer_within_30_days():
    conseiller = conseiller_en_poste()
    cra = CraFactory(conseiller=conseiller)
    services.cra_supprimer(cra=cra, by=conseiller.user)
    assert Cra.objects.actifs().count() == 0
    with pytest.raises(DomainError, match="déjà supprimé"):
        services.cra_supprimer(cra=cra, by=conseiller.user)
    services.cra_restaurer(cra=cra, by=conseiller.user)
    assert Cra.objects.actifs().count() == 1
    with pytest.raises(DomainError, match="n'est pas supprimé"):
        services.cra_restaurer(cra=cra, by=conseiller.user)


def test_restaurer_refused_after_30_days_and_by_others():
    conseiller = conseiller_en_poste()
    cra = CraFactory(conseiller=conseiller, deleted_at=timezone.now() - timedelta(days=31))
    with pytest.raises(DomainError, match="plus de 30 jours"):
        services.cra_restaurer(cra=cra, by=conseiller.user)
    with pytest.raises(DomainError, match="propres CRA"):
        services.cra_restaurer(cra=cra, by=UserFactory())
    with pytest.raises(DomainError, match="propres CRA"):
        services.cra_supprimer(cra=cra, by=UserFactory())
