"""Two identical submits at the same time (double tap): one CRA, the other asked to confirm.
PostgreSQL only (row locks); each thread has its own connection."""

import threading

import pytest
from django.db import connections
from django.utils import timezone

from cra import services
from cra.enums import Thematique, bits_of
from cra.models import Cra

from .factories import conseiller_en_poste

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_submit_creates_one_cra(postgres_only):
    conseiller = conseiller_en_poste()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            cra = Cra(date=timezone.localdate(), type="individuel", duree=30, type_lieu="a_distance",
                      thematiques=bits_of(["email"], Thematique), participants=1, age_non_communique=1,
                      genre_non_communique=1, statut_non_communique=1)  # fmt: skip
            barrier.wait()
            services.cra_creer(conseiller=conseiller, by=conseiller.user, cra=cra)
            outcomes.append("cree")
        except services.DoublonPossible:
            outcomes.append("doublon")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["cree", "doublon"]
    assert Cra.objects.count() == 1
