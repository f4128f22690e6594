"""The formation demo covers every path, outcome, dispensation, session and registration status."""

import pytest

from conumapp.demo import DemoContext
from conumapp.enums import Role
from formation import demo
from formation.enums import (
    Parcours,
    StatutAbsence,
    StatutCertification,
    StatutInscription,
    StatutSession,
    StatutValidation,
)
from formation.models import Certification, Dispense, FormationInitiale, Inscription, Session

from .factories import StructureFactory, en_poste, operateur

pytestmark = pytest.mark.django_db


def test_seed_covers_every_status_and_is_not_repeated():
    structure = StructureFactory(nombre_postes_accordes=25)
    conseillers = [en_poste(structure).conseiller for _ in range(25)]
    ctx = DemoContext(shared={"users": {Role.OPERATEUR: operateur(), Role.CONSEILLER: conseillers[3].user}})
    demo.seed(ctx)
    assert set(FormationInitiale.objects.values_list("parcours", flat=True)) == set(Parcours.values)
    assert set(Certification.objects.values_list("statut", flat=True)) == set(StatutCertification.values)
    assert set(Dispense.objects.values_list("statut", flat=True)) == set(StatutValidation.values)
    assert set(Session.objects.values_list("statut", flat=True)) == set(StatutSession.values)
    assert set(Inscription.objects.values_list("statut", flat=True)) == set(StatutInscription.values)
    assert set(
        Inscription.objects.exclude(absence_statut="").values_list("absence_statut", flat=True)
    ) == set(StatutAbsence.values)
    # The demo advisor comes first: 70 h path, CCP1 convocation, a module attended and one confirmed.
    assert FormationInitiale.objects.get(conseiller=conseillers[3]).parcours == 70
    assert set(Inscription.objects.filter(conseiller=conseillers[3]).values_list("statut", flat=True)) == {
        StatutInscription.SUIVIE,
        StatutInscription.CONFIRMEE,
    }
    count = Inscription.objects.count()
    demo.seed(ctx)
    assert Inscription.objects.count() == count
