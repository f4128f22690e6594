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


@pytest.mark.django_db
def test_footer_links_to_the_published_accessibility_statement(client):
    page = client.get(reverse("home")).content.decode()
    url = reverse("core:accessibilite")
    assert f'href="{url}">Accessibilité : partiellement conforme</a>' in page
    statement = client.get(url)
    assert statement.status_code == 200
    content = statement.content.decode()
    assert "Déclaration d'accessibilité" in content and "Défenseur des droits" in content
