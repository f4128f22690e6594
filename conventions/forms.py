"""Forms only translate input; the services decide."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

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


CONTRATS_RENOUVELES = [
    ("CDI", "CDI"),
    ("CDD", "CDD"),
    ("PEC", "PEC"),
    ("contrat_de_projet_public", "Contrat de projet public"),
]
CHAMPS_CONTRAT = ("type_contrat", "date_debut", "date_fin")


class ReconventionnementForm(ConventionsForm):
    """Renewal: the advisors renewed, each with their own new contract (type, start, end)."""

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
        for candidat in self.candidats:
            self._ajouter_contrat(candidat)
        if self.is_bound:
            self.data = self._donnees_par_conseiller(self.data)

    @staticmethod
    def prefixe(mise_en_relation_id: int) -> str:
        return f"contrat_{mise_en_relation_id}"

    def _ajouter_contrat(self, candidat) -> None:
        prefixe = self.prefixe(candidat.mise_en_relation_id)
        self.fields[f"{prefixe}_type_contrat"] = forms.ChoiceField(
            label=f"Nouveau contrat de {candidat.nom}",
            choices=CONTRATS_RENOUVELES,
            initial="CDI",
            required=False,  # required for the advisors selected only (clean)
        )
        self.fields[f"{prefixe}_date_debut"] = forms.DateField(
            label=f"Début du nouveau contrat de {candidat.nom}", required=False, widget=DateISO()
        )
        self.fields[f"{prefixe}_date_fin"] = forms.DateField(
            label=f"Fin du nouveau contrat de {candidat.nom} (sauf CDI)", required=False, widget=DateISO()
        )
        for name in CHAMPS_CONTRAT:
            bound = self[f"{prefixe}_{name}"]
            dsfr_input_class_attr(bound)
            if not hasattr(bound.field.widget, "group_class"):
                bound.field.widget.group_class = "fr-input-group"

    def _donnees_par_conseiller(self, data):
        """A post giving one contract for all (``type_contrat``, ``date_debut``, ``date_fin``, as
        before contracts were per advisor) applies it to each advisor without their own values."""
        if not any(name in data for name in CHAMPS_CONTRAT):
            return data
        data = data.copy()
        for candidat in self.candidats:
            prefixe = self.prefixe(candidat.mise_en_relation_id)
            if not any(f"{prefixe}_{name}" in data for name in CHAMPS_CONTRAT):
                for name in CHAMPS_CONTRAT:
                    if name in data:
                        data[f"{prefixe}_{name}"] = data[name]
        return data

    def lignes_formulaire(self) -> list[dict]:
        """One row per advisor for the template: the checkbox and the new contract's fields."""
        cases = {case.data["value"]: case for case in self["conseillers"]}
        return [
            {
                "candidat": candidat,
                "case": cases.get(candidat.mise_en_relation_id),
                **{
                    name: self[f"{self.prefixe(candidat.mise_en_relation_id)}_{name}"]
                    for name in CHAMPS_CONTRAT
                },
            }
            for candidat in self.candidats
        ]

    def clean(self):
        data = super().clean()
        identifiant = (data.get("identifiant") or "").strip().upper()
        if identifiant and self.structure is not None and identifiant != self.structure.identifiant:
            self.add_error("identifiant", "Cet identifiant ne correspond pas à votre structure.")
        noms = {c.mise_en_relation_id: c.nom for c in self.candidats}
        for pk in data.get("conseillers") or []:
            prefixe = self.prefixe(pk)
            type_contrat = data.get(f"{prefixe}_type_contrat")
            debut, fin = data.get(f"{prefixe}_date_debut"), data.get(f"{prefixe}_date_fin")
            if f"{prefixe}_type_contrat" in data and not type_contrat:
                self.add_error(f"{prefixe}_type_contrat", f"Choisissez le nouveau contrat de {noms[pk]}.")
            if f"{prefixe}_date_debut" in data and not debut:
                self.add_error(
                    f"{prefixe}_date_debut", f"Indiquez le début du nouveau contrat de {noms[pk]}."
                )
            if type_contrat and type_contrat != "CDI" and f"{prefixe}_date_fin" in data and not fin:
                self.add_error(
                    f"{prefixe}_date_fin", "Un contrat autre qu'un CDI doit avoir une date de fin."
                )
            if debut and fin and fin <= debut:
                self.add_error(f"{prefixe}_date_fin", "La fin du contrat doit suivre son début.")
        return data

    def lignes(self) -> list[dict]:
        data = self.cleaned_data
        lignes = []
        for pk in data.get("conseillers", []):
            prefixe = self.prefixe(pk)
            type_contrat = data[f"{prefixe}_type_contrat"]
            lignes.append(
                {
                    "mise_en_relation_id": pk,
                    "type_contrat": type_contrat,
                    "date_debut": data[f"{prefixe}_date_debut"],
                    "date_fin": None if type_contrat == "CDI" else data.get(f"{prefixe}_date_fin"),
                }
            )
        return lignes


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
