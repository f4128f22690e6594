"""The CRA form built at every filing: DSFR classes set once per class, copies that stay apart."""

from __future__ import annotations

import pytest

from cra.forms import CraForm, HistoriqueFiltreForm

from .factories import commune, form_data


def test_dsfr_classes_and_groups_are_on_every_instance():
    form = CraForm()
    assert form.fields["date"].widget.attrs["class"] == "fr-input"
    assert form.fields["note"].widget.attrs["class"] == "fr-input"
    assert form.fields["type"].widget.attrs["dsfr"] == "dsfr"
    assert form.fields["type"].widget.group_class == "fr-radio-group"
    assert form.fields["age_moins_de_douze"].widget.group_class == "fr-input-group"
    assert form.fields["age_moins_de_douze"].widget.attrs["inputmode"] == "numeric"
    assert HistoriqueFiltreForm().fields["type"].widget.attrs["class"] == "fr-select"


def test_instances_do_not_share_fields_widgets_or_attributes():
    first, second = CraForm(), CraForm()
    assert first.fields["type"] is not second.fields["type"]
    assert first.fields["type"].widget is not second.fields["type"].widget
    first.fields["note"].widget.attrs["aria-invalid"] = "true"
    first.fields["date"].initial = None
    assert "aria-invalid" not in second.fields["note"].widget.attrs
    assert "aria-invalid" not in CraForm().fields["note"].widget.attrs
    assert CraForm().fields["date"].initial is not None
    # The fixed choice lists are shared (copying them was a third of the form's cost).
    assert first.fields["type"].choices is second.fields["type"].choices


@pytest.mark.django_db
def test_the_count_fields_are_declared_once_and_validated():
    commune()
    assert [name for name in CraForm.base_fields if name.startswith("age_")] == [
        name for name in CraForm().fields if name.startswith("age_")
    ]
    form = CraForm(form_data(type="collectif", participants="3", titre_atelier="Atelier", niveau="debutant",
                             age_non_communique="2", genre_non_communique="3", statut_non_communique="3"))  # fmt: skip
    assert not form.is_valid()
    assert "La somme des tranches d'âge (2)" in form.errors["age_non_communique"][0]
