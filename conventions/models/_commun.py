"""Money fields, sums and the structure scope shared by the conventions models."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from conumapp import permissions
from structures.models import Membre

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
ZERO = Decimal("0.00")


def _money_sum(field, **filters):
    return Coalesce(
        Sum(field, filter=Q(**filters) if filters else None), ZERO, output_field=models.DecimalField()
    )


def _structure_scope(user, prefix: str) -> Q | None:
    """Q on ``<prefix>`` (a structure lookup) for the structures a user may read, or None for all."""
    if permissions.is_operateur(user):
        return None
    condition = Q(**{f"{prefix}__in": Membre.objects.filter(user=user).values("structure_id")})
    if departements := permissions.prefecture_departements(user):
        condition |= Q(**{f"{prefix}__departement_id__in": departements})
    if regions := permissions.hub_regions(user):
        condition |= Q(**{f"{prefix}__region_id__in": regions})
    return condition


def parse_echeances(text: str) -> list[int]:
    """« 1,6,12 » → [1, 6, 12] (months after signature); ValueError on a non-number."""
    return [int(part) for part in text.replace(" ", "").split(",") if part]
