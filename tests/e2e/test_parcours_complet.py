"""The whole programme in one real browser (Debian's Chromium), through the real UI, every user
logging in through the login form:

a structure applies → the prefecture gives its opinion → the operator validates 2 posts (back
office) → a candidate signs up and confirms their address → the structure preselects and recruits
them → the operator validates the recruitment, drafts and sends the convention → the structure
deposits the employment contract → the operator accepts it and records the signature → the advisor
logs in on a phone (360 × 740), registers for a module and files 3 CRAs → the structure reads its
statistics and downloads the CSV export → the operator records the first tranche.

axe-core audits every page of the journey (``tests/e2e/axe.py``), in each state the journey
shows: the login page and the logged-in home of every user (the advisor's on the phone), forms
before and after they are sent, the back-office pages after each action (with their message).
Any serious or critical violation fails the test, listing page, rule and elements. The result is recorded in
``docs/accessibilite.md``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import Conseiller
from conventions.enums import TrancheStatut
from conventions.models import Convention, Tranche
from cra.models import Cra
from formation.enums import StatutCertification, TypeCertification
from formation.models import Certification, FormationInitiale
from structures.enums import StructureStatut
from structures.models import Structure
from tests.conseillers.factories import PDF_BYTES, commune
from tests.e2e.axe import BLOCKING, violations
from tests.formation.factories import SessionFactory, module, organisme
from tests.structures.factories import operateur, postcode, prefecture, valid_siret

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "mot-de-passe-solide-123"  # tests.structures.factories.UserFactory
STRUCTURE_EMAIL = "ines.garnier@caluire.fr"
STRUCTURE_PASSWORD = "un-mot-de-passe-long"
CANDIDATE_EMAIL = "karim.conseiller@example.fr"
CANDIDATE_PASSWORD = "mon-mot-de-passe-candidat"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


class Audit:
    """axe-core on every page of the journey; blocking violations are collected, then reported.

    With ``AXE_RAPPORT=<file>`` the pages audited and every violation found (all impacts) are
    also written to that JSON file: the figures of ``docs/accessibilite.md`` come from it.
    """

    def __init__(self):
        self.pages: list[dict] = []
        self.found: list[str] = []
        self.all: list[dict] = []

    def __call__(self, page) -> None:
        page.wait_for_load_state("load")
        path = re.sub(r"^https?://[^/]+", "", page.url)
        self.pages.append({"page": path, "largeur": (page.viewport_size or {}).get("width")})
        for v in violations(page, impacts=ALL_IMPACTS):
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            self.all.append({"page": path, "regle": v["id"], "impact": v["impact"], "cibles": targets})
            if v["impact"] in BLOCKING:
                self.found.append(f"{path} — {v['id']} ({v['impact']}) : {v['help']} — {targets}")

    def check(self) -> None:
        if os.environ.get("AXE_RAPPORT"):
            Path(os.environ["AXE_RAPPORT"]).write_text(
                json.dumps({"pages": self.pages, "violations": self.all}, ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
        if self.found:
            pytest.fail(
                f"axe-core : {len(self.found)} violation(s) bloquante(s) sur {len(self.pages)} pages :\n"
                + "\n".join(self.found),
                pytrace=False,
            )


def _verified(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _confirm_email(page, mailoutbox, email, audit):
    """Follow the confirmation link of allauth's (mandatory) verification email."""
    message = next(m for m in reversed(mailoutbox) if email in m.to)
    page.goto(re.search(r"/accounts/confirm-email/\S+", message.body).group(0))
    audit(page)
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/confirm-email/"))
    assert EmailAddress.objects.get(email=email).verified


def _admin_action(page, audit, changelist, action, pk=None):
    page.goto(changelist)
    audit(page)
    selector = "input[name=_selected_action]" + (f"[value='{pk}']" if pk else "")
    page.locator(selector).first.check()
    page.select_option("select[name=action]", action)
    page.locator("button[name=index], input[name=index]").first.click()


def _assert_home(page):
    """login() audited the page reached after logging in: the logged-in home, for every role."""
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _csv_sections(text: str) -> dict[str, list[list[str]]]:
    out, current = {}, None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = out.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return out


def test_parcours_complet(new_page, login, reference_data, mailoutbox, tmp_path, console_errors):
    today = timezone.localdate()
    postcode("69001", "69", "69381", "Lyon 1er Arrondissement")
    commune("69123")
    prefet = _verified(prefecture("69"))
    op = _verified(operateur())
    siret = valid_siret(4343)
    audit = Audit()

    # 1. A structure applies on the public page and confirms its contact address.
    structure_page = new_page()
    structure_page.goto("/")
    audit(structure_page)
    structure_page.goto("/structures/candidature/")
    audit(structure_page)
    structure_page.fill("input[name=siret]", siret)
    structure_page.fill("input[name=nom]", "Mairie de Caluire")
    structure_page.select_option("select[name=type]", "COMMUNE")
    structure_page.fill("input[name=adresse]", "Place du Docteur Dugoujon")
    structure_page.fill("input[name=code_postal]", "69001")
    structure_page.fill("input[name=contact_prenom]", "Inès")
    structure_page.fill("input[name=contact_nom]", "Garnier")
    structure_page.fill("input[name=contact_email]", STRUCTURE_EMAIL)
    structure_page.fill("input[name=password]", STRUCTURE_PASSWORD)
    structure_page.fill("input[name=nombre_conseillers_souhaites]", "2")
    structure_page.fill("input[name=date_debut_mission]", (today + timedelta(days=20)).isoformat())
    structure_page.fill("textarea[name=motivation]", "Accompagner les habitants vers l'autonomie numérique.")
    structure_page.check("input[name=engagement_confirme]", force=True)
    structure_page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(structure_page.locator("h1")).to_have_text("Votre candidature a bien été envoyée")
    audit(structure_page)
    structure = Structure.objects.get(siret=siret)
    assert structure.statut == StructureStatut.CREEE
    _confirm_email(structure_page, mailoutbox, STRUCTURE_EMAIL, audit)

    # 2. The prefecture gives a favourable opinion.
    pref = login(new_page(), prefet.email, STAFF_PASSWORD, audit=audit)
    _assert_home(pref)
    pref.goto("/structures/prefecture/")
    audit(pref)
    pref.get_by_role("link", name="Mairie de Caluire").first.click()
    expect(pref.locator("textarea[name=avis-commentaire]")).to_be_visible()
    audit(pref)
    pref.check("input[name=avis-avis][value=POSITIF]", force=True)
    pref.fill("textarea[name=avis-commentaire]", "Projet cohérent avec le besoin du territoire.")
    pref.get_by_role("button", name="Enregistrer l'avis").click()
    expect(pref.get_by_text("Votre avis a été enregistré.")).to_be_visible()
    audit(pref)

    # 3. The operator validates 2 posts in the back office, after a confirmation page.
    admin = login(new_page(), op.email, STAFF_PASSWORD, audit=audit)
    _assert_home(admin)
    _admin_action(admin, audit, "/admin/structures/structure/", "decider", structure.pk)
    expect(admin.locator("h1")).to_have_text("Décision du comité de sélection")
    audit(admin)
    admin.fill("input[name=numero]", "12")
    admin.select_option("select[name=type]", "VALIDATION_COSELEC")
    admin.fill("input[name=nombre_postes]", "2")
    admin.click("input[value='Confirmer la décision']")
    expect(admin.get_by_text("Décision enregistrée pour 1 structure(s).")).to_be_visible()
    audit(admin)
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.VALIDATION_COSELEC

    # 4. A candidate signs up with a CV and confirms their address.
    cv = tmp_path / "CV Karim.pdf"
    cv.write_bytes(PDF_BYTES)
    candidate = new_page()
    candidate.goto("/conseillers/candidature/")
    audit(candidate)
    candidate.fill("input[name=email]", CANDIDATE_EMAIL)
    candidate.fill("input[name=password1]", CANDIDATE_PASSWORD)
    candidate.fill("input[name=password2]", CANDIDATE_PASSWORD)
    candidate.fill("input[name=prenom]", "Karim")
    candidate.fill("input[name=nom]", "Benali")
    candidate.fill("input[name=code_postal]", "69001")
    candidate.select_option("select[name=distance_max]", "20")
    candidate.select_option("select[name=situation]", "demandeur_emploi")
    candidate.set_input_files("input[name=cv]", str(cv))
    candidate.get_by_role("button", name="Envoyer ma candidature").click()
    expect(candidate).to_have_url(re.compile(r"/accounts/confirm-email/"))
    audit(candidate)
    _confirm_email(candidate, mailoutbox, CANDIDATE_EMAIL, audit)
    conseiller = Conseiller.objects.get(user__email=CANDIDATE_EMAIL)

    # 5. The structure logs in, sees its 2 posts, preselects the candidate and declares a CDD.
    structure_page = login(new_page(accept_downloads=True), STRUCTURE_EMAIL, STRUCTURE_PASSWORD, audit=audit)
    _assert_home(structure_page)
    structure_page.goto("/structures/ma-structure/")
    expect(structure_page.get_by_text("2 vacant(s), 0 occupé(s), 0 rendu(s)")).to_be_visible()
    audit(structure_page)
    structure_page.goto(f"/conseillers/structures/{structure.pk}/candidats/")
    audit(structure_page)
    structure_page.get_by_role("link", name="Karim Benali").click()
    expect(structure_page.get_by_role("link", name="Télécharger le CV (PDF)")).to_be_visible()
    audit(structure_page)
    structure_page.get_by_role("button", name="Présélectionner").click()
    expect(structure_page.get_by_text("Candidat présélectionné").first).to_be_visible()
    audit(structure_page)
    structure_page.get_by_role("link", name="Déclarer le contrat").click()
    expect(structure_page.locator("select[name=type_contrat]")).to_be_visible()
    audit(structure_page)
    debut_contrat = today - timedelta(days=60)
    structure_page.select_option("select[name=type_contrat]", "CDD")
    structure_page.fill("input[name=date_debut]", debut_contrat.isoformat())
    structure_page.fill("input[name=date_fin]", (debut_contrat + timedelta(days=364)).isoformat())
    structure_page.fill("input[name=salaire_brut]", "2100")
    structure_page.get_by_role("button", name="Déclarer le recrutement").click()
    expect(structure_page.get_by_text("Candidature validée").first).to_be_visible()
    audit(structure_page)

    # 6. The operator validates the recruitment, then drafts and sends the convention.
    _admin_action(admin, audit, "/admin/conseillers/recrutementavalider/", "valider")
    audit(admin)
    admin.get_by_role("button", name="Confirmer la validation").click()
    expect(admin.get_by_text("Recrutement validé").first).to_be_visible()
    audit(admin)
    recrutement = conseiller.mises_en_relation.get()
    assert recrutement.statut == MiseEnRelationStatut.FINALISEE
    admin.goto("/admin/conventions/convention/rediger/")
    audit(admin)
    admin.select_option("select[name=structure]", str(structure.pk))
    admin.click("input[type=submit]")
    expect(admin.get_by_role("link", name="Envoyer")).to_be_visible()
    audit(admin)
    admin.get_by_role("link", name="Envoyer").click()
    audit(admin)
    admin.click("input[value=Envoyer]")
    expect(admin.locator(".messagelist")).to_be_visible()
    audit(admin)
    convention = Convention.objects.get(structure=structure)

    # 7. The structure opens its convention and deposits the advisor's employment contract.
    contrat = tmp_path / "Contrat Karim.pdf"
    contrat.write_bytes(PDF_BYTES)
    structure_page.goto("/conventions/")
    audit(structure_page)
    structure_page.get_by_role("link", name=convention.numero).click()
    expect(structure_page.get_by_role("heading", level=1)).to_have_text(f"Convention {convention.numero}")
    audit(structure_page)
    structure_page.select_option("select[name=type]", "contrat_travail")
    structure_page.select_option("select[name=poste]", str(recrutement.poste_id))
    structure_page.fill("input[name=valide_du]", debut_contrat.isoformat())
    structure_page.fill("input[name=valide_au]", (debut_contrat + timedelta(days=364)).isoformat())
    structure_page.set_input_files("input[name=fichier]", str(contrat))
    structure_page.get_by_role("button", name="Déposer la pièce").click()
    expect(structure_page.get_by_role("link", name="Contrat Karim.pdf")).to_be_visible()

    # 8. The operator accepts the contract and records the signature: 3 tranches per post.
    _admin_action(admin, audit, "/admin/conventions/piecejustificative/", "accepter")
    expect(admin.get_by_text("Vérification enregistrée.")).to_be_visible()
    audit(admin)
    admin.goto(f"/admin/conventions/convention/{convention.pk}/change/")
    admin.get_by_role("link", name="Enregistrer la signature").click()
    audit(admin)
    # signed 40 days ago: the first tranche (1 month after signature) has come due
    admin.fill("input[name=date]", (today - timedelta(days=40)).isoformat())
    admin.click("input[type=submit]")
    expect(admin.locator(".messagelist")).to_contain_text("Signature enregistrée")
    audit(admin)
    structure_page.reload()
    expect(structure_page.locator("tr.tranche")).to_have_count(6)
    audit(structure_page)

    # The training organisation's records (initial training entered, CCP1 convocation) come from
    # its import, not from this journey.
    FormationInitiale.objects.create(
        conseiller=conseiller,
        mise_en_relation=recrutement,
        parcours=70,
        organisme=organisme(),
        date_entree=debut_contrat,
        date_sortie=debut_contrat + timedelta(days=20),
    )
    Certification.objects.create(
        conseiller=conseiller,
        type=TypeCertification.CCP1,
        statut=StatutCertification.CONVOQUE,
        date_convocation=today - timedelta(days=5),
    )
    SessionFactory(module=module("Accompagner les seniors"), date_debut=today + timedelta(days=40))

    # 9. On a phone, the advisor logs in, registers for a module and files 3 CRAs.
    phone = login(new_page(**PHONE), CANDIDATE_EMAIL, CANDIDATE_PASSWORD, audit=audit)
    _assert_home(phone)
    phone.goto("/conseillers/mon-espace/")
    expect(phone.get_by_role("heading", name="Mairie de Caluire")).to_be_visible()
    audit(phone)
    phone.goto("/formation/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Formation de")
    audit(phone)
    phone.get_by_role("link", name="S'inscrire à une session").click()
    expect(phone.get_by_role("link", name="S'inscrire").first).to_be_visible()
    audit(phone)
    phone.get_by_role("link", name="S'inscrire").first.click()
    expect(phone.get_by_role("button", name="Confirmer la demande d'inscription")).to_be_visible()
    audit(phone)
    phone.get_by_role("button", name="Confirmer la demande d'inscription").click()
    expect(phone.locator("body")).to_contain_text("Demande d'inscription enregistrée")
    expect(phone.locator("table")).to_contain_text("Éligibilité à valider")
    audit(phone)

    phone.goto("/cra/saisir/")
    expect(phone.get_by_role("heading", name="Saisir un CRA")).to_be_visible()
    audit(phone)
    phone.get_by_text("E-mail", exact=True).click()
    phone.get_by_role("button", name="Enregistrer le CRA").click()
    expect(phone.get_by_role("heading", name="CRA enregistré")).to_be_visible()
    audit(phone)
    phone.get_by_role("link", name="Saisir un autre CRA").click()
    phone.get_by_text("Santé", exact=True).click()
    phone.get_by_role("button", name="Enregistrer le CRA").click()
    expect(phone.get_by_role("heading", name="CRA enregistré")).to_be_visible()
    phone.get_by_role("link", name="Saisir un autre CRA").click()
    phone.locator("label", has_text="Atelier collectif").click()
    expect(phone.locator("[data-cra-pour=collectif]").first).to_be_visible()
    phone.fill("input[name=titre_atelier]", "Découvrir la messagerie")
    phone.fill("input[name=participants]", "12")
    for name in ("age_soixante_dix_plus", "genre_non_communique", "statut_retraite"):
        phone.fill(f"input[name={name}]", "12")
    phone.locator("label", has_text="1 h 30").click()
    phone.get_by_text("E-mail", exact=True).click()
    audit(phone)
    phone.get_by_role("button", name="Enregistrer le CRA").click()
    expect(phone.get_by_role("heading", name="CRA enregistré")).to_be_visible()
    phone.get_by_role("link", name="Mes CRA").click()
    expect(phone.get_by_text("3 CRA · 14 personnes")).to_be_visible()
    audit(phone)
    assert Cra.objects.filter(conseiller=conseiller).count() == 3

    # 10. The structure sees the 3 CRAs in its statistics and exports them.
    structure_page.goto("/statistiques/")
    expect(structure_page.get_by_role("heading", level=1, name="Statistiques")).to_be_visible()
    expect(structure_page.locator("#chiffre-cras .statistiques-chiffre__valeur")).to_have_text("3")
    expect(structure_page.locator("#chiffre-ateliers .statistiques-chiffre__valeur")).to_have_text("1")
    expect(
        structure_page.locator("#chiffre-participants_ateliers .statistiques-chiffre__valeur")
    ).to_have_text("12")
    audit(structure_page)
    figures = structure_page.eval_on_selector_all(
        ".statistiques-chiffre",
        "els => els.map(e => [e.querySelector('.statistiques-chiffre__libelle').textContent.trim(),"
        " e.querySelector('.statistiques-chiffre__valeur').textContent.trim()])",
    )
    with structure_page.expect_download() as download_info:
        structure_page.get_by_role("link", name="Télécharger en CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    sections = _csv_sections(Path(download.path()).read_bytes().decode("utf-8-sig"))
    assert dict(sections["Chiffres clés"][1:])["CRA"] == "3"
    assert dict(sections["Chiffres clés"][1:]) == dict(figures)  # the export holds the page's figures

    # 11. The operator records the first tranche from the "à verser" queue.
    tranche = Tranche.objects.get(convention=convention, poste_id=recrutement.poste_id, numero=1)
    assert tranche.statut == TrancheStatut.DUE, tranche.motif_blocage
    _admin_action(
        admin, audit, "/admin/conventions/tranche/?file=a_verser", "enregistrer_versement", tranche.pk
    )
    audit(admin)
    admin.fill("input[name=date]", today.isoformat())
    admin.click("input[value='Confirmer le versement']")
    expect(admin.locator(".messagelist")).to_contain_text("1 tranche(s) traitée(s)")
    audit(admin)
    tranche.refresh_from_db()
    assert tranche.statut == TrancheStatut.VERSEE
    structure_page.goto(f"/conventions/{convention.pk}/")
    expect(structure_page.locator("tr.tranche", has_text="Versée")).to_have_count(1)
    audit(structure_page)

    # Django's admin pages declare no favicon: the browser's automatic /favicon.ico request is a
    # 404 that does not come from this journey.
    console_errors[:] = [error for error in console_errors if "/favicon.ico" not in error]
    audit.check()
