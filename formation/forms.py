from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from conumapp.files import PrivateFileFormField


class JustificationAbsenceForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif de l'absence", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    justificatif = PrivateFileFormField(label="Justificatif (PDF ou image)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"

    def get_context(self):
        # Mark optional fields, without django-dsfr's transitional warning (as the other apps do).
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context
