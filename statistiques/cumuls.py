"""Maintenance of the daily rollup (``CumulJour``), exact at read time.

* Every CRA write marks its (day, département) key dirty, in the writer's transaction:
  ``post_save`` / ``post_delete`` signals (filing, edit — old and new key —, soft delete,
  restore) and the ``cra_ecrits_en_masse`` signal sent by the legacy import after COPY /
  bulk_create.
* ``rafraichir()`` (called by ``calculer`` before reading the rollup, and every minute by a
  task) recomputes the dirty keys from the raw rows with the same aggregate definitions
  (``agregats.expressions``) in a fixed number of queries, whatever the number of keys.
* ``reconstruire()`` recomputes everything (after bulk loads that bypass the import: demo data,
  benchmark data sets).

Concurrency: refreshers are serialised by an advisory lock (PostgreSQL); a refresh claims the
dirty rows that exist when it starts (``en_cours``) and deletes only those, so a key dirtied by
a writer that commits during the refresh stays dirty for the next one.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.signals import post_delete, post_save, pre_save

from cra.models import Cra

from .agregats import COMPTEURS, expressions
from .models import ActiviteJour, CleSale, CumulJour, CumulMois

_LOCK_ID = 80_080_001
_CLE = ("date", "departement_code", "region_code", "type")
_CLE_ACTIVITE = ("date", "conseiller_id", "structure_id", "departement_code", "region_code", "type")


def marquer(cles) -> None:
    """Mark (day, département) keys dirty (in the caller's transaction)."""
    rows = {(jour, dep or "", False) for jour, dep in cles if jour is not None}
    if rows:
        # Plain SQL: this runs at every CRA filing (the hot path of make bench), and the ORM's
        # INSERT compilation cost more than the statement itself.
        table = connection.ops.quote_name(CleSale._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (jour, departement_code, en_cours) VALUES (%s, %s, %s)",  # noqa: S608
                sorted(rows),
            )


# --- signals ---------------------------------------------------------------------------------


def _avant(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"date", "departement_code"} & set(update_fields):
        return
    instance._cle_avant = Cra.objects.filter(pk=instance.pk).values_list("date", "departement_code").first()


def _apres(sender, instance, raw=False, **kwargs):
    cles = [(instance.date, instance.departement_code)]
    if avant := getattr(instance, "_cle_avant", None):
        cles.append(avant)
        instance._cle_avant = None
    marquer(cles)


def _en_masse(sender, rows, **kwargs):
    marquer((cra.date, cra.departement_code) for cra in rows)


def register() -> None:
    from cra import services as cra_services

    pre_save.connect(_avant, sender=Cra, dispatch_uid="statistiques_cumul_avant")
    post_save.connect(_apres, sender=Cra, dispatch_uid="statistiques_cumul_apres")
    post_delete.connect(_apres, sender=Cra, dispatch_uid="statistiques_cumul_suppression")
    signal = getattr(cra_services, "cra_ecrits_en_masse", None)
    if signal is not None:
        signal.connect(_en_masse, dispatch_uid="statistiques_cumul_en_masse")


# --- refresh ---------------------------------------------------------------------------------


def _verrou(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


def _insert_select(model, columns, qs) -> None:
    """INSERT INTO <model> (<columns>) <qs as SQL> — one statement, no rows through Python."""
    sql, params = qs.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", params)  # noqa: S608


def _inserer(cras, cumuls_jour) -> None:
    """Recompute the three tables for the CRAs ``cras`` and the daily rows ``cumuls_jour``
    (both already restricted to the keys being recomputed)."""
    qs = cras.order_by().values(*_CLE).annotate(**expressions())
    _insert_select(CumulJour, ("jour", "departement_code", "region_code", "type", *COMPTEURS), qs)
    qs = cras.order_by().values(*_CLE_ACTIVITE).annotate(n=Count("id"))
    _insert_select(ActiviteJour, ("jour", "conseiller_id", "structure_id", "departement_code", "region_code",
                                  "type", "cras"), qs)  # fmt: skip
    qs = (
        cumuls_jour.order_by()
        .annotate(m=TruncMonth("jour"))
        .values("m", "departement_code", "region_code", "type")
        .annotate(**{name: Coalesce(Sum(name), Value(0), output_field=IntegerField()) for name in COMPTEURS})
    )
    _insert_select(CumulMois, ("mois", "departement_code", "region_code", "type", *COMPTEURS), qs)


def rafraichir() -> bool:
    """Recompute the dirty keys; True when there were some. Fixed number of queries."""
    if not CleSale.objects.filter(en_cours=False).exists():
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        _verrou(cursor)
        if not CleSale.objects.filter(en_cours=False).update(en_cours=True):
            return False
        claimed = CleSale.objects.filter(
            en_cours=True, jour=OuterRef("jour"), departement_code=OuterRef("departement_code")
        )
        CumulJour.objects.filter(Exists(claimed)).delete()
        ActiviteJour.objects.filter(Exists(claimed)).delete()
        # Months: every (month, département) holding a claimed day.
        claimed_month = CleSale.objects.annotate(m=TruncMonth("jour")).filter(
            en_cours=True, departement_code=OuterRef("departement_code"), m=OuterRef("mois")
        )
        CumulMois.objects.filter(Exists(claimed_month)).delete()
        claimed_cra = CleSale.objects.filter(
            en_cours=True, jour=OuterRef("date"), departement_code=OuterRef("departement_code")
        )
        # The daily rows of claimed months: computed first (same transaction), then summed.
        claimed_day_month = CleSale.objects.annotate(m=TruncMonth("jour")).filter(
            en_cours=True, departement_code=OuterRef("departement_code"), m=OuterRef("_m")
        )
        _inserer(
            Cra.objects.actifs().filter(Exists(claimed_cra)),
            CumulJour.objects.annotate(_m=TruncMonth("jour")).filter(Exists(claimed_day_month)),
        )
        CleSale.objects.filter(en_cours=True).delete()
    return True


def reconstruire() -> None:
    """Recompute the whole rollup from the raw rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        _verrou(cursor)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the GROUP BY of every row stays in memory
        CleSale.objects.filter(en_cours=False).update(en_cours=True)
        for model in (CumulJour, CumulMois, ActiviteJour):
            model.objects.all().delete()
        _inserer(Cra.objects.actifs(), CumulJour.objects.all())
        CleSale.objects.filter(en_cours=True).delete()
        if connection.vendor == "postgresql":
            for model in (CumulJour, CumulMois, ActiviteJour):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
