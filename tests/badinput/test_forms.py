"""Every form of the site, fed hostile values (hypothesis) and valid values carrying payloads.

Each :class:`Spec` names a URL, the user who posts, the form (to derive hostile values per
field), valid baseline data, the state that must not change on a refusal, and the pages that
show the stored text.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conseillers import forms as conseillers_forms
from conseillers.models import Conge, Conseiller, MiseEnRelation, Prolongation
from conumapp.models import User
from conventions import forms as conventions_forms
from conventions.models import Convention, PieceJustificative, Reconventionnement
from cra.forms import CraForm
from cra.models import Cra
from formation.forms import JustificationAbsenceForm
from formation.models import Inscription
from structures import forms as structures_forms
from structures.enums import StructureStatut
from structures.models import AvisPrefet, DemandePoste, Invitation, LieuActivite, Structure
from tests.conseillers.factories import StructureFactory
from tests.cra.factories import CraFactory, counts, form_data
from tests.structures.factories import valid_siret

from .hostile import (
    FORM_SETTINGS,
    IMG,
    PDF_BYTES,
    SCRIPT,
    _upload,
    assert_no_payload,
    mutations,
    post_and_check,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
_unique = itertools.count(1)


def _counts(*models) -> Callable[[], object]:
    return lambda: [model._default_manager.count() for model in models]


def _pdf(name="piece.pdf"):
    return _upload(name, PDF_BYTES)


@dataclass
class Spec:
    name: str
    url: Callable  # world -> url
    user: Callable  # world -> user or None (anonymous)
    form: Callable  # world -> unbound form (field types, prefix, dynamic choices)
    valid: Callable  # world -> valid POST data (payloads in free text)
    state: Callable  # world -> () -> comparable state, unchanged on a refusal
    display: Callable = lambda w: []  # world -> [(user, url)] showing the stored text
    form_key: str = "form"
    keeps_input: bool = True
    skip: tuple = ()  # fields never mutated (e.g. the "cible" switch)
    extra: dict = field(default_factory=dict)


def _structure_candidature(w):
    n = next(_unique)
    return {
        "siret": valid_siret(9000 + n),
        "ridet": "",
        "nom": f"Mairie {SCRIPT}",
        "type": "COMMUNE",
        "adresse": f"1 rue {IMG}",
        "code_postal": "69001",
        "contact_prenom": "Claire",
        "contact_nom": f"Dupont {SCRIPT}",
        "contact_fonction": IMG,
        "contact_telephone": "0400000000",
        "contact_email": f"contact-hostile-{n}@exemple.fr",
        "password": "un-mot-de-passe-tres-solide-2026",
        "nombre_conseillers_souhaites": "2",
        "date_debut_mission": (TODAY() + timedelta(days=30)).isoformat(),
        "motivation": f"Motivation {SCRIPT} " + "é" * 100,
        "engagement_confirme": "on",
        "grand_reseau": "",
        "site_web": "",
    }


def _conseiller_candidature(w):
    n = next(_unique)
    return {
        "email": f"candidat-hostile-{n}@exemple.fr",
        "password1": "un-mot-de-passe-tres-solide-2026",
        "password2": "un-mot-de-passe-tres-solide-2026",
        **_profil(w),
    }


def _profil(w):
    return {
        "prenom": f"Camille {SCRIPT}",
        "nom": f"Martin {IMG}",
        "telephone": "0600000000",
        "code_postal": "69001",
        "disponible": "on",
        "date_disponibilite": (TODAY() + timedelta(days=10)).isoformat(),
        "distance_max": "20",
        "situation": "demandeur_emploi",
        "diplome_mediation": "on",
        "diplome_nom": f"Diplôme {SCRIPT}",
        "experience_mediation": f"Expérience {IMG}",
        "pix_niveau": "",
        "cv": _pdf("mon cv <script>.pdf"),
    }


def _lieu():
    return {
        "nom": f"Espace {SCRIPT}",
        "adresse": f"1 rue {IMG}",
        "code_postal": "69001",
        "services": ["Aide aux démarches administratives"],
        "horaires": f"Mo-Fr 09:00-12:00 {SCRIPT}",
        "presentation_resume": IMG,
        "presentation_detail": SCRIPT * 3,
        "courriel": "lieu@exemple.fr",
        "site_web": "https://exemple.fr/",
    }


SPECS = [
    Spec(
        "structures:candidature",
        url=lambda w: reverse("structures:candidature"),
        user=lambda w: None,
        form=lambda w: structures_forms.CandidatureForm(),
        valid=_structure_candidature,
        state=lambda w: _counts(Structure, User),
        display=lambda w: [
            (
                w.operateur,
                reverse("admin:structures_structure_change", args=[Structure.objects.latest("pk").pk]),
            ),
            (w.prefecture, reverse("structures:prefecture_detail", args=[Structure.objects.latest("pk").pk])),
        ],
        skip=("site_web",),
    ),
    Spec(
        "structures:demande_ajout",
        url=lambda w: reverse("structures:demande_ajout", args=[w.structure.pk]),
        user=lambda w: w.membre,
        form=lambda w: structures_forms.DemandeAjoutForm(),
        valid=lambda w: {"nombre": "1", "motif": "renforcer_equipe"},
        state=lambda w: _counts(DemandePoste),
        display=lambda w: [(w.membre, reverse("structures:detail", args=[w.structure.pk]))],
    ),
    Spec(
        "structures:demande_retrait",
        url=lambda w: reverse("structures:demande_retrait", args=[w.structure.pk]),
        user=lambda w: w.membre,
        form=lambda w: structures_forms.DemandeRetraitForm(),
        valid=lambda w: {"nombre": "1", "motif": "besoin_non_justifie"},
        state=lambda w: _counts(DemandePoste),
    ),
    Spec(
        "structures:inviter",
        url=lambda w: reverse("structures:inviter", args=[w.structure.pk]),
        user=lambda w: w.membre,
        form=lambda w: structures_forms.InvitationForm(),
        valid=lambda w: {"email": f"collegue{next(_unique)}@exemple.fr"},
        state=lambda w: _counts(Invitation),
        display=lambda w: [(w.membre, reverse("structures:detail", args=[w.structure.pk]))],
        keeps_input=False,  # a one-field form in the structure page: refused with a message
    ),
    Spec(
        "structures:prefecture_detail",
        url=lambda w: reverse("structures:prefecture_detail", args=[w.extra_structure().pk]),
        user=lambda w: w.prefecture,
        form=lambda w: structures_forms.AvisForm(prefix="avis"),
        valid=lambda w: {
            "cible": "structure",
            "avis-avis": "POSITIF",
            "avis-commentaire": f"Avis {SCRIPT} {IMG}",
        },
        state=lambda w: _counts(AvisPrefet),
        display=lambda w: [
            (w.prefecture, reverse("structures:prefecture_detail", args=[w.extra_structure().pk]))
        ],
        skip=("cible",),
    ),
    Spec(
        "structures:lieu_ajouter",
        url=lambda w: reverse("structures:lieu_ajouter", args=[w.structure.pk]),
        user=lambda w: w.membre,
        form=lambda w: structures_forms.LieuActiviteForm(),
        valid=lambda w: _lieu(),
        state=lambda w: _counts(LieuActivite),
        display=lambda w: [
            (w.membre, reverse("structures:lieux", args=[w.structure.pk])),
            (w.operateur, reverse("structures:lieux", args=[w.structure.pk])),
        ],
    ),
    Spec(
        "structures:lieu_modifier",
        url=lambda w: reverse("structures:lieu_modifier", args=[w.structure.pk, w.extra_lieu().pk]),
        user=lambda w: w.membre,
        form=lambda w: structures_forms.LieuActiviteForm(),
        valid=lambda w: _lieu(),
        state=lambda w: lambda: list(LieuActivite.objects.filter(pk=w.extra_lieu().pk).values()),
        display=lambda w: [(w.membre, reverse("structures:lieux", args=[w.structure.pk]))],
    ),
    Spec(
        "conventions:piece_deposer",
        url=lambda w: reverse("conventions:piece_deposer", args=[w.convention.pk]),
        user=lambda w: w.membre,
        form=lambda w: conventions_forms.PieceForm(postes=w.structure.postes.actifs()),
        valid=lambda w: {"type": "avis_sirene", "fichier": _pdf(f"{SCRIPT}avis.pdf")},
        state=lambda w: _counts(PieceJustificative),
        display=lambda w: [(w.membre, reverse("conventions:detail", args=[w.convention.pk]))],
        form_key="piece_form",
    ),
    Spec(
        "conventions:reconventionnement",
        url=lambda w: reverse("conventions:reconventionnement", args=[w.convention_fin.pk]),
        user=lambda w: w.membre,
        form=lambda w: conventions_forms.ReconventionnementForm(structure=w.convention_fin.structure),
        valid=lambda w: {
            "identifiant": w.convention_fin.structure.identifiant,
            "ds_numero": "789456",
            "type_contrat": "CDI",
            "date_debut": "2030-01-01",
        },
        state=lambda w: _counts(Reconventionnement),
        display=lambda w: [(w.membre, reverse("conventions:detail", args=[w.convention_fin.pk]))],
    ),
    Spec(
        "conventions:non_interesse",
        url=lambda w: reverse("conventions:non_interesse", args=[w.convention_fin.pk]),
        user=lambda w: w.membre,
        form=lambda w: conventions_forms.NonInteresseForm(),
        valid=lambda w: {"motif": "besoin_non_justifie"},
        state=lambda w: lambda: list(Convention.objects.filter(pk=w.convention_fin.pk).values()),
        form_key="non_interesse_form",
    ),
    Spec(
        "conseillers:candidature",
        url=lambda w: reverse("conseillers:candidature"),
        user=lambda w: None,
        form=lambda w: conseillers_forms.CandidatureForm(),
        valid=_conseiller_candidature,
        state=lambda w: _counts(Conseiller, User),
        display=lambda w: [
            (
                w.operateur,
                reverse("admin:conseillers_candidat_change", args=[Conseiller.objects.latest("pk").pk]),
            ),
        ],
    ),
    Spec(
        "conseillers:profil",
        url=lambda w: reverse("conseillers:profil"),
        user=lambda w: w.candidat.user,
        form=lambda w: conseillers_forms.ProfilForm(instance=w.candidat),
        valid=_profil,
        state=lambda w: lambda: list(Conseiller.objects.filter(pk=w.candidat.pk).values()),
        display=lambda w: [(w.candidat.user, reverse("conseillers:profil"))],
    ),
    Spec(
        "conseillers:contrat",
        url=lambda w: reverse("conseillers:contrat", args=[w.mer_interessee.pk]),
        user=lambda w: w.membre,
        form=lambda w: conseillers_forms.ContratForm(),
        valid=lambda w: {
            "type_contrat": "CDD",
            "date_debut": (TODAY() + timedelta(days=5)).isoformat(),
            "date_fin": (TODAY() + timedelta(days=400)).isoformat(),
            "salaire_brut": "2500.00",
        },
        state=lambda w: lambda: list(MiseEnRelation.objects.filter(pk=w.mer_interessee.pk).values()),
        display=lambda w: [(w.membre, reverse("conseillers:recrutement", args=[w.mer_interessee.pk]))],
    ),
    Spec(
        "conseillers:prolongation",
        url=lambda w: reverse("conseillers:prolongation", args=[w.mer_en_poste.pk]),
        user=lambda w: w.membre,
        form=lambda w: conseillers_forms.ProlongationForm(),
        valid=lambda w: {"date_fin": "2028-06-30", "salaire_brut": "2600"},
        state=lambda w: _counts(Prolongation),
        display=lambda w: [(w.membre, reverse("conseillers:recrutement", args=[w.mer_en_poste.pk]))],
    ),
    Spec(
        "conseillers:rupture",
        url=lambda w: reverse("conseillers:rupture", args=[w.mer_en_poste.pk]),
        user=lambda w: w.membre,
        form=lambda w: conseillers_forms.RuptureForm(),
        valid=lambda w: {
            "date_rupture": (TODAY() + timedelta(days=20)).isoformat(),
            "motif": "demission",
            "commentaire": f"Départ {SCRIPT} {IMG}",
        },
        state=lambda w: lambda: list(MiseEnRelation.objects.filter(pk=w.mer_en_poste.pk).values()),
        display=lambda w: [(w.membre, reverse("conseillers:recrutement", args=[w.mer_en_poste.pk]))],
    ),
    Spec(
        "conseillers:conge",
        url=lambda w: reverse("conseillers:conge", args=[w.mer_en_poste.pk]),
        user=lambda w: w.membre,
        form=lambda w: conseillers_forms.CongeForm(),
        valid=lambda w: {
            "type": "maladie",
            "date_debut": (TODAY() + timedelta(days=3)).isoformat(),
            "date_fin": (TODAY() + timedelta(days=60)).isoformat(),
            "justificatif": _pdf(f"{IMG}.pdf"),
        },
        state=lambda w: _counts(Conge),
        display=lambda w: [
            (w.membre, reverse("conseillers:recrutement", args=[w.mer_en_poste.pk])),
            (w.conseiller_en_poste.user, reverse("conseillers:mon_espace")),
        ],
    ),
    Spec(
        "formation:justifier_absence",
        url=lambda w: reverse("formation:justifier_absence", args=[w.inscription.pk]),
        user=lambda w: w.conseiller_formation.user,
        form=lambda w: JustificationAbsenceForm(),
        valid=lambda w: {"motif": f"Malade {SCRIPT} {IMG}", "justificatif": _pdf(f"{SCRIPT}.pdf")},
        state=lambda w: lambda: list(Inscription.objects.filter(pk=w.inscription.pk).values()),
        display=lambda w: [
            (w.conseiller_formation.user, reverse("formation:conseiller", args=[w.conseiller_formation.pk])),
            (w.operateur, reverse("admin:formation_inscription_change", args=[w.inscription.pk])),
        ],
    ),
    Spec(
        "cra:saisir",
        url=lambda w: reverse("cra:saisir"),
        user=lambda w: w.conseiller_en_poste.user,
        form=lambda w: CraForm(),
        valid=lambda w: form_data(
            note=f"Note {SCRIPT}", tags=f"tag, {IMG}", **counts({"age_non_communique": 1})
        ),
        state=lambda w: _counts(Cra),
        display=lambda w: [
            (w.conseiller_en_poste.user, reverse("cra:historique")),
            (w.membre, reverse("cra:structure", args=[w.structure.pk])),
        ],
        skip=("confirmer_doublon",),
    ),
    Spec(
        "cra:modifier",
        url=lambda w: reverse("cra:modifier", args=[w.extra_cra().pk]),
        user=lambda w: w.conseiller_en_poste.user,
        form=lambda w: CraForm(),
        valid=lambda w: form_data(
            type="collectif",
            participants="5",
            titre_atelier=f"Atelier {SCRIPT}",
            niveau="debutant",
            note=f"Note {IMG}",
            public_defaut=None,
            **counts({"age_non_communique": 5, "genre_non_communique": 5, "statut_non_communique": 5}),
        ),
        state=lambda w: lambda: list(Cra.objects.filter(pk=w.extra_cra().pk).values()),
        display=lambda w: [(w.conseiller_en_poste.user, reverse("cra:historique"))],
        skip=("confirmer_doublon",),
    ),
]
SPEC_IDS = [spec.name for spec in SPECS]
COVERED = {spec.name for spec in SPECS}


def _prepare(world):
    """Objects some specs need, created lazily once per test."""
    cache = {}

    def extra_structure():
        if "structure" not in cache:
            cache["structure"] = StructureFactory(statut=StructureStatut.CREEE, nombre_postes_accordes=0)
        return cache["structure"]

    def extra_cra():
        if "cra" not in cache:
            cache["cra"] = CraFactory(conseiller=world.conseiller_en_poste, date=TODAY())
        return cache["cra"]

    def extra_lieu():
        if "lieu" not in cache:
            cache["lieu"] = LieuActivite.objects.create(
                structure=world.structure, nom="Médiathèque", adresse="1 rue", code_postal="69001", commune_id="69123",
                services=["Aide aux démarches administratives"],
            )  # fmt: skip
        return cache["lieu"]

    world.extra_lieu = extra_lieu
    world.extra_structure = extra_structure
    world.extra_cra = extra_cra
    return world


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _display(spec, world):
    def pages():
        return [(user, url) for user, url in spec.display(world)]

    return pages


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
@FORM_SETTINGS
@given(data=st.data())
def test_hostile_values_never_break_a_form(world, spec, data):
    world = _prepare(world)
    client = _client_for(spec.user(world))
    url = spec.url(world)
    values = data.draw(mutations(spec.form(world), spec.valid(world), skip=spec.skip), label="POST")
    post_and_check(
        client,
        url,
        values,
        state=spec.state(world),
        form_key=spec.form_key,
        display=_display(spec, world),
        keeps_input=spec.keeps_input,
        login=_client_for,
    )


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_valid_input_with_payloads_is_saved_and_shown_escaped(world, spec):
    world = _prepare(world)
    client = _client_for(spec.user(world))
    outcome = post_and_check(
        client,
        spec.url(world),
        spec.valid(world),
        state=spec.state(world),
        form_key=spec.form_key,
        display=_display(spec, world),
        keeps_input=spec.keeps_input,
        login=_client_for,
    )
    assert outcome.saved, f"{spec.name}: la saisie valide a été refusée : {outcome.errors}"
    for user, url in spec.display(world):
        page = _client_for(user).get(url)
        assert page.status_code == 200, url
        assert_no_payload(page.content.decode(), url)
