"""Programme steering per territory (DOMAIN.md §7, issue #8): for operators and prefectures.

One row per département (grouped by région, with a subtotal per région for national views)
and a total: posts granted and occupied, advisors recruited, structures under convention,
subsidy committed and paid, advisors without a CRA for 30 and 45 days, yearly module
obligation met. Each figure is ONE grouped query through the owning app's QuerySets, whatever
the number of départements (tests/statistiques/test_pilotage.py fixes the count).

Definitions (each owning app's meaning, never re-derived):

* postes accordés: ``Poste.objects.actifs()`` (granted posts not returned), occupés:
  ``Poste.objects.occupes()``; by the structure's département;
* conseillers recrutés: distinct advisors with a recruitment in post
  (``MiseEnRelation.objects.en_poste()``: ``finalisee`` and its in-post follow-ups);
* structures conventionnées: distinct structures with a convention in force
  (``Convention.objects.signees()``);
* subvention engagée / versée: the conventions' tranches, as ``Convention.with_totaux``
  counts them (engaged = all but cancelled tranches' planned amount; paid = paid amounts),
  summed as ``Decimal`` in the database;
* sans CRA depuis 30 / 45 jours: advisors employed today in post, not on declared leave,
  whose last CRA (or their contract start when later) is at least 30 / 45 days old — the rule
  of ``cra.services.detecter_inactivite``, computed for today (cumulative: the 45-day count is
  included in the 30-day one);
* obligation de module remplie: recruited advisors whose obligation of the current year is
  met, by ``formation.eligibilite.avec_obligation`` / ``obligation_annotee``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Count, DecimalField, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import Conge, Conseiller, MiseEnRelation
from conumapp import permissions
from conumapp.models import Departement
from conventions.enums import TrancheStatut
from conventions.models import Convention, Tranche
from cra.models import Cra
from formation import eligibilite
from formation.enums import StatutObligation
from structures.models import Poste

ZERO = Decimal("0.00")
SEUILS = (30, 45)

COLONNES = (
    ("postes_accordes", "Postes accordés"),
    ("postes_occupes", "Postes occupés"),
    ("conseillers_recrutes", "Conseillers recrutés"),
    ("structures_conventionnees", "Structures conventionnées"),
    ("subvention_engagee", "Subvention engagée (€)"),
    ("subvention_versee", "Subvention versée (€)"),
    ("sans_cra_30", "Conseillers sans CRA depuis 1 mois (30 jours)"),
    ("sans_cra_45", "Conseillers sans CRA depuis 1 mois et demi (45 jours)"),
    ("obligation_module", "Obligation de module de l'année remplie"),
)
MONTANTS = {"subvention_engagee", "subvention_versee"}


@dataclass
class Ligne:
    niveau: str  # "departement" | "region" | "total"
    code: str
    libelle: str
    region_code: str = ""
    region: str = ""
    postes_accordes: int = 0
    postes_occupes: int = 0
    conseillers_recrutes: int = 0
    structures_conventionnees: int = 0
    subvention_engagee: Decimal = ZERO
    subvention_versee: Decimal = ZERO
    sans_cra_30: int = 0
    sans_cra_45: int = 0
    obligation_module: int = 0

    def valeurs(self) -> list:
        return [getattr(self, name) for name, _label in COLONNES]

    def cellules(self) -> list[tuple[bool, object]]:
        """(is an amount in euros, value) per column, for the page."""
        return [(name in MONTANTS, getattr(self, name)) for name, _label in COLONNES]

    def ajouter(self, other: Ligne) -> None:
        for name, _label in COLONNES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Pilotage:
    today: date
    annee: int
    national: bool
    lignes: list[Ligne] = field(default_factory=list)  # départements, and région subtotals
    total: Ligne | None = None

    @property
    def departements(self) -> list[Ligne]:
        return [ligne for ligne in self.lignes if ligne.niveau == "departement"]

    def ligne(self, code: str) -> Ligne | None:
        return next((ligne for ligne in self.departements if ligne.code == code), None)

    def tableau(self) -> tuple[list[str], list[list]]:
        """Header and rows (plain values) for the CSV / XLSX export of the table."""
        entete = ["Région", "Département", *[label for _name, label in COLONNES]]
        rows = []
        for ligne in [*self.lignes, self.total]:
            if ligne.niveau == "departement":
                territoire = [ligne.region, f"{ligne.code} - {ligne.libelle}"]
            elif ligne.niveau == "region":
                territoire = [f"Total {ligne.libelle}", ""]
            else:
                territoire = [ligne.libelle, ""]
            rows.append([*territoire, *ligne.valeurs()])
        return entete, rows


# --- Who may see what --------------------------------------------------------------------


def departements_autorises(user) -> set[str] | None:
    """None: every département (operators); a set: the prefecture's départements; empty: no access."""
    if permissions.is_operateur(user):
        return None
    return set(permissions.prefecture_departements(user))


def peut_voir(user) -> bool:
    autorises = departements_autorises(user)
    return autorises is None or bool(autorises)


# --- The table ---------------------------------------------------------------------------


def calculer(
    *,
    departements: set[str] | None = None,
    region: str = "",
    today: date | None = None,
) -> Pilotage:
    """The steering table for the given départements (None: all) and optional région.

    A fixed number of queries: one per figure, grouped by département.
    """
    today = today or timezone.localdate()
    territoires = Departement.objects.select_related("region").order_by("region__nom", "code")
    if departements is not None:
        territoires = territoires.filter(code__in=departements)
    if region:
        territoires = territoires.filter(region_id=region)
    territoires = list(territoires)
    codes = [d.code for d in territoires]
    national = departements is None and not region
    rows = {
        d.code: Ligne(
            niveau="departement",
            code=d.code,
            libelle=d.nom,
            region_code=d.region_id or "",
            region=d.region.nom if d.region else "Collectivités d'outre-mer",
        )
        for d in territoires
    }

    def scoped(queryset, lookup):
        return queryset if national else queryset.filter(**{f"{lookup}__in": codes})

    # Posts granted (not returned) and occupied.
    for attr, postes in (
        ("postes_accordes", Poste.objects.actifs()),
        ("postes_occupes", Poste.objects.occupes()),
    ):
        for code, n in (
            scoped(postes, "structure__departement_id")
            .order_by()
            .values("structure__departement_id")
            .annotate(n=Count("pk"))
            .values_list("structure__departement_id", "n")
        ):
            if ligne := rows.get(code):
                setattr(ligne, attr, n)

    # Structures with a convention in force.
    for row in (
        scoped(Convention.objects.signees(), "structure__departement_id")
        .order_by()
        .values("structure__departement_id")
        .annotate(n=Count("structure_id", distinct=True))
    ):
        if ligne := rows.get(row["structure__departement_id"]):
            ligne.structures_conventionnees = row["n"]

    # Subsidy committed and paid (tranches), in Decimal.
    money = DecimalField(max_digits=14, decimal_places=2)
    for row in (
        scoped(Tranche.objects.all(), "convention__structure__departement_id")
        .order_by()
        .values("convention__structure__departement_id")
        .annotate(
            engagee=Coalesce(
                Sum("montant_prevu", filter=Q(statut__in=TrancheStatut.engagees())), ZERO, output_field=money
            ),
            versee=Coalesce(
                Sum("montant_verse", filter=Q(statut=TrancheStatut.VERSEE)), ZERO, output_field=money
            ),
        )
    ):
        if ligne := rows.get(row["convention__structure__departement_id"]):
            ligne.subvention_engagee = _money(row["engagee"])
            ligne.subvention_versee = _money(row["versee"])

    # Advisors without a CRA for 30 / 45 days (employed today, in post, not on leave).
    dernier_cra = (
        Cra.objects.actifs()
        .filter(conseiller_id=OuterRef("conseiller_id"))
        .order_by()
        .values("conseiller_id")
        .annotate(d=Max("date"))
        .values("d")
    )
    employes = (
        scoped(MiseEnRelation.objects.employant_a(today), "structure__departement_id")
        .filter(statut__in=MiseEnRelationStatut.en_poste())
        .exclude(conseiller_id__in=Conge.objects.couvrant(today).values("conseiller_id"))
        .annotate(depuis=Greatest(Coalesce(Subquery(dernier_cra), F("date_debut")), F("date_debut")))
    )
    seuils = {f"s{s}": Count("conseiller_id", distinct=True, filter=Q(depuis__lte=today - timedelta(days=s)))
              for s in SEUILS}  # fmt: skip
    for row in employes.order_by().values("structure__departement_id").annotate(**seuils):
        if ligne := rows.get(row["structure__departement_id"]):
            ligne.sans_cra_30, ligne.sans_cra_45 = row["s30"], row["s45"]

    # Recruited advisors and the yearly module obligation (formation's own rule).
    recrutes = scoped(MiseEnRelation.objects.en_poste(), "structure__departement_id")
    paires = set(recrutes.order_by().values_list("conseiller_id", "structure__departement_id").distinct())
    annee = today.year
    remplie = {
        pk
        for pk, nb_suivis, entree in eligibilite.avec_obligation(
            Conseiller.objects.filter(pk__in=recrutes.values("conseiller_id")), annee
        )
        .order_by()
        .values_list("pk", "nb_suivis", "premiere_entree")
        if eligibilite.obligation_annotee(
            SimpleNamespace(nb_suivis=nb_suivis, premiere_entree=entree), annee, today
        ).statut
        == StatutObligation.REMPLIE
    }
    for conseiller_id, code in paires:
        if ligne := rows.get(code):
            ligne.conseillers_recrutes += 1
            ligne.obligation_module += conseiller_id in remplie

    return _assembler(rows, today=today, annee=annee, national=national, grouper=len(territoires) > 1)


def _money(value) -> Decimal:
    return (value if isinstance(value, Decimal) else Decimal(str(value or 0))).quantize(ZERO)


def _assembler(rows: dict[str, Ligne], *, today, annee, national, grouper) -> Pilotage:
    pilotage = Pilotage(today=today, annee=annee, national=national)
    total = Ligne(niveau="total", code="", libelle="France entière" if national else "Total")
    sous_total: Ligne | None = None
    for ligne in rows.values():
        if grouper and (sous_total is None or sous_total.code != ligne.region_code):
            if sous_total is not None:
                pilotage.lignes.append(sous_total)
            sous_total = Ligne(niveau="region", code=ligne.region_code, libelle=ligne.region)
        pilotage.lignes.append(ligne)
        if sous_total is not None:
            sous_total.ajouter(ligne)
        total.ajouter(ligne)
    if sous_total is not None:
        pilotage.lignes.append(sous_total)
    pilotage.total = total
    return pilotage
