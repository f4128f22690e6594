"""The admin's autocomplete drop-downs survive a crafted value: the refused form is shown again
with Django's French error instead of a 500 (``SafeAutocompleteSelect``)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from conumapp.admin_base import SafeAutocompleteSelect
from conumapp.models import Habilitation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(User.objects.create_superuser("operateur@anct.gouv.fr", "mot-de-passe-solide-2026"))
    return client


def test_autocomplete_fields_use_the_safe_widget(rf):
    request = rf.get("/")
    request.user = User(is_superuser=True, is_staff=True)
    form = admin.site._registry[Habilitation].get_form(request)()
    assert isinstance(form.fields["user"].widget.widget, SafeAutocompleteSelect)


@pytest.mark.parametrize(
    "crafted", ["pas-un-identifiant", "1; DROP TABLE conumapp_user", "99999999999999999999999"]
)
def test_a_crafted_autocomplete_value_re_renders_the_form_in_french(operator_client, crafted):
    count = Habilitation.objects.count()
    response = operator_client.post(
        reverse("admin:conumapp_habilitation_add"), {"user": crafted, "role": "operateur"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sélectionnez un choix valide" in content or "Saisissez un nombre entier" in content
    assert Habilitation.objects.count() == count


def test_a_valid_key_is_still_shown_selected(operator_client):
    user = User.objects.create_user("agent@exemple.fr", "mot-de-passe-solide-2026")
    response = operator_client.post(
        reverse("admin:conumapp_habilitation_add"), {"user": str(user.pk), "role": ""}
    )
    assert response.status_code == 200
    assert f'<option value="{user.pk}" selected>agent@exemple.fr' in response.content.decode()
