"""A filed CRA gets its history at its first change (cra/historique.py), complete from the filing.

Also the history managers built once per model (conumapp/history.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from simple_history.manager import HistoryDescriptor

from conumapp.history import CachedHistoryDescriptor
from cra import services
from cra.models import Cra

from .factories import CraFactory, conseiller_en_poste, operateur
from .test_services import _new

pytestmark = pytest.mark.django_db


def _filed():
    advisor = conseiller_en_poste(debut=timezone.localdate() - timedelta(days=90))
    cra = services.cra_creer(conseiller=advisor, by=advisor.user, cra=_new(advisor, duree=45))
    return advisor, cra


def test_filing_writes_no_history_row():
    _advisor, cra = _filed()
    assert cra.history.count() == 0


def test_the_first_edit_writes_the_filing_then_the_edit():
    advisor, cra = _filed()
    cra.duree = 60
    services.cra_modifier(cra=cra, by=advisor.user)
    filing, edit = cra.history.order_by("history_id")
    assert (filing.history_type, filing.duree, filing.history_date) == ("+", 45, cra.created_at)
    assert filing.history_user_id == advisor.user_id
    assert filing.structure_id == cra.structure_id and filing.departement_code == cra.departement_code
    assert (edit.history_type, edit.duree) == ("~", 60)
    cra.duree = 90
    services.cra_modifier(cra=cra, by=advisor.user)
    assert list(cra.history.order_by("history_id").values_list("history_type", "duree")) == [
        ("+", 45), ("~", 60), ("~", 90)
    ]  # fmt: skip


def test_deletion_and_restoration_keep_the_filing_first():
    advisor, cra = _filed()
    services.cra_supprimer(cra=cra, by=advisor.user)
    services.cra_restaurer(cra=Cra.objects.get(pk=cra.pk), by=advisor.user)
    rows = list(cra.history.order_by("history_id"))
    assert [row.history_type for row in rows] == ["+", "~", "~"]
    assert rows[0].deleted_at is None and rows[1].deleted_at is not None and rows[2].deleted_at is None


def test_any_other_save_such_as_an_operators_also_writes_the_filing_first():
    advisor, cra = _filed()
    staff = operateur()
    changed = Cra.objects.get(pk=cra.pk)
    changed.note = "Corrigé par l'opérateur"
    changed._history_user = staff
    changed.save()
    filing, change = cra.history.order_by("history_id")
    assert (filing.history_type, filing.history_user_id, filing.note) == ("+", advisor.user_id, "")
    assert (change.history_type, change.history_user_id, change.note) == (
        "~",
        staff.pk,
        "Corrigé par l'opérateur",
    )


def test_a_cra_created_with_its_history_gets_no_second_creation_row():
    advisor = conseiller_en_poste()
    cra = CraFactory(conseiller=advisor)  # Model.save(): history row written at creation
    cra.duree = 60
    services.cra_modifier(cra=cra, by=advisor.user)
    assert list(cra.history.order_by("history_id").values_list("history_type", flat=True)) == ["+", "~"]


def test_history_managers_are_built_once_per_model():
    assert type(Cra.history) is type(Cra.history)
    advisor, cra = _filed()
    other = CraFactory(conseiller=advisor, duree=75)
    assert type(cra.history) is type(other.history)
    assert list(other.history.values_list("id", flat=True)) == [other.pk]  # still the instance's rows
    swapped = [
        model for model in apps.get_models()
        for value in vars(model).values() if isinstance(value, HistoryDescriptor)
    ]  # fmt: skip
    assert swapped and all(
        isinstance(value, CachedHistoryDescriptor)
        for model in swapped for value in vars(model).values() if isinstance(value, HistoryDescriptor)
    )  # fmt: skip
