"""A candidate signs up and uploads a CV; a structure preselects them and declares a CDD; the
operator validates in the back office; the advisor logs in and sees their structure and contract.
Real browser (Debian chromium); every user logs in through the login form."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from conseillers.enums import MiseEnRelationStatut as S
from conseillers.models import Conseiller
from tests.conseillers.factories import PDF_BYTES, StructureFactory, commune, membre, operateur

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-solide-123"
CANDIDATE_PASSWORD = "mon-mot-de-passe-candidat"


def _verified(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def test_recrutement_journey(new_page, login, reference_data, mailoutbox, tmp_path, console_errors):
    commune("69123")
    structure = StructureFactory(nom="Mairie de Vénissieux", nombre_postes_accordes=1)
    member = _verified(membre(structure))
    op = _verified(operateur())
    cv = tmp_path / "Mon CV.pdf"
    cv.write_bytes(PDF_BYTES)

    # 1. The candidate signs up on the public page, with a CV, and confirms the email address
    page = new_page()
    page.goto("/conseillers/candidature/")
    page.fill("input[name=email]", "ines.candidate@example.fr")
    page.fill("input[name=password1]", CANDIDATE_PASSWORD)
    page.fill("input[name=password2]", CANDIDATE_PASSWORD)
    page.fill("input[name=prenom]", "Inès")
    page.fill("input[name=nom]", "Candidate")
    page.fill("input[name=code_postal]", "69001")
    page.select_option("select[name=distance_max]", "20")
    page.select_option("select[name=situation]", "demandeur_emploi")
    page.set_input_files("input[name=cv]", str(cv))
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    page.goto(re.search(r"/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0))
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    candidat = Conseiller.objects.get(user__email="ines.candidate@example.fr")
    assert candidat.cv.name.endswith(".pdf") and candidat.cv_nom == "Mon CV.pdf"
    assert EmailAddress.objects.get(user=candidat.user).verified

    # 2. The structure finds the candidate, preselects them and declares a CDD
    page = login(new_page(), member.email, PASSWORD)
    page.goto(f"/conseillers/structures/{structure.pk}/candidats/")
    page.get_by_role("link", name="Inès Candidate").click()
    expect(page.get_by_role("link", name="Télécharger le CV (PDF)")).to_be_visible()
    page.get_by_role("button", name="Présélectionner").click()
    expect(page.get_by_text("Candidat présélectionné").first).to_be_visible()
    page.get_by_role("link", name="Déclarer le contrat").click()
    page.select_option("select[name=type_contrat]", "CDD")
    page.fill("input[name=date_debut]", "2026-01-05")
    page.fill("input[name=date_fin]", "2027-01-04")
    page.fill("input[name=salaire_brut]", "2100")
    page.get_by_role("button", name="Déclarer le recrutement").click()
    expect(page.get_by_text("Candidature validée").first).to_be_visible()

    # 3. The operator validates in the queue "Recrutements à valider", after a confirmation
    page = login(new_page(), op.email, PASSWORD)
    page.goto("/admin/conseillers/recrutementavalider/")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "valider")
    page.locator("button[name=index], input[name=index]").first.click()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.get_by_text("Recrutement validé").first).to_be_visible()
    assert candidat.mises_en_relation.get().statut == S.FINALISEE
    # Django's admin pages declare no favicon: the browser's automatic /favicon.ico request is a 404
    console_errors[:] = [error for error in console_errors if "/favicon.ico" not in error]

    # 4. The advisor logs in and sees their structure and contract
    page = login(new_page(), "ines.candidate@example.fr", CANDIDATE_PASSWORD)
    page.goto("/conseillers/mon-espace/")
    expect(page.get_by_role("heading", name="Mairie de Vénissieux")).to_be_visible()
    expect(page.get_by_text("Type de contrat : CDD")).to_be_visible()
    expect(page.get_by_text("Fin : 04/01/2027")).to_be_visible()
