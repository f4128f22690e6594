"""One habilitation per user, role and territory: NULL territories count as equal."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conumapp.enums import Role
from conumapp.models import Departement, Habilitation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user(email="agent@anct.gouv.fr", password="un-mot-de-passe-long")


def test_same_role_without_territory_twice_is_refused_by_the_database(user):
    Habilitation.objects.create(user=user, role=Role.OPERATEUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Habilitation.objects.create(user=user, role=Role.OPERATEUR)
    assert Habilitation.objects.filter(user=user).count() == 1


def test_same_role_without_territory_twice_gets_a_french_message(user):
    Habilitation.objects.create(user=user, role=Role.OPERATEUR)
    with pytest.raises(ValidationError) as error:
        Habilitation(user=user, role=Role.OPERATEUR).full_clean()
    assert "Cet utilisateur a déjà cette habilitation sur ce territoire." in error.value.messages


def test_same_role_on_two_territories_is_allowed(user):
    assert Departement.objects.filter(code__in=["69", "01"]).count() == 2  # shipped by a migration
    Habilitation.objects.create(user=user, role=Role.PREFECTURE, departement_id="69")
    Habilitation.objects.create(user=user, role=Role.PREFECTURE, departement_id="01")
    assert Habilitation.objects.filter(user=user, role=Role.PREFECTURE).count() == 2
