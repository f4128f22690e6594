"""Read-side queries: the candidates a structure may recruit, nearest first.

Distance rule (DOMAIN.md §2.6): a candidate is shown to a structure when the structure lies
within the candidate's own ``distance_max``; overseas candidates (and structures) stay within
their own territory (département / collectivité code ``97x``/``98x``).

Speed: one SQL query per page (plus one count). Candidates are first narrowed by a bounding
box per ``distance_max`` value (an OR of seven boxes on the ``(latitude, longitude)`` index),
then the exact great-circle distance is computed in SQL, compared to each candidate's
``distance_max`` and used for ordering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from conumapp.models import Departement
from conumapp.territories import EARTH_RADIUS_KM, bounding_box, communes_for_postcode
from structures.enums import StructureStatut
from structures.models import Structure

from .enums import DistanceMax, MiseEnRelationStatut
from .models import Conseiller, MiseEnRelation

OUTRE_MER_PREFIXES = ("97", "98")


def est_outre_mer(departement_code: str | None) -> bool:
    return bool(departement_code) and departement_code.startswith(OUTRE_MER_PREFIXES)


def structure_point(structure: Structure) -> tuple[float, float] | None:
    """The structure's commune's coordinates (or, without a commune, its postcode's main commune)."""
    commune = structure.commune
    if commune is None and structure.code_postal:
        commune = communes_for_postcode(structure.code_postal).filter(latitude__isnull=False).first()
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    return commune.latitude, commune.longitude


def distance_expression(latitude: float, longitude: float):
    """Haversine distance (km) from a point to the row's (latitude, longitude), in SQL."""
    lat1 = Radians(Value(latitude, output_field=FloatField()))
    lat2 = Radians(F("latitude"))
    dlat = Radians(F("latitude") - Value(latitude, output_field=FloatField()))
    dlon = Radians(F("longitude") - Value(longitude, output_field=FloatField()))
    h = Power(Sin(dlat / 2), 2) + Cos(lat1) * Cos(lat2) * Power(Sin(dlon / 2), 2)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(
        Least(Value(1.0, output_field=FloatField()), Sqrt(h))
    )


@dataclass
class Filtres:
    pix_niveau: int | None = None
    avec_cv: bool = False
    diplome: bool = False
    ccp1: bool = False
    disponible_le: date | None = None


def candidats_pour(structure: Structure, filtres: Filtres | None = None) -> QuerySet[Conseiller]:
    """Available candidates within reach of the structure, annotated with ``distance``, nearest first."""
    point = structure_point(structure)
    if point is None:
        return Conseiller.objects.none()
    latitude, longitude = point
    qs = Conseiller.objects.disponibles().filter(latitude__isnull=False, longitude__isnull=False)
    departement = structure.departement_id
    if est_outre_mer(departement):
        qs = qs.filter(departement_id=departement)
    else:
        outre_mer = Departement.objects.filter(
            Q(code__startswith=OUTRE_MER_PREFIXES[0]) | Q(code__startswith=OUTRE_MER_PREFIXES[1])
        )
        qs = qs.exclude(departement__in=outre_mer.values("code"))
    boxes = Q()
    for rayon in DistanceMax.values:
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, rayon)
        boxes |= Q(
            distance_max=rayon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )
    qs = qs.filter(boxes).annotate(distance=distance_expression(latitude, longitude))
    qs = qs.filter(distance__lte=F("distance_max"))
    # Already recruited (awaiting validation) candidates are not offered again.
    qs = qs.exclude(
        pk__in=MiseEnRelation.objects.filter(statut__in=MiseEnRelationStatut.occupant_poste()).values(
            "conseiller_id"
        )
    )
    if filtres:
        if filtres.pix_niveau:
            qs = qs.filter(pix_partage=True, pix_niveau__gte=filtres.pix_niveau)
        if filtres.avec_cv:
            qs = qs.exclude(cv="")
        if filtres.diplome:
            qs = qs.filter(diplome_mediation=True)
        if filtres.ccp1:
            qs = qs.filter(ccp1_obtenu=True)
        if filtres.disponible_le:
            qs = qs.filter(
                Q(date_disponibilite__isnull=True) | Q(date_disponibilite__lte=filtres.disponible_le)
            )
    statut = MiseEnRelation.objects.filter(
        structure=structure,
        conseiller=OuterRef("pk"),
        statut__in=[
            MiseEnRelationStatut.NOUVELLE,
            MiseEnRelationStatut.INTERESSEE,
            MiseEnRelationStatut.NON_INTERESSEE,
        ],
    ).values("statut")[:1]
    return qs.annotate(statut_structure=Subquery(statut)).order_by("distance", "pk")


def postes_libres(structure: Structure) -> int:
    """Granted posts neither held nor being filled: the quota rule of ``contrat_declarer``
    (recruitments declared, validated, under rupture or renewal; distinct advisors, see
    ``compte_conseillers``). A declared recruitment awaiting validation takes its post."""
    occupes = MiseEnRelation.objects.filter(structure=structure).occupant_poste().nombre_conseillers()
    return max(0, structure.nombre_postes_accordes - occupes)


def structure_recrute(structure: Structure) -> bool:
    """A validated structure with at least one free post: it may browse and pick candidates."""
    return structure.statut == StructureStatut.VALIDATION_COSELEC and postes_libres(structure) > 0


def structure_peut_voir(structure: Structure, conseiller_id: int) -> bool:
    """The structure may see this candidate: already linked to it by a mise en relation, or
    recruiting (validated, with a free post: :func:`structure_recrute`) with the candidate
    within reach now.

    The one scoping rule of a candidate for a structure (detail page, pipeline actions, CV).
    """
    if MiseEnRelation.objects.filter(structure=structure, conseiller_id=conseiller_id).exists():
        return True
    if not structure_recrute(structure):
        return False
    return candidats_pour(structure).filter(pk=conseiller_id).exists()


def peut_voir_candidat(user, conseiller: Conseiller) -> bool:
    """Candidate itself, operators and structures that can see the candidate (``visible_to``, or
    :func:`structure_peut_voir` for one of the user's structures)."""
    if Conseiller.objects.visible_to(user).filter(pk=conseiller.pk).exists():
        return True
    structures = Structure.objects.of_member(user).select_related("commune")
    return any(structure_peut_voir(structure, conseiller.pk) for structure in structures)
