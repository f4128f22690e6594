"""Logs never contain personal data: the main journeys run through the test client while every
log record (root, django, celery, axes, allauth loggers; DEBUG and up) is captured, then no
email address, name or phone number of the people involved may appear in any record
(message, arguments, exception text, extra attributes).

Journeys: a candidate signs up (with a CV), confirms and logs in; failed logins (wrong
password, unknown address) up to the lockout; a structure applies; the prefecture gives its
opinion on it; a structure member preselects the candidate and declares the contract; an
operator validates it in the admin, then drafts, sends and signs the convention; the new
advisor registers for a training module and files a CRA; the structure member exports the
statistics (CSV) and the CRAs (background export, link by email); the outbox sends every email.
Most of these steps send emails addressed to, or naming, the people involved.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import MiseEnRelation
from conumapp.enums import Role
from conumapp.models import OutboxEmail, User
from conumapp.permissions import grant_role
from conventions.enums import ConventionEtat
from conventions.models import Convention
from cra.models import Cra
from formation.enums import StatutCertification, TypeCertification
from formation.models import Certification, FormationInitiale, Inscription
from statistiques.models import ExportCra
from structures.models import AvisPrefet, Structure
from tests.conseillers.factories import (
    PDF_BYTES,
    StructureFactory,
    UserFactory,
    commune,
    departement,
    membre,
)
from tests.cra.factories import form_data
from tests.formation.factories import SessionFactory, module, organisme

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-long-2026"

PEOPLE = {
    "candidate": {
        "first": "Ghislaine",
        "last": "Vercingetorix",
        "email": "ghislaine.vercingetorix@exemple-candidat.fr",
        "phone": "0611223344",
    },
    "contact": {
        "first": "Hortense",
        "last": "Zebulon",
        "email": "hortense.zebulon@mairie-exemple.fr",
        "phone": "0472112233",
    },
    "member": {
        "first": "Barnabe",
        "last": "Quincampoix",
        "email": "barnabe.quincampoix@structure-exemple.fr",
        "phone": "0555667788",
    },
    "operator": {
        "first": "Octave",
        "last": "Lemarchand",
        "email": "octave.lemarchand@anct.gouv.fr",
        "phone": "0199887766",
    },
    "prefect": {
        "first": "Perrine",
        "last": "Altamirano",
        "email": "perrine.altamirano@rhone.gouv.fr",
        "phone": "0478990011",
    },
}
# Every email the journeys must send: the check covers the steps that write them.
TEMPLATES_SENT = {
    "conventions/emails/convention_envoyee",
    "conventions/emails/convention_signee",
    "formation/emails/inscription_demandee",
    "statistiques/emails/export_cras_pret",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("x", logging.INFO, "x", 1, "x", None, None))) | {
    "message",
    "asctime",
}


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: dict[int, logging.LogRecord] = {}

    def emit(self, record):
        self.records[id(record)] = record

    def texts(self):
        formatter = logging.Formatter()
        for record in self.records.values():
            parts = [str(record.msg), record.getMessage(), repr(record.args)]
            if record.exc_info:
                parts.append(formatter.formatException(record.exc_info))
            if record.exc_text:
                parts.append(record.exc_text)
            parts.extend(repr(value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES)
            yield record, "\n".join(parts)


@pytest.fixture
def captured_logs(settings):
    settings.AXES_FAILURE_LIMIT = 3  # reach the lockout in the failed-login journey
    capture = Capture()
    names = ["", "django", "django.request", "django.security", "celery", "axes", "allauth", "conumapp"]
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(capture)
        logger.setLevel(logging.DEBUG)
    cache.clear()
    yield capture
    for logger, level in saved:
        logger.removeHandler(capture)
        logger.setLevel(level)
    cache.clear()


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def run_journeys(client, drain_outbox, django_capture_on_commit_callbacks):
    candidate, contact, member, operator, prefect = (
        PEOPLE[k] for k in ("candidate", "contact", "member", "operator", "prefect")
    )
    commune("69123")

    # 1. A candidate signs up with a CV, confirms the address, logs in.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("conseillers:candidature"),
            {
                "email": candidate["email"],
                "password1": PASSWORD,
                "password2": PASSWORD,
                "prenom": candidate["first"],
                "nom": candidate["last"],
                "telephone": candidate["phone"],
                "code_postal": "69001",
                "disponible": "on",
                "date_disponibilite": "2026-01-05",
                "distance_max": "40",
                "situation": "demandeur_emploi",
                "pix_niveau": "2",
                "pix_partage": "on",
                "cv": SimpleUploadedFile(
                    "CV Ghislaine Vercingetorix.pdf", PDF_BYTES, content_type="application/pdf"
                ),
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    candidate_user = User.objects.get(email=candidate["email"])
    EmailAddress.objects.filter(user=candidate_user).update(verified=True)
    client.post(reverse("account_logout"))
    assert _login(client, candidate["email"], PASSWORD).status_code == 302
    client.post(reverse("account_logout"))

    # 2. Failed logins: wrong password until the lockout, unknown address.
    for _ in range(3):
        _login(client, candidate["email"], "pas-le-bon-mot-de-passe")
    _login(client, "inconnu.total@exemple-inconnu.fr", "pas-le-bon-mot-de-passe")
    cache.clear()
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()

    # 3. A structure applies.
    from tests.structures.factories import valid_siret

    siret = valid_siret(7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/structures/candidature/",
            {
                "siret": siret,
                "ridet": "",
                "nom": "Mairie de Saint-Exemple",
                "type": "COMMUNE",
                "adresse": "1 place de la Mairie",
                "code_postal": "69001",
                "contact_prenom": contact["first"],
                "contact_nom": contact["last"],
                "contact_fonction": "Directrice",
                "contact_telephone": contact["phone"],
                "contact_email": contact["email"],
                "password": PASSWORD,
                "nombre_conseillers_souhaites": "2",
                "date_debut_mission": "2030-01-10",
                "motivation": "Accompagner les habitants dans leurs démarches en ligne.",
                "zrr": "",
                "qpv": "on",
                "label_france_services": "",
                "grand_reseau": "",
                "engagement_confirme": "on",
                "site_web": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]

    # 3b. The prefecture of the département gives its opinion (naming the contact).
    applied = Structure.objects.get(siret=siret)
    prefect_user = UserFactory(email=prefect["email"], first_name=prefect["first"], last_name=prefect["last"])
    grant_role(prefect_user, Role.PREFECTURE, departement=applied.departement or departement("69"))
    client.force_login(prefect_user)
    assert client.get(reverse("structures:prefecture_liste")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:prefecture_detail", args=[applied.pk]),
            {
                "cible": "avis",
                "avis-avis": "POSITIF",
                "avis-commentaire": f"Échange avec {contact['first']} {contact['last']} : projet solide.",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AvisPrefet.objects.filter(structure=applied, auteur=prefect_user).exists()

    # 4. A member of a validated structure (its contact too) preselects the candidate and
    # declares the contract.
    structure = StructureFactory(
        nombre_postes_accordes=2,
        contact_prenom=member["first"],
        contact_nom=member["last"],
        contact_email=member["email"],
    )
    member_user = UserFactory(email=member["email"], first_name=member["first"], last_name=member["last"])
    membre(structure, user=member_user)
    client.force_login(member_user)
    conseiller = candidate_user.conseiller
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("conseillers:preselectionner", args=[structure.pk, conseiller.pk]))
        assert response.status_code == 302
        mer = MiseEnRelation.objects.get(conseiller=conseiller)
        response = client.post(
            reverse("conseillers:contrat", args=[mer.pk]),
            {
                "type_contrat": "CDD",
                "date_debut": "2025-03-01",
                "date_fin": "2027-02-28",
                "salaire_brut": "2000",
            },
        )
        assert response.status_code == 302

    # 5. An operator validates the recruitment in the admin.
    operator_user = User.objects.create_superuser(
        operator["email"], PASSWORD, first_name=operator["first"], last_name=operator["last"]
    )
    client.force_login(operator_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:conseillers_recrutementavalider_changelist"),
            {"action": "valider", "_selected_action": [mer.pk], "confirm": "1"},
        )
    assert response.status_code == 302
    mer.refresh_from_db()
    assert mer.statut == MiseEnRelationStatut.FINALISEE

    # 5b. The operator drafts, sends and signs the convention (emails to the members).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:conventions_convention_rediger"), {"structure": structure.pk, "date_debut": ""}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        convention = Convention.objects.get(structure=structure)
        response = client.post(reverse("admin:conventions_convention_envoyer", args=[convention.pk]))
        assert response.status_code == 302, response.content.decode()[:3000]
        response = client.post(
            reverse("admin:conventions_convention_signer", args=[convention.pk]),
            {"date": (timezone.localdate() - timedelta(days=10)).isoformat()},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    convention.refresh_from_db()
    assert convention.etat == ConventionEtat.SIGNEE

    # 6. The new advisor registers for a training module (email to them and the structure's
    # contact), then files a CRA. The training body's records come from its import.
    FormationInitiale.objects.create(
        conseiller=conseiller,
        mise_en_relation=mer,
        parcours=70,
        organisme=organisme(),
        date_entree=mer.date_debut,
        date_sortie=mer.date_debut + timedelta(days=20),
    )
    Certification.objects.create(
        conseiller=conseiller,
        type=TypeCertification.CCP1,
        statut=StatutCertification.CONVOQUE,
        date_convocation=timezone.localdate() - timedelta(days=5),
    )
    session = SessionFactory(
        module=module("Accompagner les seniors"),
        region=structure.region,
        date_debut=timezone.localdate() + timedelta(days=40),
    )
    client.force_login(candidate_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("formation:inscrire", args=[conseiller.pk, session.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Inscription.objects.filter(conseiller=conseiller, session=session).exists()
    response = client.post(reverse("cra:saisir"), form_data())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Cra.objects.filter(conseiller=conseiller).exists()

    # 7. The structure member exports the statistics (CSV) and the CRAs in the background
    # (the download link comes by email).
    client.force_login(member_user)
    response = client.get(reverse("statistiques:export", args=["csv"]))
    assert response.status_code == 200
    assert response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("statistiques:export_cras"), {"format": "csv"})
    assert response.status_code == 302
    assert ExportCra.objects.get(user=member_user).statut == ExportCra.Statut.TERMINE

    # 8. The outbox sends what is left.
    sent = drain_outbox()
    return sent


def test_main_journeys_log_no_personal_data(
    client, captured_logs, drain_outbox, mailoutbox, django_capture_on_commit_callbacks
):
    run_journeys(client, drain_outbox, django_capture_on_commit_callbacks)

    # The capture worked: the journeys did log (requests, axes, outbox…).
    assert len(captured_logs.records) > 10
    assert mailoutbox, "les parcours envoient des courriels"
    # Every step that emails the people involved ran, and its email was sent.
    sent_templates = set(OutboxEmail.objects.filter(sent_at__isnull=False).values_list("template", flat=True))
    assert TEMPLATES_SENT <= sent_templates, TEMPLATES_SENT - sent_templates
    assert any(PEOPLE["member"]["email"] in m.to for m in mailoutbox)

    forbidden = []
    for person in PEOPLE.values():
        forbidden += [person["email"], person["email"].split("@")[0], person["first"], person["last"]]
        forbidden += [person["phone"], " ".join(re.findall("..", person["phone"]))]
    allowed_addresses = {"ne-pas-repondre@conum.anct.gouv.fr", "operateurs@conum.anct.gouv.fr"}
    leaks = []
    for record, text in captured_logs.texts():
        if record.name.startswith("factory"):
            continue  # the test's own factories (factory_boy), not the application
        lowered = text.lower()
        for value in forbidden:
            if value.lower() in lowered:
                leaks.append(f"{record.name} {record.levelname}: {value!r} in {record.getMessage()[:300]!r}")
        for address in EMAIL.findall(text):
            if address.lower() not in allowed_addresses:
                leaks.append(
                    f"{record.name} {record.levelname}: address {address!r} in {record.getMessage()[:300]!r}"
                )
    assert not leaks, "\n".join(leaks)


def test_the_check_would_see_a_leak(captured_logs):
    """The capture and the scan are real: a log line with an address is caught."""
    logging.getLogger("conumapp.exemple").warning("Envoi à %s", PEOPLE["candidate"]["email"])
    texts = [text for _record, text in captured_logs.texts()]
    assert any(PEOPLE["candidate"]["email"] in text for text in texts)
