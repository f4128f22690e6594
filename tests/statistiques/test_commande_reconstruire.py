"""`manage.py reconstruire_statistiques` rebuilds the rollups from the CRAs (deployments that add
a rollup table, bulk loads that bypass the import)."""

from io import StringIO

import pytest
from django.core.management import call_command

from statistiques.models import CumulJour

pytestmark = pytest.mark.django_db


def test_command_rebuilds_the_rollup_from_the_cras(jeu):
    CumulJour.objects.all().delete()
    out = StringIO()
    call_command("reconstruire_statistiques", stdout=out)
    assert "recalculés" in out.getvalue()
    assert CumulJour.objects.exists()
    from django.db.models import Sum

    from cra.models import Cra

    assert CumulJour.objects.aggregate(n=Sum("cras"))["n"] == Cra.objects.actifs().count()
