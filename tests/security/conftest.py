"""The access-matrix world: two régions, two départements, one side "A" and one side "B".

Everything of side A carries the marker ``ZZA`` in its visible data (names, notes, file
contents), everything of side B the marker ``ZZB``: a response given to a role of one side
must never contain the other side's marker (see ``access_table.SIDES``).

The world is built once per test module, inside a transaction that is rolled back at the end
of the module (works on SQLite and PostgreSQL); each test then runs in a savepoint (the usual
``db`` fixture), and the matrix runs every request in its own savepoint too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut, TypeConge
from conseillers.models import Conge, Coordination
from conumapp.enums import GrandReseau, Role
from conumapp.permissions import grant_role
from conventions.calculs import add_months
from cra.models import ImportCra
from formation import services as formation_services
from formation.enums import StatutAbsence, StatutInscription
from formation.models import Inscription
from structures.enums import StructureStatut
from structures.models import Invitation
from tests.conftest import InvalidTemplateVariable
from tests.conseillers.factories import (
    PDF_BYTES,
    ConseillerFactory,
    StructureFactory,
    UserFactory,
    commune,
    membre,
    mise_en_relation,
)
from tests.conventions.factories import contrat_accepte, convention_signee
from tests.cra.factories import CraFactory
from tests.formation.factories import SessionFactory, conseiller_eligible


def pdf_with(marker: str) -> bytes:
    """A tiny valid-looking PDF whose bytes carry a marker (to detect it in any download)."""
    return PDF_BYTES.replace(b"%%EOF", f"% {marker}\n%%EOF".encode())


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> user (None for anonymous)
    sessions: dict = field(default_factory=dict)  # role -> session key of a logged-in session
    objects: dict = field(default_factory=dict)  # name -> object

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as error:
            raise AttributeError(name) from error


def _side(w: World, s: str, structure, commune_code: str, other_commune: str, postcode: str) -> None:
    """Everything of one side (``s`` is "a" or "b"); ``structure`` is that side's validated one."""
    S = s.upper()
    mark = f"ZZ{S}"
    operateur = w.users["operateur"]
    w.objects[f"structure_{s}"] = structure
    w.objects[f"membre_{s}"] = membre(structure, UserFactory(last_name=f"{mark}Membre"))
    w.objects[f"membre_{s}2"] = membre(structure, UserFactory(last_name=f"{mark}Collegue"))
    w.objects[f"membre_obj_{s}2"] = structure.membres.get(user=w.objects[f"membre_{s}2"])
    # A structure still applying (CREEE) in the same département, for the prefecture's opinion.
    w.objects[f"candidature_{s}"] = StructureFactory(
        nom=f"Candidature {mark} Mairie",
        commune=commune(other_commune),
        code_postal=postcode,
        statut=StructureStatut.CREEE,
        nombre_postes_accordes=0,
    )
    # The advisor in post (CDD to 2027-12-31), with initial training and a CCP1 convocation.
    conseiller = conseiller_eligible(
        structure,
        conseiller=ConseillerFactory(
            recrute=True,
            commune=commune(commune_code),
            code_postal=structure.code_postal,
            nom=f"{mark}Conseiller",
        ),
    )
    w.objects[f"conseiller_{s}"] = conseiller
    w.objects[f"mer_{s}"] = conseiller.mises_en_relation.get()
    # Candidates near the structure: one without any link (preselect/discard), one preselected
    # (contract), one with a declared contract (cancel).
    cv = pdf_with(f"{mark}-CV")
    candidat = ConseillerFactory(
        commune=commune(commune_code), code_postal=structure.code_postal, nom=f"{mark}Candidat"
    )
    candidat.cv.save("cv.pdf", ContentFile(cv), save=False)
    candidat.cv_nom = f"cv-{mark}.pdf"
    candidat.save()
    w.objects[f"candidat_{s}"] = candidat
    interesse = ConseillerFactory(
        commune=commune(commune_code), code_postal=structure.code_postal, nom=f"{mark}Preselectionne"
    )
    w.objects[f"mer_interessee_{s}"] = mise_en_relation(structure, interesse, MiseEnRelationStatut.INTERESSEE)
    recrute = ConseillerFactory(
        commune=commune(commune_code), code_postal=structure.code_postal, nom=f"{mark}Recrute"
    )
    w.objects[f"mer_recrutee_{s}"] = mise_en_relation(structure, recrute, MiseEnRelationStatut.RECRUTEE)
    # Declared leave with its proof.
    conge = Conge(
        conseiller=conseiller,
        structure=structure,
        type=TypeConge.MALADIE,
        date_debut=date(2025, 3, 1),
        date_fin=date(2025, 4, 30),
        declare_par=w.objects[f"membre_{s}"],
    )
    conge.justificatif.save("arret.pdf", ContentFile(pdf_with(f"{mark}-CONGE")), save=False)
    conge.save()
    w.objects[f"conge_{s}"] = conge
    # Convention ending in about 60 days (so that renewal is open), tranches, an accepted contract.
    today = timezone.localdate()
    convention = convention_signee(
        structure, signed_on=add_months(today, -24) + timedelta(days=60), by=operateur
    )
    w.objects[f"convention_{s}"] = convention
    poste = w.objects[f"mer_{s}"].poste
    piece = contrat_accepte(structure, poste, du=date(2023, 1, 1), by=w.objects[f"membre_{s}"])
    piece.fichier.save("contrat.pdf", ContentFile(pdf_with(f"{mark}-PIECE")), save=False)
    piece.nom_fichier = f"contrat-{mark}.pdf"
    piece.convention = convention
    piece.save()
    w.objects[f"piece_{s}"] = piece
    # CRAs: one active (with a note), one deleted (restorable).
    w.objects[f"cra_{s}"] = CraFactory(
        conseiller=conseiller, note=f"{mark}-NOTE-CRA", tags=f"{mark.lower()}tag"
    )
    w.objects[f"cra_supprime_{s}"] = CraFactory(
        conseiller=conseiller,
        note=f"{mark}-NOTE-SUPPRIME",
        supprime=True,
        date=today - timedelta(days=3),
    )
    # Training: a registration marked absent, to justify.
    session = w.objects["session"]
    inscription = formation_services.inscrire(session=session, conseiller=conseiller, acteur=operateur)
    Inscription.objects.filter(pk=inscription.pk).update(
        statut=StatutInscription.ABSENT, absence_statut=StatutAbsence.A_JUSTIFIER
    )
    w.objects[f"inscription_{s}"] = inscription
    # A pending invitation, sent to the address of side A's candidate (who may accept it).
    w.objects[f"invitation_{s}"] = Invitation.objects.create(
        structure=structure,
        email=f"invite-{s}@example.fr" if s == "b" else w.objects["candidat_a"].user.email,
        invited_by=w.objects[f"membre_{s}"],
    )


def build_world() -> World:
    w = World()
    w.users["anonyme"] = None
    w.users["operateur"] = UserFactory(is_staff=True, is_superuser=True, last_name="Operatrice")
    grant_role(w.users["operateur"], Role.OPERATEUR)
    lyon, paris = commune("69123"), commune("75056")
    commune("69266")  # Villeurbanne (side A's second commune)
    w.objects["session"] = SessionFactory(
        date_debut=timezone.localdate() + timedelta(days=40), region=lyon.departement.region
    )
    w.objects["session2"] = SessionFactory(
        date_debut=timezone.localdate() + timedelta(days=50), region=lyon.departement.region
    )
    w.objects["import_cra"] = ImportCra.objects.create(
        format="v2", nom_fichier="cras.csv", rapport="ligne;erreur\n", par=w.users["operateur"]
    )
    structure_a = StructureFactory(
        nom="Structure ZZA Alpha",
        siret="21690000100017",
        commune=lyon,
        code_postal="69001",
        nombre_postes_accordes=3,
        grand_reseau=GrandReseau.CROIX_ROUGE,
    )
    structure_b = StructureFactory(
        nom="Structure ZZB Bravo",
        siret="21750000200027",
        commune=paris,
        code_postal="75001",
        nombre_postes_accordes=3,
    )
    _side(w, "a", structure_a, "69123", "69266", "69100")
    _side(w, "b", structure_b, "75056", "75056", "75001")
    # Roles (see access_table.ROLES).
    w.users["candidat"] = w.candidat_a.user
    w.users["conseiller"] = w.conseiller_a.user
    w.users["autre_conseiller"] = w.conseiller_b.user
    w.users["membre"] = w.membre_a
    w.users["autre_membre"] = w.membre_b
    # Side C: a structure still applying (CREEE, not validated) near side A's candidate, and its
    # member: it may not recruit, nor read side A's data (marker ZZC, see access_table.SIDES).
    w.objects["candidature_c"] = StructureFactory(
        nom="Candidature ZZC Mairie",
        commune=commune("69266"),
        code_postal="69100",
        statut=StructureStatut.CREEE,
        nombre_postes_accordes=0,
    )
    w.users["membre_non_valide"] = membre(w.candidature_c, UserFactory(last_name="ZZCMembreNonValide"))
    prefecture = UserFactory(last_name="Prefecture69")
    grant_role(prefecture, Role.PREFECTURE, departement=structure_a.departement)
    w.users["prefecture"] = prefecture
    autre_prefecture = UserFactory(last_name="Prefecture75")
    grant_role(autre_prefecture, Role.PREFECTURE, departement=structure_b.departement)
    w.users["autre_prefecture"] = autre_prefecture
    coordinateur = UserFactory(last_name="Coordinatrice")
    grant_role(coordinateur, Role.COORDINATEUR)
    Coordination.objects.create(coordinateur=coordinateur, conseiller=w.conseiller_a)
    w.users["coordinateur"] = coordinateur
    hub = UserFactory(last_name="Hub84")
    grant_role(hub, Role.HUB, region=structure_a.region)
    w.users["hub"] = hub
    reseau = UserFactory(last_name="Reseau")
    grant_role(reseau, Role.GRAND_RESEAU, grand_reseau=GrandReseau.CROIX_ROUGE)
    w.users["grand_reseau"] = reseau
    assert structure_a.region_id != structure_b.region_id
    assert structure_a.departement_id != structure_b.departement_id
    w.objects["salaire"] = Decimal("2000.00")
    w.sessions = {role: _session_for(user) for role, user in w.users.items() if user is not None}
    return w


def _session_for(user) -> str:
    """A logged-in session made once per module (what ``client.force_login`` does per request)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


@pytest.fixture(scope="session")
def security_private_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("security-private")


def _private_storages(settings_storages, directory):
    return {
        **settings_storages,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(directory), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _private_storage(settings, security_private_dir):
    """Overrides the project's per-test storage: the world's files live for the whole module."""
    settings.STORAGES = _private_storages(settings.STORAGES, security_private_dir)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, security_private_dir):
    from django.conf import settings

    with django_db_blocker.unblock():
        with override_settings(
            STORAGES=_private_storages(settings.STORAGES, security_private_dir),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            with transaction.atomic():
                yield build_world()
                transaction.set_rollback(True)


class _InvalidVariable(InvalidTemplateVariable):
    """The project's strict templates, tolerating allauth MFA's own optional variables."""

    def __mod__(self, variable):
        if str(variable).startswith("authenticators."):
            return ""
        return super().__mod__(variable)


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = _InvalidVariable("%s")


@pytest.fixture(autouse=True)
def _no_candidature_rate_limit(settings):
    """The matrix sends the public structure application once per role (more than the per-IP
    limit allows from the test client's one address); the limit is tested in tests/structures."""
    settings.STRUCTURES_CANDIDATURE_RATE = (10**6, 3600)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
