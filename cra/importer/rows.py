"""Row value objects: ``LigneCra`` (the column values of one CRA, far cheaper than a model
instance), the COPY column order derived from ``Cra``'s fields, ``Ligne`` (a mapped row with its
advisor and structure references) and ``Refus`` (a row that cannot be recovered)."""

from __future__ import annotations

import operator
from dataclasses import dataclass

from ..models import Cra


class LigneCra:
    """The column values of one CRA to import (attributes: ``Cra``'s column attnames).

    Far cheaper than a model instance; unset attributes read the model's defaults (class
    attributes below). ``raw`` is the original JSON text when the source has one (v1 lines):
    it is written as ``source_data`` as is."""

    raw: str | None = None


_FIELDS = [f for f in Cra._meta.concrete_fields if not f.primary_key]
for _field in _FIELDS:
    _default = None if _field.has_default() and callable(_field.default) else _field.get_default()
    setattr(LigneCra, _field.attname, _default)
# COPY column order: every column, ``source_data`` last (its value is wrapped at write time).
_COPY_ATTNAMES = [f.attname for f in _FIELDS if f.attname != "source_data"]
_COPY_COLUMNS = [
    *(f.column for f in _FIELDS if f.attname != "source_data"),
    Cra._meta.get_field("source_data").column,
]
_values_of = operator.attrgetter(*_COPY_ATTNAMES)


def _ligne(**values) -> LigneCra:
    row = LigneCra()
    row.__dict__.update(values)
    return row


class Refus(Exception):
    """A row that cannot be recovered; the message is the reason shown in the report."""


@dataclass
class Ligne:
    numero: int
    source_id: str
    conseiller_ref: str
    structure_ref: str
    cra: LigneCra
