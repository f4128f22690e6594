"""seed_demo: every pipeline status, ruptures, extensions, leave; the demo accounts linked."""

import io

import pytest
from django.core.management import call_command

from conseillers.enums import ConseillerStatut
from conseillers.enums import MiseEnRelationStatut as S
from conseillers.models import Conge, Conseiller, Coordination, MiseEnRelation, Prolongation
from conseillers.selectors import candidats_pour
from conumapp.enums import Role
from conumapp.permissions import has_role
from structures.enums import PosteEtat

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_the_pipeline():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    statuts = set(MiseEnRelation.objects.values_list("statut", flat=True))
    assert {
        S.NOUVELLE,
        S.INTERESSEE,
        S.NON_INTERESSEE,
        S.RECRUTEE,
        S.FINALISEE,
        S.NOUVELLE_RUPTURE,
        S.FINALISEE_RUPTURE,
    } <= statuts
    assert MiseEnRelation.objects.filter(dossier_incomplet=True).exists()
    assert Conseiller.objects.filter(statut="").count() >= 150
    assert Conseiller.objects.exclude(statut="").count() >= 60
    assert set(Prolongation.objects.values_list("statut", flat=True)) == {"initiee", "validee"}
    assert Conge.objects.count() >= 2

    karim = Conseiller.objects.get(user__email="conseiller@demo.conum.fr")
    mer = karim.mises_en_relation.get()
    assert mer.statut == S.FINALISEE and karim.statut == ConseillerStatut.RECRUTE
    assert mer.structure.membres.filter(user__email="structure@demo.conum.fr").exists()
    assert mer.structure.departement_id == "69" and mer.poste.etat == PosteEtat.OCCUPE
    assert has_role(karim.user, Role.CONSEILLER)

    lea = Conseiller.objects.get(user__email="candidat@demo.conum.fr")
    assert lea.disponible and lea.commune.nom == "Lyon" and lea.cv
    assert lea in candidats_pour(mer.structure)
    assert Coordination.objects.filter(coordinateur__email="coordinateur@demo.conum.fr").count() >= 3
