"""Forms of the back-office confirmation pages (dates, reasons, end of funding, credit notes)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from conumapp.widgets import DateISO


class _DateForm(forms.Form):
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=DateISO(),
    )


class _MotifForm(forms.Form):
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class _FinForm(forms.Form):
    date = forms.DateField(label="Date de fin du financement", widget=DateISO())
    anticipee = forms.BooleanField(label="Résiliation anticipée", required=False)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class _AvoirForm(forms.Form):
    montant = forms.DecimalField(label="Montant (€)", max_digits=12, decimal_places=2, min_value=0)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
