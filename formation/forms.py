from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from conumapp.files import PrivateFileFormField


class JustificationAbsenceForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif de l'absence", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    justificatif = PrivateFileFormField(label="Justificatif (PDF ou image)")
