"""Forms only translate input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from dsfr.forms import DsfrBaseForm

from conumapp.files import PrivateFileFormField
from conumapp.territories import clean_postcode, communes_for_postcode
from conumapp.widgets import DateISO

from .enums import DistanceMax, MotifRupture, PixNiveau, Situation, TypeConge, TypeContrat
from .models import Conseiller, ParametreSalaire

DATE = DateISO()


class ConseillersFormMixin:
    """DSFR rendering marking optional fields, without django-dsfr's transitional warning."""

    def _dsfr_setup(self):
        for field in self.fields.values():
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class ConseillersForm(ConseillersFormMixin, DsfrBaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dsfr_setup()


def cv_field() -> PrivateFileFormField:
    return PrivateFileFormField(
        label="CV",
        allowed=("pdf",),
        max_bytes=settings.UPLOAD_MAX_BYTES,
        required=False,
        help_text="Format PDF, 5 Mo maximum.",
    )


PROFIL_FIELDS = [
    "prenom",
    "nom",
    "telephone",
    "code_postal",
    "disponible",
    "date_disponibilite",
    "distance_max",
    "situation",
    "diplome_mediation",
    "diplome_nom",
    "experience_mediation",
    "ccp1_obtenu",
    "pix_niveau",
    "pix_partage",
]


class ProfilForm(ConseillersFormMixin, DsfrBaseForm, forms.ModelForm):
    """The candidate's profile (sign-up and edit)."""

    cv = cv_field()

    class Meta:
        model = Conseiller
        fields = PROFIL_FIELDS
        widgets = {"date_disponibilite": DATE}
        labels = {"disponible": "Je suis disponible pour un poste de conseiller numérique"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation"].required = True
        self.fields["distance_max"].choices = DistanceMax.choices
        self.fields["pix_niveau"].choices = [("", "Pas de résultat Pix")] + list(PixNiveau.choices)
        self.fields["situation"].choices = [("", "Choisissez")] + list(Situation.choices)
        self.fields["code_postal"].help_text = "5 chiffres : la commune et le département en sont déduits."
        self._dsfr_setup()

    def clean_code_postal(self):
        code = clean_postcode(self.cleaned_data["code_postal"])
        if len(code) != 5 or not communes_for_postcode(code).exists():
            raise forms.ValidationError("Code postal inconnu : vérifiez-le.")
        return code

    def clean(self):
        data = super().clean()
        if data.get("diplome_mediation") and not (data.get("diplome_nom") or "").strip():
            self.add_error("diplome_nom", "Indiquez le nom de votre diplôme de médiation numérique.")
        if data.get("pix_partage") and not data.get("pix_niveau"):
            self.add_error("pix_niveau", "Indiquez votre niveau Pix pour le partager.")
        return data

    def profil(self) -> dict:
        """Field values for the service (the CV only when a new one was uploaded)."""
        data = {name: self.cleaned_data[name] for name in PROFIL_FIELDS}
        cv = self.cleaned_data.get("cv")
        if cv:
            data["cv"] = cv
            data["cv_nom"] = getattr(cv, "original_name", "cv.pdf")
        return data


class CandidatureForm(ProfilForm):
    email = forms.EmailField(
        label="Adresse électronique", max_length=254, help_text="Format attendu : nom@domaine.fr"
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12 caractères minimum.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["email", "password1", "password2", *PROFIL_FIELDS, "cv"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self._dsfr_setup()

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        if len(password) < settings.ACCOUNT_PASSWORD_MIN_LENGTH:
            raise forms.ValidationError(
                f"Le mot de passe doit contenir au moins {settings.ACCOUNT_PASSWORD_MIN_LENGTH} caractères."
            )
        password_validation.validate_password(password)
        return password

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        return data


class FiltresForm(ConseillersForm):
    pix_niveau = forms.TypedChoiceField(
        label="Niveau Pix minimum",
        choices=[("", "Indifférent")] + list(PixNiveau.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    avec_cv = forms.BooleanField(label="Avec CV", required=False)
    diplome = forms.BooleanField(label="Diplômé de la médiation numérique", required=False)
    ccp1 = forms.BooleanField(label="CCP1 REMN obtenu", required=False)
    disponible_le = forms.DateField(label="Disponible au plus tard le", required=False, widget=DATE)


class ContratForm(ConseillersForm):
    type_contrat = forms.ChoiceField(label="Type de contrat", choices=TypeContrat.choices)
    date_debut = forms.DateField(label="Date de début", widget=DATE)
    date_fin = forms.DateField(label="Date de fin (vide pour un CDI)", required=False, widget=DATE)
    salaire_brut = forms.DecimalField(
        label="Salaire brut mensuel (€)", max_digits=8, decimal_places=2, min_value=0
    )

    def clean(self):
        data = super().clean()
        if data.get("type_contrat") and data["type_contrat"] != TypeContrat.CDI and not data.get("date_fin"):
            self.add_error("date_fin", "La date de fin est obligatoire pour un contrat autre qu'un CDI.")
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] <= data["date_debut"]:
            self.add_error("date_fin", "La date de fin doit être postérieure à la date de début.")
        smic = ParametreSalaire.smic_en_vigueur()
        if data.get("salaire_brut") is not None and data["salaire_brut"] < smic:
            self.add_error(
                "salaire_brut", f"Le salaire brut mensuel doit être au moins égal au SMIC ({smic} €)."
            )
        return data


class ProlongationForm(ConseillersForm):
    date_fin = forms.DateField(label="Nouvelle date de fin", widget=DATE)
    salaire_brut = forms.DecimalField(
        label="Nouveau salaire brut mensuel (€)", max_digits=8, decimal_places=2, min_value=0, required=False
    )


class RuptureForm(ConseillersForm):
    date_rupture = forms.DateField(label="Date de fin de contrat", widget=DATE)
    motif = forms.ChoiceField(label="Motif", choices=[("", "Choisissez")] + list(MotifRupture.choices))
    commentaire = forms.CharField(
        label="Commentaire", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CongeForm(ConseillersForm):
    type = forms.ChoiceField(label="Type de congé", choices=TypeConge.choices)
    date_debut = forms.DateField(label="Du", widget=DATE)
    date_fin = forms.DateField(label="Au", widget=DATE)
    justificatif = PrivateFileFormField(label="Justificatif")

    def clean(self):
        data = super().clean()
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.add_error("date_fin", "La date de fin doit être postérieure ou égale à la date de début.")
        return data
