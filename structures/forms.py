"""Forms only translate input; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from dsfr.forms import DsfrBaseForm
from stdnum.fr import siret as stdnum_siret

from conumapp.enums import GrandReseau
from conumapp.models import User
from conumapp.territories import clean_postcode, communes_for_postcode, departement_for_postcode, normalise
from conumapp.widgets import ENTIER_MAX, DateISO

from . import enums as enums_lieux
from .enums import (
    AvisPrefecture,
    DecisionType,
    MotifAjout,
    MotifRetrait,
    StructureStatut,
    StructureType,
    TypologieLieu,
)
from .models import Structure

DEPARTEMENT_RIDET = "988"


class StructuresForm(DsfrBaseForm):
    """DSFR form marking optional fields, without django-dsfr's transitional warning."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


def siret_valide(value: str) -> bool:
    return bool(re.fullmatch(r"\d{14}", value)) and stdnum_siret.is_valid(value)


class CandidatureForm(StructuresForm):
    siret = forms.CharField(
        label="SIRET", required=False, max_length=20,
        help_text="14 chiffres. Laissez vide pour une structure de Nouvelle-Calédonie (indiquez le RIDET).",
    )  # fmt: skip
    ridet = forms.CharField(
        label="RIDET (Nouvelle-Calédonie)", required=False, max_length=10, help_text="7 chiffres."
    )
    nom = forms.CharField(label="Dénomination de la structure", max_length=255)
    type = forms.ChoiceField(label="Type de structure", choices=[("", "Choisir")] + StructureType.choices)
    adresse = forms.CharField(label="Adresse", max_length=255)
    code_postal = forms.CharField(
        label="Code postal", max_length=5, help_text="5 chiffres, par exemple 69001."
    )
    contact_prenom = forms.CharField(label="Prénom du contact", max_length=100)
    contact_nom = forms.CharField(label="Nom du contact", max_length=100)
    contact_fonction = forms.CharField(label="Fonction du contact", max_length=150, required=False)
    contact_telephone = forms.CharField(label="Téléphone du contact", max_length=20, required=False)
    contact_email = forms.EmailField(
        label="Adresse électronique du contact",
        max_length=254,
        help_text="Elle servira d'identifiant pour votre espace.",
    )
    password = forms.CharField(
        label="Mot de passe de votre espace", min_length=12, strip=False,
        widget=forms.PasswordInput(render_value=False), help_text="12 caractères au minimum.",
    )  # fmt: skip
    nombre_conseillers_souhaites = forms.IntegerField(
        label="Nombre de conseillers souhaités", min_value=1, max_value=99
    )
    date_debut_mission = forms.DateField(
        label="Date de début de mission souhaitée",
        widget=DateISO(),
    )
    motivation = forms.CharField(
        label="Motivation", max_length=2500, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="2 500 caractères au maximum.",
    )  # fmt: skip
    zrr = forms.BooleanField(label="La structure est en zone de revitalisation rurale (ZRR)", required=False)
    qpv = forms.BooleanField(
        label="La structure est en quartier prioritaire de la ville (QPV)", required=False
    )
    label_france_services = forms.BooleanField(
        label="La structure est labellisée France Services", required=False
    )
    grand_reseau = forms.ChoiceField(
        label="Grand réseau", choices=[("", "Aucun")] + GrandReseau.choices, required=False
    )
    engagement_confirme = forms.BooleanField(
        label="Je m'engage à recruter et accompagner le ou les conseillers numériques selon les règles du dispositif"
    )
    # Honeypot: hidden from people, filled by robots.
    site_web = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_siret(self):
        value = re.sub(r"\s", "", self.cleaned_data["siret"])
        if value and not siret_valide(value):
            raise forms.ValidationError("Ce SIRET n'est pas valide : vérifiez ses 14 chiffres.")
        return value

    def clean_ridet(self):
        value = re.sub(r"\s", "", self.cleaned_data["ridet"])
        if value and not re.fullmatch(r"\d{7}", value):
            raise forms.ValidationError("Le RIDET doit comporter exactement 7 chiffres.")
        return value

    def clean_code_postal(self):
        value = clean_postcode(self.cleaned_data["code_postal"])
        if len(value) != 5:
            raise forms.ValidationError("Le code postal doit comporter 5 chiffres.")
        departement = departement_for_postcode(value)
        if departement is None:
            raise forms.ValidationError("Ce code postal ne correspond à aucun département connu.")
        self.departement = departement
        return value

    def clean_date_debut_mission(self):
        value = self.cleaned_data["date_debut_mission"]
        if value < timezone.localdate():
            raise forms.ValidationError("La date de début ne peut pas être dans le passé.")
        return value

    def clean_contact_email(self):
        value = self.cleaned_data["contact_email"].strip().lower()
        if User.objects.filter(email__iexact=value).exists():
            raise forms.ValidationError(
                "Un compte existe déjà avec cette adresse : connectez-vous, puis demandez à être invité(e) "
                "par la structure, ou utilisez une autre adresse."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        siret, ridet = cleaned.get("siret"), cleaned.get("ridet")
        departement = getattr(self, "departement", None)
        if "siret" in cleaned and "ridet" in cleaned:
            if departement is not None and departement.code == DEPARTEMENT_RIDET:
                if not ridet and not siret:
                    self.add_error("ridet", "Indiquez le RIDET de la structure (7 chiffres).")
            elif ridet:
                self.add_error("ridet", "Le RIDET est réservé aux structures de Nouvelle-Calédonie.")
            elif not siret:
                self.add_error("siret", "Indiquez le SIRET de la structure (14 chiffres).")
        if siret and Structure.objects.vivantes().filter(siret=siret).exists():
            self.add_error(
                "siret",
                "Une candidature existe déjà pour ce SIRET. Contactez-nous si vous pensez qu'il s'agit d'une erreur.",
            )
        if cleaned.get("password"):
            try:
                validate_password(cleaned["password"], User(email=cleaned.get("contact_email", "")))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def is_spam(self) -> bool:
        return bool(self.data.get("site_web"))

    def build_structure(self) -> Structure:
        data = self.cleaned_data
        commune = communes_for_postcode(data["code_postal"]).first()
        return Structure(
            siret=data["siret"], ridet=data["ridet"], nom=data["nom"].strip(), type=data["type"],
            adresse=data["adresse"], code_postal=data["code_postal"], commune=commune,
            departement=self.departement, region_id=self.departement.region_id,
            contact_prenom=data["contact_prenom"], contact_nom=data["contact_nom"],
            contact_fonction=data["contact_fonction"], contact_email=data["contact_email"],
            contact_telephone=data["contact_telephone"],
            nombre_conseillers_souhaites=data["nombre_conseillers_souhaites"],
            date_debut_mission=data["date_debut_mission"], motivation=data["motivation"],
            engagement_confirme=True, zrr=data["zrr"], qpv=data["qpv"],
            label_france_services=data["label_france_services"], grand_reseau=data["grand_reseau"],
        )  # fmt: skip


class AvisForm(StructuresForm):
    avis = forms.ChoiceField(label="Avis", choices=AvisPrefecture.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire", min_length=10, max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Entre 10 et 1 000 caractères.",
    )  # fmt: skip


class DemandeAjoutForm(StructuresForm):
    nombre = forms.IntegerField(label="Nombre de postes supplémentaires", min_value=1, max_value=50)
    motif = forms.ChoiceField(label="Motif", choices=MotifAjout.choices, widget=forms.RadioSelect)


class DemandeRetraitForm(StructuresForm):
    nombre = forms.IntegerField(label="Nombre de postes à rendre", min_value=1, max_value=50)
    motif = forms.ChoiceField(label="Motif", choices=MotifRetrait.choices, widget=forms.RadioSelect)


class InvitationForm(StructuresForm):
    email = forms.EmailField(label="Adresse électronique de votre collègue", max_length=254)


class PrefectureFiltreForm(StructuresForm):
    q = forms.CharField(label="Rechercher (nom ou SIRET)", required=False)
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous")] + StructureStatut.choices, required=False
    )
    type = forms.ChoiceField(label="Type", choices=[("", "Tous")] + StructureType.choices, required=False)
    avis = forms.ChoiceField(
        label="Avis de la préfecture",
        choices=[("", "Tous"), ("avec", "Avec avis"), ("sans", "Sans avis")],
        required=False,
    )


# --- Admin forms -----------------------------------------------------------------------------


class DecisionForm(forms.Form):
    numero = forms.IntegerField(label="Numéro du COSELEC", min_value=1, max_value=ENTIER_MAX)
    type = forms.ChoiceField(
        label="Décision",
        choices=[
            (DecisionType.VALIDATION, "Validation (nombre de postes)"),
            (DecisionType.REFUS, "Refus"),
            (DecisionType.EXAMEN_COMPLEMENTAIRE, "Examen complémentaire"),
        ],
    )
    nombre_postes = forms.IntegerField(
        label="Postes accordés (quota)", min_value=0, max_value=ENTIER_MAX, required=False, initial=1
    )
    statut_si_zero = forms.ChoiceField(
        label="Si le quota passe à 0",
        choices=[(StructureStatut.ABANDON, "Abandonnée"), (StructureStatut.ANNULEE, "Annulée")],
        initial=StructureStatut.ABANDON,
    )
    avis = forms.CharField(label="Avis du comité", max_length=500, required=False, widget=forms.Textarea)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == DecisionType.VALIDATION and cleaned.get("nombre_postes") is None:
            self.add_error("nombre_postes", "Indiquez le nombre de postes accordés.")
        return cleaned


class TransfertForm(forms.Form):
    vers = forms.ModelChoiceField(label="Structure d'accueil", queryset=Structure.objects.validees())
    hors_departement = forms.BooleanField(label="Hors département (par exception)", required=False)
    motif = forms.CharField(label="Motif", required=False, widget=forms.Textarea)


class DemandeDecisionForm(forms.Form):
    numero = forms.IntegerField(
        label="Numéro du COSELEC (demandes d'ajout)", min_value=1, max_value=ENTIER_MAX, required=False
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea)


# --- Places of activity ----------------------------------------------------------------------

_INDICATIFS_OUTRE_MER = {"971": "+590", "972": "+596", "973": "+594", "974": "+262", "976": "+262"}


def telephone_international(value: str, departement_code: str = "") -> str:
    """A French number in the standard's format (+33 without the leading zero, no spaces)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"0\d{9}", digits):
        digits = _INDICATIFS_OUTRE_MER.get(departement_code, "+33") + digits[1:]
    if not re.fullmatch(r"\+(33|590|594|262|596|269|687|689|508|681)\d{6,9}", digits):
        raise forms.ValidationError(
            "Numéro de téléphone invalide : par exemple 04 72 00 00 00 ou +33472000000."
        )
    return digits


def _cases(label, values, *, required=False, help_text=""):
    return forms.MultipleChoiceField(
        label=label, choices=enums_lieux.choices(values), required=required, help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip


class LieuActiviteForm(StructuresForm):
    nom = forms.CharField(label="Nom du lieu", max_length=255)
    adresse = forms.CharField(
        label="Adresse", max_length=255, help_text="Numéro et voie, par exemple 12 rue de la Paix."
    )
    complement_adresse = forms.CharField(
        label="Complément d'adresse", max_length=255, required=False, help_text="Bâtiment, étage, lieu-dit…"
    )
    code_postal = forms.CharField(
        label="Code postal", max_length=5, help_text="5 chiffres, par exemple 69001."
    )
    commune = forms.CharField(
        label="Commune", max_length=120, required=False,
        help_text="Facultatif si le code postal ne dessert qu'une commune.",
    )  # fmt: skip
    latitude = forms.FloatField(
        label="Latitude", required=False, min_value=-90, max_value=90,
        help_text="Facultatif : à défaut, les coordonnées de la commune sont utilisées.",
    )  # fmt: skip
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)
    typologies = forms.MultipleChoiceField(
        label="Type de lieu",
        choices=TypologieLieu.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False)
    courriel = forms.EmailField(label="Courriel de contact", required=False, max_length=254)
    site_web = forms.URLField(label="Site web", required=False, max_length=200, assume_scheme="https")
    horaires = forms.CharField(
        label="Horaires d'ouverture", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Au format OpenStreetMap (par exemple « Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00 ») "
        "ou en texte libre.",
    )  # fmt: skip
    presentation_resume = forms.CharField(
        label="Présentation résumée", required=False, max_length=280, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="280 caractères au maximum.",
    )  # fmt: skip
    presentation_detail = forms.CharField(
        label="Présentation détaillée",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    services = _cases("Services proposés", enums_lieux.SERVICES, required=True)
    itinerance = _cases(
        "Itinérance", enums_lieux.ITINERANCES, help_text="« Itinérant » pour un bus numérique par exemple."
    )
    frais_a_charge = _cases("Frais à charge", enums_lieux.FRAIS_A_CHARGE)
    publics_specifiquement_adresses = _cases(
        "Publics spécifiquement adressés", enums_lieux.PUBLICS_SPECIFIQUEMENT_ADRESSES
    )
    prise_en_charge_specifique = _cases(
        "Prise en charge spécifique", enums_lieux.PRISES_EN_CHARGE_SPECIFIQUES
    )
    modalites_acces = _cases("Modalités d'accès", enums_lieux.MODALITES_ACCES)
    modalites_accompagnement = _cases("Modalités d'accompagnement", enums_lieux.MODALITES_ACCOMPAGNEMENT)
    prise_rdv = forms.URLField(
        label="Prise de rendez-vous en ligne (adresse)", required=False, max_length=200, assume_scheme="https"
    )

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            initial = {name: getattr(instance, name) for name in self.base_fields if name != "commune"}
            initial["commune"] = instance.commune.nom if instance.commune_id else ""
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def _clean_texte(self, name):
        # Published in open data (CSV): a leading =, +, - or @ would be a formula in a spreadsheet.
        value = self.cleaned_data.get(name, "")
        if value and value.lstrip()[:1] in ("=", "+", "-", "@"):
            raise forms.ValidationError("Ce texte ne peut pas commencer par =, +, - ou @.")
        return value

    def clean_nom(self):
        return self._clean_texte("nom")

    def clean_adresse(self):
        return self._clean_texte("adresse")

    def clean_complement_adresse(self):
        return self._clean_texte("complement_adresse")

    def clean_horaires(self):
        return self._clean_texte("horaires")

    def clean_presentation_resume(self):
        return self._clean_texte("presentation_resume")

    def clean_presentation_detail(self):
        return self._clean_texte("presentation_detail")

    def clean_code_postal(self):
        value = clean_postcode(self.cleaned_data["code_postal"])
        if len(value) != 5:
            raise forms.ValidationError("Le code postal doit comporter 5 chiffres.")
        if not communes_for_postcode(value).exists():
            raise forms.ValidationError("Ce code postal ne correspond à aucune commune connue.")
        return value

    def clean(self):
        cleaned = super().clean()
        code_postal = cleaned.get("code_postal")
        if code_postal:
            communes = list(communes_for_postcode(code_postal))
            saisie = cleaned.get("commune", "")
            if saisie:
                cle = normalise(saisie)
                trouvees = [
                    c for c in communes if c.code_insee == saisie.strip().upper() or normalise(c.nom) == cle
                ]
            else:
                trouvees = communes if len(communes) == 1 else []
            if len(trouvees) == 1:
                cleaned["commune"] = trouvees[0]
            else:
                noms = ", ".join(c.nom for c in communes[:10])
                self.add_error(
                    "commune",
                    f"Indiquez une commune desservie par le code postal {code_postal} : {noms}."
                    if saisie or len(communes) > 1
                    else "Indiquez la commune.",
                )
            commune = cleaned.get("commune")
            if cleaned.get("telephone") and hasattr(commune, "departement_id"):
                try:
                    cleaned["telephone"] = telephone_international(
                        cleaned["telephone"], commune.departement_id
                    )
                except forms.ValidationError as error:
                    self.add_error("telephone", error)
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", "Indiquez la latitude et la longitude, ou aucune des deux.")
        return cleaned

    def donnees(self) -> dict:
        """Keyword arguments for ``services.lieu_creer`` / ``lieu_modifier``."""
        data = dict(self.cleaned_data)
        for name in ("telephone",):
            data[name] = data.get(name) or ""
        return data
