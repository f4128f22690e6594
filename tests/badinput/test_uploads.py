"""Uploads (CV, convention pièces, leave proofs, absence proofs): wrong content, oversize, and
hostile file names, which are stored under a generated name inside the private storage only."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conseillers.models import Conge, Conseiller
from conventions.models import PieceJustificative
from formation.models import Inscription

from .hostile import (
    BAD_UPLOADS,
    PDF_BYTES,
    TRICKY_NAMES,
    _upload,
    assert_french,
    assert_no_payload,
    form_errors,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


UPLOADS = {
    "conventions:piece_deposer": (
        lambda w: (w.membre, reverse("conventions:piece_deposer", args=[w.convention.pk])),
        lambda w: {"type": "avis_sirene"},
        "fichier",
        lambda w: PieceJustificative.objects.order_by("-pk").first(),
        "fichier",
    ),
    "conseillers:conge": (
        lambda w: (w.membre, reverse("conseillers:conge", args=[w.mer_en_poste.pk])),
        lambda w: {
            "type": "maladie",
            "date_debut": (TODAY() + timedelta(days=3)).isoformat(),
            "date_fin": (TODAY() + timedelta(days=9)).isoformat(),
        },
        "justificatif",
        lambda w: Conge.objects.order_by("-pk").first(),
        "justificatif",
    ),
    "conseillers:profil": (
        lambda w: (w.candidat.user, reverse("conseillers:profil")),
        lambda w: {
            "prenom": "Camille",
            "nom": "Martin",
            "code_postal": "69001",
            "distance_max": "20",
            "situation": "demandeur_emploi",
        },
        "cv",
        lambda w: Conseiller.objects.get(pk=w.candidat.pk),
        "cv",
    ),
    "formation:justifier_absence": (
        lambda w: (
            w.conseiller_formation.user,
            reverse("formation:justifier_absence", args=[w.inscription.pk]),
        ),
        lambda w: {"motif": "Arrêt maladie"},
        "justificatif",
        lambda w: Inscription.objects.get(pk=w.inscription.pk),
        "absence_justificatif",
    ),
}


def _file_field(obj, name):
    for candidate in (name, "justificatif", "fichier", "cv", "absence_justificatif"):
        value = getattr(obj, candidate, None)
        if value is not None and hasattr(value, "storage"):
            return value
    raise AssertionError(f"pas de fichier sur {obj!r}")


def _state(w, name):
    obj = UPLOADS[name][3](w)
    if obj is None:
        return None
    field = _file_field(obj, UPLOADS[name][4])
    return (obj.pk, field.name)


@pytest.mark.parametrize("bad", sorted(BAD_UPLOADS))
@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_wrong_or_oversize_files_are_refused_in_french(world, name, bad):
    who, data, file_field, _obj, _attr = UPLOADS[name]
    user, url = who(world)
    before = _state(world, name)
    response = _client(user).post(url, {**data(world), file_field: BAD_UPLOADS[bad]()})
    assert response.status_code in (200, 400), f"{name} / {bad}: HTTP {response.status_code}"
    content = response.content.decode()
    assert_no_payload(content, name)
    errors = form_errors(response)
    assert errors, f"{name} / {bad}: fichier accepté"
    assert_french(content, errors, name)
    assert _state(world, name) == before


@pytest.mark.parametrize("filename", TRICKY_NAMES, ids=range(len(TRICKY_NAMES)))
@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_hostile_file_names_are_stored_under_a_generated_name(world, name, filename):
    who, data, file_field, obj_of, attr = UPLOADS[name]
    user, url = who(world)
    response = _client(user).post(url, {**data(world), file_field: _upload(filename, PDF_BYTES)})
    assert response.status_code == 302, f"{name}: {form_errors(response)}"
    stored = _file_field(obj_of(world), attr)
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"]).resolve()
    path = Path(stored.path).resolve()
    assert path.is_relative_to(root), f"{name}: fichier écrit hors du stockage : {path}"
    assert path.read_bytes() == PDF_BYTES
    basename = os.path.basename(stored.name)
    assert len(basename) == 36 and basename.endswith(".pdf"), basename  # uuid4 hex + ".pdf"
    for forbidden in ("..", "\\", "\x00", "\n", "<", ">", '"'):
        assert forbidden not in stored.name
    # The displayed original name (when kept) is sanitised too.
    for label_field in ("nom_fichier", "cv_nom", "justificatif_nom", "absence_justificatif_nom"):
        label = getattr(obj_of(world), label_field, None)
        if label:
            assert len(label) <= 100
            for forbidden in ("/", "\\", "\x00", "\n", "<", ">"):
                assert forbidden not in label, label
