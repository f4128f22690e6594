"""Statistics filters: a value (``Filtres``) and the GET form that builds it (``FiltresForm``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from conseillers.enums import MiseEnRelationStatut as S
from conumapp.models import Departement, Region
from conumapp.widgets import ENTIER_MAX, DateISO
from cra.enums import Thematique, TypeCra
from structures.models import Structure

from .perimetres import Perimetre

# Above this many structures / advisors in a scope, the filter is a number field (validated
# against the scope) instead of a list.
CHOIX_MAX = 300
# Bounds of the period filters: outside them, date arithmetic (months, rollups) overflows.
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2099, 12, 31)
ID_MAX = ENTIER_MAX
STATUTS_EMPLOI = [S.FINALISEE, S.NOUVELLE_RUPTURE, S.FINALISEE_RUPTURE, S.RENOUVELLEMENT_INITIEE, S.TERMINEE]


def periode_par_defaut(today: date | None = None) -> tuple[date, date]:
    """The last 12 calendar months up to today: from the 1st of the month 11 months ago."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year
    if month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1), today


def _debut_defaut() -> date:
    return periode_par_defaut()[0]


def _fin_defaut() -> date:
    return periode_par_defaut()[1]


@dataclass(frozen=True)
class Filtres:
    debut: date = field(default_factory=_debut_defaut)
    fin: date = field(default_factory=_fin_defaut)
    region: str = ""
    departement: str = ""
    structure: int | None = None
    conseiller: int | None = None
    type: str = ""
    thematique: str = ""
    tag: str = ""

    def querystring(self) -> str:
        """``debut=…&fin=…&…`` (only non-empty values), for shareable URLs and export links."""
        params = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ""):
                continue
            params.append((f.name, value.isoformat() if isinstance(value, date) else str(value)))
        return urlencode(params)

    def remplacer(self, **changes) -> Filtres:
        return replace(self, **changes)

    @property
    def par_ligne(self) -> bool:
        """True when a filter needs the CRA rows (theme, tag, structure or advisor)."""
        return bool(self.thematique or self.tag or self.structure or self.conseiller)


class SelectWidget(forms.Select):
    """A flat ``<select>`` written in Python: the template engine renders each ``<option>``
    through an include (≈ 0.3 ms apiece), so a list of 300 structures or advisors cost 100 ms
    per page. Same markup; the class name keeps ``BoundField.widget_type == "select"``."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = self.format_value(value)
        selected = chosen[0] if chosen else None
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            mark = ""
            if option_value == selected:
                mark, selected = " selected", None  # only the first matching option, as Django does
            options.append(f'<option value="{escape(option_value)}"{mark}>{escape(label)}</option>')
        body = "".join(options)
        return mark_safe(f"<select{flatatt(final)}>{body}</select>")  # noqa: S308 - escaped above


class FiltresForm(forms.Form):
    """GET form of the statistics filters; choices are restricted to the scope."""

    debut = forms.DateField(label="Du", required=False, widget=DateISO())
    fin = forms.DateField(label="Au", required=False, widget=DateISO())
    region = forms.ChoiceField(label="Région", required=False, widget=SelectWidget)
    departement = forms.ChoiceField(label="Département", required=False, widget=SelectWidget)
    structure = forms.TypedChoiceField(
        label="Structure", required=False, coerce=int, empty_value=None, widget=SelectWidget
    )
    conseiller = forms.TypedChoiceField(
        label="Conseiller", required=False, coerce=int, empty_value=None, widget=SelectWidget
    )
    type = forms.ChoiceField(
        label="Type d'activité",
        required=False,
        choices=[("", "Tous les types"), *TypeCra.choices],
        widget=SelectWidget,
    )
    thematique = forms.ChoiceField(
        label="Thématique",
        required=False,
        choices=[("", "Toutes les thématiques"), *Thematique.choices],
        widget=SelectWidget,
    )
    tag = forms.CharField(label="Étiquette", required=False, max_length=50)

    def __init__(self, data=None, *, perimetre: Perimetre, **kwargs):
        super().__init__(data, **kwargs)
        self.perimetre = perimetre
        debut, fin = periode_par_defaut()
        self.fields["debut"].initial = debut
        self.fields["fin"].initial = fin
        self._territoires()
        if perimetre.public:
            # Nothing below département level on the public page.
            for name in ("structure", "conseiller", "tag"):
                del self.fields[name]
        else:
            self._structures()
            self._conseillers()

    # --- choices restricted to the scope --------------------------------------------------
    def _territoires(self):
        p = self.perimetre
        regions = Region.objects.order_by("nom")
        departements = Departement.objects.order_by("code")
        if p.niveau == "region":
            regions = regions.filter(code__in=p.codes)
            departements = departements.filter(region_id__in=p.codes)
        elif p.niveau == "departement":
            departements = departements.filter(code__in=p.codes)
            regions = regions.filter(code__in=departements.values("region_id"))
        elif not p.territorial:
            structures = self._structures_qs()
            departements = departements.filter(code__in=structures.values("departement_id"))
            regions = regions.filter(code__in=structures.values("region_id"))
        self.fields["region"].choices = [("", "Toutes les régions"), *regions.values_list("code", "nom")]
        self.fields["departement"].choices = [
            ("", "Tous les départements"),
            *((code, f"{code} - {nom}") for code, nom in departements.values_list("code", "nom")),
        ]

    def _structures_qs(self):
        p = self.perimetre
        qs = Structure.objects.all()
        if p.niveau == "region":
            return qs.filter(region_id__in=p.codes)
        if p.niveau == "departement":
            return qs.filter(departement_id__in=p.codes)
        if p.niveau == "structure":
            return qs.filter(pk__in=p.codes)
        if p.niveau == "grand_reseau":
            return qs.filter(grand_reseau__in=p.codes)
        if p.niveau in ("conseiller", "coordinateur"):
            from conseillers.models import MiseEnRelation

            contrats = MiseEnRelation.objects.filter(conseiller_id__in=p.codes, statut__in=STATUTS_EMPLOI)
            return qs.filter(pk__in=contrats.values("structure_id"))
        return qs

    def _conseillers_qs(self):
        from conseillers.models import Conseiller, MiseEnRelation

        p = self.perimetre
        if p.niveau in ("conseiller", "coordinateur"):
            return Conseiller.objects.filter(pk__in=p.codes)
        # Advisors who were employed in the scope (CRAs attach to the employing structure).
        contrats = MiseEnRelation.objects.filter(p.condition_contrats(), statut__in=STATUTS_EMPLOI)
        return Conseiller.objects.filter(pk__in=contrats.values("conseiller_id"))

    def _choix_ou_nombre(self, name, qs, label):
        count = qs.count()
        if count > CHOIX_MAX:
            self.fields[name] = forms.IntegerField(
                label=f"{self.fields[name].label} (identifiant)",
                required=False,
                min_value=1,
                max_value=ID_MAX,
            )
            self._verifier[name] = qs
        else:
            self.fields[name].choices = [("", label), *((o.pk, str(o)) for o in qs)]

    def _structures(self):
        self._verifier = getattr(self, "_verifier", {})
        self._choix_ou_nombre(
            "structure",
            self._structures_qs().order_by("nom", "pk").only("pk", "nom"),
            "Toutes les structures",
        )

    def _conseillers(self):
        self._verifier = getattr(self, "_verifier", {})
        self._choix_ou_nombre(
            "conseiller", self._conseillers_qs().order_by("nom", "prenom", "pk").only("pk", "nom", "prenom"),
            "Tous les conseillers",
        )  # fmt: skip

    # --- validation -----------------------------------------------------------------------
    def clean_debut(self):
        return self._date_bornee("debut")

    def clean_fin(self):
        return self._date_bornee("fin")

    def _date_bornee(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError(
                f"Indiquez une date entre le {DATE_MIN:%d/%m/%Y} et le {DATE_MAX:%d/%m/%Y}."
            )
        return value

    def clean_structure(self):
        return self._dans_perimetre("structure", "Cette structure n'est pas dans votre périmètre.")

    def clean_conseiller(self):
        return self._dans_perimetre("conseiller", "Ce conseiller n'est pas dans votre périmètre.")

    def _dans_perimetre(self, name, message):
        value = self.cleaned_data.get(name)
        qs = getattr(self, "_verifier", {}).get(name)
        if value is not None and qs is not None and not qs.filter(pk=value).exists():
            raise forms.ValidationError(message)
        return value

    def clean_tag(self):
        return (self.cleaned_data.get("tag") or "").strip()

    def clean(self):
        data = super().clean()
        debut, fin = data.get("debut"), data.get("fin")
        if debut and fin and debut > fin:
            self.add_error("fin", "La date de fin doit être postérieure à la date de début.")
        region, departement = data.get("region"), data.get("departement")
        if region and departement and "departement" not in self.errors:
            if not Departement.objects.filter(code=departement, region_id=region).exists():
                self.add_error("departement", "Ce département n'appartient pas à la région choisie.")
        return data

    def filtres(self) -> Filtres:
        """The valid filters; an invalid or missing value keeps its default."""
        defaut = Filtres()
        if not self.is_bound:
            return defaut
        self.is_valid()
        data = self.cleaned_data
        values = {}
        for f in fields(Filtres):
            if f.name in self.errors or f.name not in self.fields:
                continue
            value = data.get(f.name)
            if value in (None, ""):
                continue
            values[f.name] = value
        if "debut" in values and "fin" not in values and values["debut"] > defaut.fin:
            values.pop("debut")
        if "fin" in values and "debut" not in values and values["fin"] < defaut.debut:
            values["debut"] = periode_par_defaut(values["fin"])[0]
        if "fin" in self.errors:
            # An inverted period is refused as a whole.
            values.pop("debut", None)
        return replace(defaut, **values)
