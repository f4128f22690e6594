"""History (django-simple-history): who changed which habilitation, and when, shown in the admin."""

import pytest
from django.urls import reverse

from conumapp.enums import GrandReseau, Role
from conumapp.models import Habilitation, User
from conumapp.permissions import grant_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = User.objects.create_superuser("chef@anct.gouv.fr", "mot-de-passe-solide-2026")
    client.force_login(user)
    return user


@pytest.fixture
def agent():
    return User.objects.create_user("agent@laposte.fr", first_name="Agathe", last_name="Agent")


def test_admin_change_records_who_made_it(client, operator, agent):
    response = client.post(
        reverse("admin:conumapp_habilitation_add"),
        {"user": agent.pk, "role": Role.GRAND_RESEAU, "grand_reseau": GrandReseau.LA_POSTE},
    )
    assert response.status_code == 302, response.content.decode()
    habilitation = Habilitation.objects.get(user=agent)
    created = habilitation.history.get()
    assert (created.history_type, created.history_user, created.role) == ("+", operator, Role.GRAND_RESEAU)

    response = client.post(
        reverse("admin:conumapp_habilitation_change", args=[habilitation.pk]),
        {"user": agent.pk, "role": Role.GRAND_RESEAU, "grand_reseau": GrandReseau.CROIX_ROUGE},
    )
    assert response.status_code == 302
    changed = habilitation.history.latest()
    assert (changed.history_type, changed.history_user, changed.grand_reseau) == (
        "~",
        operator,
        "croix_rouge",
    )
    assert changed.diff_against(created).changed_fields == ["grand_reseau"]

    page = client.get(reverse("admin:conumapp_habilitation_history", args=[habilitation.pk]))
    assert page.status_code == 200
    assert "chef@anct.gouv.fr" in page.content.decode()

    client.post(reverse("admin:conumapp_habilitation_delete", args=[habilitation.pk]), {"post": "yes"})
    assert not Habilitation.objects.exists()
    removed = Habilitation.history.filter(id=habilitation.pk).latest()
    assert (removed.history_type, removed.history_user) == ("-", operator)


def test_role_granted_through_the_user_page_inline_is_recorded(client, operator, agent):
    response = client.post(
        reverse("admin:conumapp_user_change", args=[agent.pk]),
        {
            "email": agent.email,
            "first_name": "Agathe",
            "last_name": "Agent",
            "telephone": "",
            "is_active": "on",
            "habilitations-TOTAL_FORMS": "1",
            "habilitations-INITIAL_FORMS": "0",
            "habilitations-MIN_NUM_FORMS": "0",
            "habilitations-MAX_NUM_FORMS": "1000",
            "habilitations-0-role": Role.OPERATEUR,
            "habilitations-0-grand_reseau": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    record = Habilitation.history.get(user_id=agent.pk)
    assert (record.role, record.history_user, record.history_type) == (Role.OPERATEUR, operator, "+")


def test_invalid_habilitation_is_refused_with_a_french_message_and_no_history(client, operator, agent):
    response = client.post(
        reverse("admin:conumapp_habilitation_add"), {"user": agent.pk, "role": Role.GRAND_RESEAU}
    )
    assert response.status_code == 200
    assert not Habilitation.history.exists()


def test_change_outside_a_request_is_recorded_without_user(agent):
    habilitation = grant_role(agent, Role.CANDIDAT)
    record = habilitation.history.get()
    assert record.history_user is None and record.history_type == "+"


def test_user_model_has_no_history_of_personal_data():
    assert not hasattr(User, "history")
