"""The filters' ``<select>`` written in Python (no template per option): same meaning as
Django's, labels escaped, one selected option, DSFR attributes kept."""

from django import forms

from statistiques.filtres import SelectWidget


class _Form(forms.Form):
    choix = forms.TypedChoiceField(
        label="Structure", required=False, coerce=int, empty_value=None, widget=SelectWidget
    )


def _html(data=None, choices=None):
    form = _Form(data)
    form.fields["choix"].choices = choices or [("", "Toutes"), (1, "A & <b>B</b>"), (2, 'Le "C"'), (10, "D")]
    form.fields["choix"].widget.attrs["class"] = "fr-select"
    form.is_valid()
    return str(form["choix"]), form["choix"].widget_type


def test_labels_are_escaped_and_the_widget_type_is_select():
    html, widget_type = _html()
    assert widget_type == "select"  # the template picks the DSFR select group with it
    tag = html[: html.index(">") + 1]
    assert tag.startswith("<select ")
    assert all(attr in tag for attr in ('name="choix"', 'class="fr-select"', 'id="id_choix"'))
    assert '<option value="1">A &amp; &lt;b&gt;B&lt;/b&gt;</option>' in html
    assert '<option value="2">Le &quot;C&quot;</option>' in html
    assert "<b>" not in html


def test_the_bound_value_is_the_only_selected_option():
    html, _ = _html({"choix": "1"})
    assert '<option value="1" selected>' in html
    assert html.count(" selected") == 1
    assert '<option value="10">' in html  # "1" does not select "10"


def test_no_value_selects_the_empty_choice():
    html, _ = _html()
    assert '<option value="" selected>Toutes</option>' in html
    assert html.count(" selected") == 1
