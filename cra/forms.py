"""CRA forms: they only translate input into an unsaved Cra; the services decide."""

from __future__ import annotations

import copy
import re

from django import forms
from django.forms import BoundField
from django.utils import timezone
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from conumapp.territories import commune_par_code, communes_for_postcode, search_communes
from conumapp.widgets import DateISO

from .enums import (
    COMPTES,
    DUREE_MAX,
    DUREES_PRESETS,
    THEMATIQUES_DEMARCHES,
    THEMATIQUES_NUMERIQUES,
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeCra,
    TypeLieu,
    bits_of,
    codes_of,
)
from .models import Cra

NOTE_AIDE = (
    "500 caractères au plus. N'écrivez aucune donnée personnelle : ni nom, ni adresse, "
    "ni téléphone, ni situation d'une personne identifiable."
)
OUI_NON = [("oui", "Oui"), ("non", "Non")]


class CraBaseForm(DsfrBaseForm):
    """DSFR form whose widget classes are set once per form class, not at every instance.

    ``DsfrBaseForm.__init__`` sets the DSFR classes on each instance's copies of the fields;
    they depend only on the widgets, so they are set here on the class's fields the first time
    the class is used and the instances copy them (the CRA form is built at every filing).
    """

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not cls.__dict__.get("_dsfr_pret"):
            _prepare_dsfr(cls)
        forms.Form.__init__(self, *args, **kwargs)

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class _ChampsAChoixPartages(dict):
    """A form class's fields whose copies (one per form instance) share the choice lists.

    Django deep-copies every field's choices at every instance; ours are fixed lists that no
    form changes, and copying them was a third of the cost of building the CRA form."""

    def __init__(self, fields, shared):
        super().__init__(fields)
        self.shared = shared

    def __deepcopy__(self, memo):
        for value in self.shared:
            memo[id(value)] = value
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


def _prepare_dsfr(cls) -> None:
    """Set the DSFR widget classes (``dsfr_input_class_attr``) on ``cls.base_fields``, once."""
    prototype = forms.Form.__new__(cls)
    forms.Form.__init__(prototype)
    for name, field in cls.base_fields.items():
        dsfr_input_class_attr(BoundField(prototype, field, name))
        if not hasattr(field.widget, "group_class"):
            field.widget.group_class = "fr-input-group"
    shared = [field._choices for field in cls.base_fields.values() if isinstance(field, forms.ChoiceField)]
    cls.base_fields = _ChampsAChoixPartages(cls.base_fields, shared)
    cls._dsfr_pret = True


def _count_field(label):
    field = forms.IntegerField(
        label=label, min_value=0, max_value=100, initial=0, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )  # fmt: skip
    field.widget.group_class = "fr-input-group"
    return field


def _count_fields() -> dict:
    """The public counts (age, gender, status): one field per value, declared on the class."""
    return {
        f"{prefix}_{member.value}": _count_field(member.label) for prefix, enum in COMPTES for member in enum
    }


class CraForm(CraBaseForm):
    type = forms.ChoiceField(
        label="Type d'accompagnement", choices=TypeCra.saisissables(), widget=forms.RadioSelect
    )
    date = forms.DateField(label="Date", widget=DateISO())
    duree = forms.ChoiceField(
        label="Durée",
        choices=[(str(m), f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} min") for m in DUREES_PRESETS]
        + [("autre", "Autre durée")],
        widget=forms.RadioSelect,
    )
    duree_autre = forms.IntegerField(
        label="Autre durée (en minutes)",
        help_text="Par pas de 5 minutes, 8 heures au plus.",
        required=False,
        min_value=5,
        max_value=DUREE_MAX,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    type_lieu = forms.ChoiceField(label="Lieu", choices=TypeLieu.choices, widget=forms.RadioSelect)
    lieu = forms.CharField(
        label="Commune du lieu",
        help_text="Nom de la commune ou code postal (facultatif pour un accompagnement à distance).",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "cra-communes"}),
    )
    commune_code = forms.CharField(required=False, max_length=5, widget=forms.HiddenInput)
    materiel = forms.MultipleChoiceField(
        label="Matériel utilisé",
        choices=Materiel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    thematiques_numeriques = forms.MultipleChoiceField(
        label="Thématiques numériques",
        choices=[(m.value, m.label) for m in THEMATIQUES_NUMERIQUES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    thematiques_demarches = forms.MultipleChoiceField(
        label="Démarches administratives",
        choices=[(m.value, m.label) for m in THEMATIQUES_DEMARCHES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Individual
    autonomie = forms.ChoiceField(
        label="Autonomie de la personne", choices=Autonomie.choices, required=False, widget=forms.RadioSelect
    )
    oriente = forms.ChoiceField(
        label="Orientée vers une autre structure ?", choices=OUI_NON, required=False, widget=forms.RadioSelect
    )
    structure_redirection = forms.ChoiceField(
        label="Vers quel type de structure ?",
        choices=[("", "—")] + list(StructureRedirection.choices),
        required=False,
    )
    # Collective
    titre_atelier = forms.CharField(label="Titre de l'atelier", max_length=150, required=False)
    niveau = forms.ChoiceField(
        label="Niveau", choices=Niveau.choices, required=False, widget=forms.RadioSelect
    )
    participants = forms.IntegerField(
        label="Nombre de participants", min_value=1, max_value=100, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    participants_recurrents = forms.IntegerField(
        label="Dont participants déjà venus", min_value=0, max_value=100, required=False, initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    # Public
    public_defaut = forms.BooleanField(
        label="1 personne, non communiqué (âge, genre et statut)",
        help_text="Cochée, cette case remplit le public d'un accompagnement individuel en un geste.",
        required=False,
        initial=True,
    )
    tags = forms.CharField(
        label="Étiquettes", help_text="Séparées par des virgules.", max_length=200, required=False
    )
    note = forms.CharField(
        label="Note", help_text=NOTE_AIDE, max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )  # fmt: skip
    confirmer_doublon = forms.BooleanField(required=False, widget=forms.HiddenInput)
    locals().update(_count_fields())

    COUNT_PREFIXES = COMPTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def count_groups(self):
        titles = {"age": "Tranches d'âge", "genre": "Genre", "statut": "Statut"}
        return [
            {"title": titles[prefix], "fields": [self[f"{prefix}_{m.value}"] for m in enum]}
            for prefix, enum in COMPTES
        ]

    # --- translation ---------------------------------------------------------------------
    def clean(self):
        data = super().clean()
        type_cra = data.get("type")
        if data.get("duree") == "autre":
            autre = data.get("duree_autre")
            if not autre:
                self.add_error("duree_autre", "Indiquez la durée en minutes.")
            elif autre % 5:
                self.add_error("duree_autre", "La durée se saisit par pas de 5 minutes.")
        codes = (data.get("thematiques_numeriques") or []) + (data.get("thematiques_demarches") or [])
        if (
            not codes
            and "thematiques_numeriques" not in self.errors
            and "thematiques_demarches" not in self.errors
        ):
            self.add_error("thematiques_numeriques", "Choisissez au moins une thématique.")
        data["thematiques"] = codes
        if data.get("type_lieu") and data["type_lieu"] != TypeLieu.A_DISTANCE:
            self._resolve_commune(data)
        if type_cra == TypeCra.COLLECTIF:
            participants = data.get("participants")
            if participants is None:
                self.add_error("participants", "Indiquez le nombre de participants.")
            elif not 2 <= participants <= 100:
                self.add_error("participants", "Un atelier collectif compte entre 2 et 100 participants.")
            recurrents = data.get("participants_recurrents") or 0
            if participants and recurrents > participants:
                self.add_error(
                    "participants_recurrents",
                    "Les participants déjà venus ne peuvent pas dépasser le nombre de participants.",
                )
            if not data.get("titre_atelier"):
                self.add_error("titre_atelier", "Indiquez le titre de l'atelier.")
        elif type_cra == TypeCra.INDIVIDUEL:
            data["participants"] = 1
            data["participants_recurrents"] = 0
            if data.get("oriente") == "oui" and not data.get("structure_redirection"):
                self.add_error("structure_redirection", "Indiquez vers quel type de structure.")
        self._check_counts(data)
        return data

    def _resolve_commune(self, data):
        code = (data.get("commune_code") or "").strip()
        text = (data.get("lieu") or "").strip()
        commune = None
        if code:
            commune = commune_par_code(code)
        if commune is None and text:
            if match := re.search(r"\b(\d{5})\b", text):
                commune = communes_for_postcode(match.group(1)).first()
            if commune is None:
                found = search_communes(text, limit=1)
                commune = found[0] if found else None
            if commune is None:
                self.add_error("lieu", "Commune introuvable : saisissez son nom ou son code postal.")
        if commune is not None:
            data["commune_code"] = commune.code_insee
            postcode = re.search(r"\b(\d{5})\b", text)
            postcodes = commune.codes_postaux.split()
            data["code_postal"] = postcode.group(1) if postcode and postcode.group(1) in postcodes else (
                postcodes[0] if postcodes else "")  # fmt: skip
            data["lieu"] = f"{commune.nom} ({data['code_postal']})" if data["code_postal"] else commune.nom
        else:
            data["commune_code"] = ""
            data["code_postal"] = ""

    def _check_counts(self, data):
        participants = data.get("participants")
        if not participants or not 1 <= participants <= 100:
            return
        if data.get("type") == TypeCra.INDIVIDUEL and data.get("public_defaut"):
            for prefix, enum in COMPTES:
                for member in enum:
                    data[f"{prefix}_{member.value}"] = 1 if member.value == "non_communique" else 0
            return
        labels = {"age": "tranches d'âge", "genre": "genres", "statut": "statuts"}
        for prefix, enum in COMPTES:
            total = sum(data.get(f"{prefix}_{m.value}") or 0 for m in enum)
            if total != participants:
                self.add_error(
                    f"{prefix}_non_communique",
                    f"La somme des {labels[prefix]} ({total}) doit être égale au nombre de participants "
                    f"({participants}). Reportez le reste dans « Non communiqué ».",
                )

    def fill(self, cra: Cra) -> Cra:
        """Copy the cleaned data onto ``cra`` (new or existing), clearing fields the type does not use."""
        data = self.cleaned_data
        collectif = data["type"] == TypeCra.COLLECTIF
        cra.type = data["type"]
        cra.date = data["date"]
        cra.duree = data["duree_autre"] if data["duree"] == "autre" else int(data["duree"])
        cra.type_lieu = data["type_lieu"]
        cra.commune_code = data.get("commune_code", "")
        cra.code_postal = data.get("code_postal", "")
        cra.materiel = bits_of(data.get("materiel"), Materiel)
        cra.thematiques = bits_of(data["thematiques"], Thematique)
        cra.autonomie = "" if collectif else data.get("autonomie", "")
        cra.oriente = None if collectif or not data.get("oriente") else data["oriente"] == "oui"
        cra.structure_redirection = data.get("structure_redirection", "") if cra.oriente else ""
        cra.titre_atelier = data.get("titre_atelier", "") if collectif else ""
        cra.niveau = data.get("niveau", "") if collectif else ""
        cra.participants = data["participants"]
        cra.participants_recurrents = data.get("participants_recurrents") or 0
        for prefix, enum in COMPTES:
            for member in enum:
                name = f"{prefix}_{member.value}"
                setattr(cra, name, data.get(name) or 0)
        cra.tags = data.get("tags", "")
        cra.note = data.get("note", "")
        return cra


def initial_from(cra: Cra, *, duplicate: bool = False) -> dict:
    """Form initial values from an existing CRA (edit, or "Dupliquer" with today's date)."""
    thematiques = cra.thematiques_codes
    numeriques = {m.value for m in THEMATIQUES_NUMERIQUES}
    initial = {
        "type": cra.type,
        "date": timezone.localdate() if duplicate else cra.date,
        "duree": str(cra.duree) if cra.duree in DUREES_PRESETS else "autre",
        "duree_autre": None if cra.duree in DUREES_PRESETS else cra.duree,
        "type_lieu": cra.type_lieu,
        "commune_code": cra.commune_code,
        "lieu": cra.code_postal or cra.commune_code,
        "materiel": cra.materiel_codes,
        "thematiques_numeriques": [c for c in thematiques if c in numeriques],
        "thematiques_demarches": [c for c in thematiques if c not in numeriques],
        "autonomie": cra.autonomie,
        "oriente": "" if cra.oriente is None else ("oui" if cra.oriente else "non"),
        "structure_redirection": cra.structure_redirection,
        "titre_atelier": cra.titre_atelier,
        "niveau": cra.niveau,
        "participants": cra.participants,
        "participants_recurrents": cra.participants_recurrents,
        "public_defaut": False,
        "tags": cra.tags,
        "note": cra.note,
    }
    for prefix, enum in COMPTES:
        for member in enum:
            initial[f"{prefix}_{member.value}"] = getattr(cra, f"{prefix}_{member.value}")
    return initial


class HistoriqueFiltreForm(CraBaseForm):
    du = forms.DateField(label="Du", required=False, widget=DateISO())
    au = forms.DateField(label="Au", required=False, widget=DateISO())
    type = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + list(TypeCra.choices))
    thematique = forms.ChoiceField(
        label="Thématique", required=False, choices=[("", "Toutes")] + list(Thematique.choices)
    )
    type_lieu = forms.ChoiceField(
        label="Lieu", required=False, choices=[("", "Tous")] + list(TypeLieu.choices)
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("du"):
            queryset = queryset.filter(date__gte=data["du"])
        if data.get("au"):
            queryset = queryset.filter(date__lte=data["au"])
        if data.get("type"):
            queryset = queryset.filter(type=data["type"])
        if data.get("type_lieu"):
            queryset = queryset.filter(type_lieu=data["type_lieu"])
        if data.get("thematique"):
            queryset = queryset.with_theme(data["thematique"])
        return queryset


__all__ = ["CraForm", "HistoriqueFiltreForm", "initial_from", "codes_of"]
