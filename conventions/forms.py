"""Forms only translate input; the services decide."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from conumapp.files import PrivateFileFormField
from conumapp.widgets import DateISO

from .enums import MotifNonInteresse, PieceType


class ConventionsForm(DsfrBaseForm):
    """DSFR form marking optional fields (current DSFR guidance), without django-dsfr's
    transitional deprecation warning."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # django-dsfr's input snippet reads this attribute, only set for selects and radios
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class PieceForm(ConventionsForm):
    type = forms.ChoiceField(label="Type de pièce", choices=PieceType.choices)
    poste = forms.TypedChoiceField(
        label="Poste concerné (contrat de travail)", coerce=int, required=False, empty_value=None
    )
    valide_du = forms.DateField(
        label="Contrat valable du",
        required=False,
        widget=DateISO(),
    )
    valide_au = forms.DateField(
        label="Contrat valable au (vide pour un CDI)",
        required=False,
        widget=DateISO(),
    )
    fichier = PrivateFileFormField(label="Fichier")

    def __init__(self, *args, postes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["poste"].choices = [("", "—")] + [
            (p.pk, f"Poste n° {p.pk} ({p.get_type_display()})") for p in postes
        ]

    def clean(self):
        data = super().clean()
        if data.get("type") == PieceType.CONTRAT_TRAVAIL and not data.get("poste"):
            self.add_error("poste", "Indiquez le poste auquel se rapporte ce contrat de travail.")
        return data


class ReconventionnementForm(ConventionsForm):
    identifiant = forms.CharField(
        label="Identifiant de votre structure",
        max_length=20,
        help_text="Affiché dans votre espace (format STR-000123) ; distinct du SIRET et du numéro de dossier.",
    )
    ds_numero = forms.CharField(
        label="Numéro de dossier Démarches Simplifiées",
        max_length=20,
        help_text="Le numéro du dossier de demande de subvention déposé sur Démarches Simplifiées.",
    )
    conseillers = forms.TypedMultipleChoiceField(
        label="Conseillers dont le contrat est renouvelé",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les conseillers en CDI sont présélectionnés.",
    )
    type_contrat = forms.ChoiceField(
        label="Nouveau contrat des conseillers sélectionnés",
        choices=[
            ("CDI", "CDI"),
            ("CDD", "CDD"),
            ("PEC", "PEC"),
            ("contrat_de_projet_public", "Contrat de projet public"),
        ],
    )
    date_debut = forms.DateField(label="Début du nouveau contrat", widget=DateISO())
    date_fin = forms.DateField(
        label="Fin du nouveau contrat (sauf CDI)",
        required=False,
        widget=DateISO(),
    )

    def __init__(self, *args, candidats=(), structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.candidats = list(candidats)
        self.fields["conseillers"].choices = [
            (c.mise_en_relation_id, f"{c.nom} — {c.type_contrat or 'contrat non renseigné'}")
            for c in self.candidats
        ]
        if not self.is_bound:
            self.initial.setdefault("conseillers", [c.mise_en_relation_id for c in self.candidats if c.cdi])

    def clean(self):
        data = super().clean()
        identifiant = (data.get("identifiant") or "").strip().upper()
        if identifiant and self.structure is not None and identifiant != self.structure.identifiant:
            self.add_error("identifiant", "Cet identifiant ne correspond pas à votre structure.")
        if data.get("type_contrat") and data["type_contrat"] != "CDI" and not data.get("date_fin"):
            self.add_error("date_fin", "Un contrat autre qu'un CDI doit avoir une date de fin.")
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] <= data["date_debut"]:
            self.add_error("date_fin", "La fin du contrat doit suivre son début.")
        return data

    def lignes(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "mise_en_relation_id": pk,
                "type_contrat": data["type_contrat"],
                "date_debut": data["date_debut"],
                "date_fin": None if data["type_contrat"] == "CDI" else data.get("date_fin"),
            }
            for pk in data.get("conseillers", [])
        ]


class NonInteresseForm(ConventionsForm):
    motif = forms.ChoiceField(label="Motif", choices=MotifNonInteresse.choices, widget=forms.RadioSelect)


class DateForm(ConventionsForm):
    """Admin confirmation pages: one date."""

    date = forms.DateField(label="Date", widget=DateISO())


class MotifForm(ConventionsForm):
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class FinConventionForm(ConventionsForm):
    date = forms.DateField(label="Date de fin du financement", widget=DateISO())
    anticipee = forms.BooleanField(label="Résiliation anticipée", required=False)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class RedigerForm(forms.Form):
    """Admin: draft a convention for a validated structure."""

    structure = forms.ModelChoiceField(label="Structure validée", queryset=None)
    date_debut = forms.DateField(label="Début prévu", required=False, widget=DateISO())

    def __init__(self, *args, **kwargs):
        from structures.models import Structure

        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.validees().order_by("nom")
