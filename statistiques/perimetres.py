"""Statistics scopes: what a user may see (DOMAIN.md §7, issue 8).

A ``Perimetre`` is a value (frozen dataclass) chosen from ``perimetres_de(user)``; its ``cle``
travels in URLs (``?perimetre=departement:69``). The view resolves the key against the user's
list again, so a forged key never widens the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from conseillers.models import Conseiller, Coordination, MiseEnRelation
from conumapp import permissions
from conumapp.enums import GrandReseau, Role
from conumapp.models import Departement, Region
from cra.models import Cra
from structures.models import Membre, Structure

NIVEAUX = ("national", "region", "departement", "structure", "conseiller", "coordinateur", "grand_reseau")
# Scopes served by the daily rollup (no structure- or advisor-level figures inside).
NIVEAUX_TERRITORIAUX = ("national", "region", "departement")


@dataclass(frozen=True)
class Perimetre:
    niveau: str
    codes: tuple = ()
    libelle: str = "France entière"
    public: bool = False
    cle: str = ""

    def __post_init__(self):
        if self.niveau not in NIVEAUX:
            raise ValueError(f"niveau inconnu : {self.niveau}")
        object.__setattr__(self, "codes", tuple(self.codes))
        if not self.cle:
            if self.niveau == "national":
                cle = "public" if self.public else "national"
            elif self.niveau == "coordinateur":
                cle = "coordinateur"
            else:
                cle = f"{self.niveau}:{','.join(str(c) for c in self.codes)}"
            object.__setattr__(self, "cle", cle)

    @property
    def territorial(self) -> bool:
        return self.niveau in NIVEAUX_TERRITORIAUX

    # --- querysets ------------------------------------------------------------------------
    def condition_cras(self, prefix: str = "") -> Q:
        """Condition on CRA rows (or rollup rows, with the same column names) of the scope."""
        codes = list(self.codes)
        if self.niveau == "national":
            return Q()
        if self.niveau == "region":
            return Q(**{f"{prefix}region_code__in": codes})
        if self.niveau == "departement":
            return Q(**{f"{prefix}departement_code__in": codes})
        if self.niveau == "structure":
            return Q(**{f"{prefix}structure_id__in": codes})
        if self.niveau in ("conseiller", "coordinateur"):
            return Q(**{f"{prefix}conseiller_id__in": codes})
        # grand_reseau
        return Q(
            **{f"{prefix}structure_id__in": Structure.objects.filter(grand_reseau__in=codes).values("pk")}
        )

    def cras(self) -> QuerySet[Cra]:
        """Active (not deleted) CRAs inside the scope."""
        return Cra.objects.actifs().filter(self.condition_cras())

    def condition_contrats(self) -> Q:
        """Condition on ``MiseEnRelation`` rows (contracts) of the scope."""
        codes = list(self.codes)
        if self.niveau == "national":
            return Q()
        if self.niveau == "region":
            return Q(structure__region_id__in=codes)
        if self.niveau == "departement":
            return Q(structure__departement_id__in=codes)
        if self.niveau == "structure":
            return Q(structure_id__in=codes)
        if self.niveau in ("conseiller", "coordinateur"):
            return Q(conseiller_id__in=codes)
        return Q(structure__grand_reseau__in=codes)

    def contrats_en_poste(self, jour: date | None = None) -> QuerySet[MiseEnRelation]:
        """Contracts (validated recruitments) covering ``jour`` (default: today) in the scope."""
        jour = jour or timezone.localdate()
        return MiseEnRelation.objects.employant_a(jour).filter(self.condition_contrats())

    def conseillers_en_poste(self, jour: date | None = None) -> QuerySet[Conseiller]:
        """Advisors in post on ``jour`` (default: today): a validated contract covers that day."""
        return Conseiller.objects.filter(pk__in=self.contrats_en_poste(jour).values("conseiller_id"))


PERIMETRE_PUBLIC = Perimetre("national", (), "France entière", public=True)
PERIMETRE_NATIONAL = Perimetre("national", (), "France entière")


def perimetres_de(user) -> list[Perimetre]:
    """The scopes ``user`` may choose (first = default); ``[]``: no statistics access."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    result: list[Perimetre] = []
    if permissions.is_operateur(user):
        result.append(PERIMETRE_NATIONAL)
    regions = set(permissions.hub_regions(user))
    departements = set(permissions.prefecture_departements(user))
    territoires = permissions.coordinateur_territories(user)
    regions |= territoires["regions"]
    departements |= territoires["departements"]
    noms_regions = dict(Region.objects.filter(code__in=regions).values_list("code", "nom")) if regions else {}
    for code in sorted(regions):
        result.append(Perimetre("region", (code,), f"Région {noms_regions.get(code, code)}"))
    noms_deps = (
        dict(Departement.objects.filter(code__in=departements).values_list("code", "nom"))
        if departements
        else {}
    )
    for code in sorted(departements):
        result.append(Perimetre("departement", (code,), f"{code} - {noms_deps.get(code, code)}"))
    coordonnes = tuple(
        sorted(Coordination.objects.filter(coordinateur=user).values_list("conseiller_id", flat=True))
    )
    if coordonnes:
        result.append(Perimetre("coordinateur", coordonnes, "Conseillers coordonnés"))
    labels = dict(GrandReseau.choices)
    for code in sorted(permissions.grands_reseaux(user)):
        result.append(Perimetre("grand_reseau", (code,), f"Grand réseau {labels.get(code, code)}"))
    for pk, nom in (
        Structure.objects.filter(pk__in=Membre.objects.filter(user=user).values("structure_id"))
        .order_by("nom", "pk")
        .values_list("pk", "nom")
    ):
        result.append(Perimetre("structure", (pk,), nom))
    conseiller = None
    if permissions.has_role(user, Role.CONSEILLER):
        conseiller = Conseiller.objects.filter(user=user).values_list("pk", flat=True).first()
    if conseiller is not None:
        result.append(Perimetre("conseiller", (conseiller,), "Mon activité"))
    seen, unique = set(), []
    for perimetre in result:
        if perimetre.cle not in seen:
            seen.add(perimetre.cle)
            unique.append(perimetre)
    return unique


def perimetre_par_cle(user, cle: str | None) -> Perimetre | None:
    """The user's scope with key ``cle`` (default scope when ``cle`` is empty); None if refused."""
    choix = perimetres_de(user)
    if not choix:
        return None
    if not cle:
        return choix[0]
    return next((p for p in choix if p.cle == cle), None)
