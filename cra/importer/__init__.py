"""Legacy CRA import: v1 (MongoDB export of the legacy ``cras`` collection, JSON lines) and v2
(La Coop API pages, JSON:API). Mapping table: docs/cra-import.md.

Rows are mapped and checked in Python (no per-row query) into plain ``LigneCra`` value objects
(not model instances: the model's rules of ``Cra.clean`` are applied by ``_check``, with the
same messages), then written in transactional batches — COPY on PostgreSQL, the original JSON
line kept as ``source_data`` without re-encoding it; ``bulk_create`` elsewhere: a crash leaves
no half batch, and a re-run skips what is already there (idempotent by ``(source, source_id)``),
so it resumes. Refused rows are reported with their line number and reason (CSV), in a dry run
as in a real run. Measured by ``bench/bench_cra_import.py`` (``make bench``).

One module a responsibility; import from this package (``cra.importer``):

- ``rows``: ``LigneCra`` (column values of one CRA), the COPY column order, ``Ligne``, ``Refus``;
- ``mapping``: the v1/v2 code tables, ``map_v1``, ``map_v2`` and ``_check``;
- ``reading``: ``read_v1``, ``read_v2`` (numbered documents from a file's lines);
- ``writing``: placeholders, structure lookups, COPY/bulk insert, ``import_lines``,
  ``import_file`` and the report (``Resultat``).

The names below are re-exported, not shared: to patch what the code reads (``_insert``,
``connection``, …), patch it in the module that uses it, e.g. ``cra.importer.writing._insert``.
"""

from .mapping import (
    DATE_MIN,
    V1_ACTIVITE,
    V1_AGE,
    V1_CANAL,
    V1_DUREE,
    V1_ORGANISMES,
    V1_STATUT,
    V1_THEMES,
    _check,
    map_v1,
    map_v2,
)
from .reading import read_v1, read_v2
from .rows import Ligne, LigneCra, Refus
from .writing import BATCH_SIZE, Resultat, import_file, import_lines

__all__ = [
    "BATCH_SIZE",
    "DATE_MIN",
    "V1_ACTIVITE",
    "V1_AGE",
    "V1_CANAL",
    "V1_DUREE",
    "V1_ORGANISMES",
    "V1_STATUT",
    "V1_THEMES",
    "Ligne",
    "LigneCra",
    "Refus",
    "Resultat",
    "_check",
    "import_file",
    "import_lines",
    "map_v1",
    "map_v2",
    "read_v1",
    "read_v2",
]
