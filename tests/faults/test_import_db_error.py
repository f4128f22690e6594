"""A database error in the middle of an import (a PostgreSQL trigger that fails on the Nth row,
no mocking) leaves nothing partial: all-or-nothing imports (structures, candidates, training)
write nothing, the CRA legacy import (transactional batches) keeps whole batches only and a
re-run ends as one clean import."""

from contextlib import contextmanager

import pytest
import tablib
from django.db import DatabaseError, connection

from conseillers.models import Conseiller
from conseillers.resources import CandidatImportResource
from conumapp.enums import Role
from conumapp.models import Habilitation, User
from cra.importer import import_lines
from cra.models import Cra
from formation.models import FormationInitiale
from structures.models import Structure
from structures.resources import StructureImportResource
from tests.cra.factories import conseiller
from tests.cra.test_import import v1
from tests.structures.test_admin import _dataset, _row, valid_siret

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@contextmanager
def failing_insert(table: str, nth: int):
    """Every insert into ``table`` from the ``nth`` one on raises (committed DDL, dropped after)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SEQUENCE IF EXISTS faults_compteur; CREATE SEQUENCE faults_compteur")
        cursor.execute(
            f"""CREATE OR REPLACE FUNCTION faults_panne() RETURNS trigger AS $$
            BEGIN
              IF nextval('faults_compteur') >= {int(nth)} THEN
                RAISE EXCEPTION 'panne simulée de la base';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql"""
        )
        cursor.execute(
            f"CREATE TRIGGER faults_panne BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION faults_panne()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS faults_panne ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS faults_panne(); DROP SEQUENCE IF EXISTS faults_compteur")


def test_structures_import_rolls_back_entirely(postgres_only):
    from tests.structures.factories import departement

    departement("69")
    before = Structure.objects.count()
    dataset = _dataset([_row(valid_siret(910 + i), nom=f"Mairie {i}") for i in range(5)])
    with failing_insert("structures_structure", 3):
        result = StructureImportResource().import_data(dataset, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert Structure.objects.count() == before
    # The same file imports cleanly once the database is back.
    result = StructureImportResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and Structure.objects.count() == before + 5


def test_candidate_import_rolls_back_entirely(postgres_only, reference_data):
    from tests.cra.factories import commune

    commune()  # Lyon, postcodes 69001 and 69002
    emails = [f"candidat{i}@exemple.fr" for i in range(4)]
    dataset = tablib.Dataset(
        headers=["email", "prenom", "nom", "code_postal", "disponible", "distance_max", "situation"]
    )
    for i, email in enumerate(emails):
        dataset.append([email, "Camille", f"Martin{i}", "69001", "1", "40", "demandeur_emploi"])
    # The third candidate fails: the first two, their accounts and roles were already written.
    with failing_insert("conseillers_conseiller", 3):
        result = CandidatImportResource().import_data(dataset, dry_run=False)
    assert result.has_errors() and not result.has_validation_errors()
    assert not Conseiller.objects.exists()
    assert not User.objects.filter(email__in=emails).exists()
    assert not Habilitation.objects.filter(role=Role.CANDIDAT).exists()
    # The same file imports cleanly once the database is back.
    result = CandidatImportResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(Conseiller.objects.values_list("user__email", flat=True)) == emails
    assert Habilitation.objects.filter(role=Role.CANDIDAT, user__email__in=emails).count() == 4


def test_training_import_writes_nothing_when_the_database_fails(postgres_only):
    from formation import imports

    advisors = [conseiller() for _ in range(3)]
    content = "conseiller;parcours;date_entree\n" + "".join(f"{c.pk};70;01/03/2024\n" for c in advisors)
    with failing_insert("formation_formationinitiale", 2), pytest.raises(DatabaseError):
        imports.importer(content, dry_run=False)
    assert not FormationInitiale.objects.exists()
    assert imports.importer(content, dry_run=False).applique
    assert FormationInitiale.objects.count() == 3


def test_cra_import_keeps_whole_batches_and_a_rerun_ends_as_one_clean_import(postgres_only):
    lines = [v1(f"f{i:03d}") for i in range(10)]
    import psycopg  # the import writes with COPY through psycopg directly on PostgreSQL

    with failing_insert("cra_cra", 6), pytest.raises((DatabaseError, psycopg.Error)):
        import_lines(lines, fmt="v1", dry_run=False, batch_size=4)
    assert Cra.objects.count() == 4  # the first batch only: no half batch
    result = import_lines(lines, fmt="v1", dry_run=False, batch_size=4)
    assert (result.importees, result.deja_presentes) == (6, 4)
    assert Cra.objects.count() == 10
    assert sorted(Cra.objects.values_list("source_id", flat=True)) == [f"f{i:03d}" for i in range(10)]
    assert Conseiller.objects.filter(legacy_id="c0ffee").count() == 1
