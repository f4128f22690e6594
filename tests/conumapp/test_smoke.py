import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_public_home_presents_both_entry_points(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Engager un conseiller" in content
    assert "Devenir conseiller" in content
    assert reverse("statistiques:publiques") in content  # public figures reachable without an account
    assert reverse("donnees_ouvertes:index") in content


@pytest.mark.django_db
def test_protected_page_redirects_anonymous_to_login(client):
    response = client.get(reverse("espace"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
