"""Places of activity for tests (structures and open data)."""

from __future__ import annotations

from conumapp.models import Commune
from structures import services
from structures.enums import StructureStatut

from .factories import StructureFactory, operateur, postcode


def commune(code="69100", dep="69", insee="69266", nom="Villeurbanne", lat=45.7676, lon=4.8345):
    """A commune (the referential's row when loaded) with known coordinates."""
    row = postcode(code, dep, insee, nom)
    Commune.objects.filter(pk=row.pk).update(latitude=lat, longitude=lon)
    row.refresh_from_db()
    return row


def donnees(**overrides) -> dict:
    data = {
        "nom": "Médiathèque du centre",
        "adresse": "12 rue de la République",
        "code_postal": "69100",
        "commune": commune(),
        "services": ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
        "itinerance": ["Fixe"],
        "frais_a_charge": ["Gratuit"],
        "typologies": ["BIB"],
        "horaires": "Mo-Fr 09:00-12:00,14:00-18:00",
        "presentation_resume": "Accompagnement gratuit aux usages du numérique.",
        "telephone": "+33472000000",
        "modalites_acces": ["Se présenter", "Téléphoner"],
    }
    data.update(overrides)
    return data


def lieu(structure=None, by=None, **overrides):
    structure = structure or StructureFactory(statut=StructureStatut.VALIDATION_COSELEC)
    return services.lieu_creer(structure=structure, by=by or operateur(), **donnees(**overrides))
