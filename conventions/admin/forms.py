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


class _VersementForm(_DateForm):
    """Payment of tranches: the date, and the amount paid when it differs from the amount due."""

    montant = forms.DecimalField(
        label="Montant versé (€)",
        max_digits=12,
        decimal_places=2,
        required=False,
        localize=True,
        help_text="Laissez vide pour verser le montant dû. Un montant ne se saisit que pour une seule tranche.",
    )

    def __init__(self, *args, nombre_tranches: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.nombre_tranches = nombre_tranches

    def clean_montant(self):
        montant = self.cleaned_data.get("montant")
        if montant is None:
            return None
        if montant <= 0:
            raise forms.ValidationError("Le montant versé doit être supérieur à zéro.")
        if self.nombre_tranches > 1:
            raise forms.ValidationError(
                "Un montant ne peut être saisi que pour une seule tranche : "
                "laissez-le vide pour verser le montant dû de chaque tranche."
            )
        return montant


class _MotifForm(forms.Form):
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class _FinForm(forms.Form):
    date = forms.DateField(label="Date de fin du financement", widget=DateISO())
    anticipee = forms.BooleanField(label="Résiliation anticipée", required=False)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class _AvoirForm(forms.Form):
    montant = forms.DecimalField(label="Montant (€)", max_digits=12, decimal_places=2, min_value=0)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
