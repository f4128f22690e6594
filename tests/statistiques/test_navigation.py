"""The menu offers the statistics pages each role may open: statistics for every role with a
scope, the row export of CRAs where rows are visible, the steering page for operators and
prefectures; the menu costs at most one query."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from conumapp import permissions
from conumapp.enums import Role
from statistiques.navigation import items
from tests.cra.factories import conseiller_en_poste
from tests.structures.factories import StructureFactory, UserFactory, departement, membre, prefecture

pytestmark = pytest.mark.django_db


def _labels(user):
    request = RequestFactory().get("/")
    request.user = user
    return [item.label for item in items(request)]


def test_menu_entries_by_role():
    structure = StructureFactory(validee=True)
    operateur = UserFactory()
    permissions.grant_role(operateur, Role.OPERATEUR)
    hub = UserFactory()
    permissions.grant_role(hub, Role.HUB, region=departement("69").region)
    assert _labels(operateur) == ["Statistiques", "Export des CRA", "Pilotage"]
    assert _labels(prefecture("69")) == ["Statistiques", "Pilotage"]
    assert _labels(hub) == ["Statistiques"]
    assert _labels(membre(structure)) == ["Statistiques", "Export des CRA"]
    assert _labels(conseiller_en_poste(structure).user) == ["Statistiques", "Export des CRA"]
    assert _labels(UserFactory()) == []


def test_menu_costs_at_most_one_query():
    user = membre(StructureFactory(validee=True))
    permissions.user_roles(user)  # roles are cached per request by the middleware's first use
    with CaptureQueriesContext(connection) as queries:
        _labels(user)
    assert len(queries) <= 1
