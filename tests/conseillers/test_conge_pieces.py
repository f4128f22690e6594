"""Supporting documents of declared leave: operators download them from the admin, the
structure downloads its own; anyone else gets a 404."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from conseillers.enums import TypeConge
from conseillers.models import Conge

from .factories import PDF_BYTES, StructureFactory, UserFactory, en_poste, membre, operateur, prefecture

pytestmark = pytest.mark.django_db


@pytest.fixture
def conge():
    structure = StructureFactory(nombre_postes_accordes=1)
    member = membre(structure)
    mer = en_poste(structure)
    conge = Conge(
        conseiller=mer.conseiller,
        structure=structure,
        type=TypeConge.MALADIE,
        date_debut=date(2025, 4, 1),
        date_fin=date(2025, 4, 30),
        declare_par=member,
    )
    conge.justificatif.save("arret.pdf", ContentFile(PDF_BYTES), save=False)
    conge.save()
    conge.member = member
    return conge


def _url(conge):
    return reverse("conseillers:conge_justificatif", args=[conge.pk])


def _download_ok(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_operator_gets_a_link_in_the_admin_and_downloads(client, conge):
    client.force_login(operateur())
    changelist = client.get(reverse("admin:conseillers_conge_changelist")).content.decode()
    assert _url(conge) in changelist
    change = client.get(reverse("admin:conseillers_conge_change", args=[conge.pk])).content.decode()
    assert _url(conge) in change and "Télécharger le justificatif" in change
    _download_ok(client.get(_url(conge)))


def test_structure_downloads_its_own(client, conge):
    client.force_login(conge.member)
    page = client.get(reverse("conseillers:recrutement", args=[conge.conseiller.mises_en_relation.get().pk]))
    assert _url(conge) in page.content.decode()
    _download_ok(client.get(_url(conge)))


@pytest.mark.parametrize("who", ["autre_structure", "conseiller", "prefecture", "anonyme", "sans_role"])
def test_others_get_404(client, conge, who):
    if who == "autre_structure":
        client.force_login(membre(StructureFactory()))
    elif who == "conseiller":
        client.force_login(conge.conseiller.user)
    elif who == "prefecture":
        client.force_login(prefecture(conge.structure.departement_id))
    elif who == "sans_role":
        client.force_login(UserFactory())
    response = client.get(_url(conge))
    if who == "anonyme":
        assert response.status_code == 302 and "login" in response.url
    else:
        assert response.status_code == 404


def test_no_document_is_404(client, conge):
    Conge.objects.filter(pk=conge.pk).update(justificatif="")
    client.force_login(operateur())
    assert client.get(_url(conge)).status_code == 404
    assert client.get(reverse("conseillers:conge_justificatif", args=[999999])).status_code == 404
