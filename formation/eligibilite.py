"""Registration eligibility rules and the yearly module obligation (DOMAIN.md §5).

Each rule returns a French explanation when it refuses; ``evaluer`` gathers them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from conseillers.models import MiseEnRelation

from .enums import (
    MotifDispense,
    StatutCertification,
    StatutInscription,
    StatutObligation,
    StatutValidation,
    TypeCertification,
)
from .models import Certification, Dispense, FormationInitiale, Inscription, StructureFormation

PREMIERE_ANNEE_DOUBLE_DEPUIS = 2024


@dataclass
class Eligibilite:
    motifs: list[str] = field(default_factory=list)
    financee: bool = True
    explication_financement: str = ""

    @property
    def eligible(self) -> bool:
        return not self.motifs


def contrat_en_poste(conseiller, day: date | None = None):
    day = day or timezone.localdate()
    return (
        MiseEnRelation.objects.filter(conseiller=conseiller)
        .en_poste()
        .filter(date_debut__lte=day)
        .select_related("structure")
        .order_by("-date_debut")
        .first()
    )


def dispense_validee(conseiller):
    return Dispense.objects.filter(conseiller=conseiller, statut=StatutValidation.VALIDEE).first()


def premiere_entree(conseiller) -> date | None:
    formation = (
        FormationInitiale.objects.filter(conseiller=conseiller, date_entree__isnull=False)
        .order_by("date_entree")
        .first()
    )
    return formation.date_entree if formation else None


def modules_finances_requis(conseiller, annee: int) -> int:
    """One State-funded module per calendar year; two in the first year for advisors who started
    initial training in 2024 or later."""
    entree = premiere_entree(conseiller)
    if entree and entree.year >= PREMIERE_ANNEE_DOUBLE_DEPUIS and annee == entree.year:
        return 2
    return 1


def regle_en_poste(conseiller, session, today) -> str | None:
    if contrat_en_poste(conseiller, today) is None:
        return (
            "Seuls les conseillers en poste peuvent suivre une formation financée : aucun contrat en cours."
        )
    return None


def regle_formation_initiale(conseiller, session, today) -> str | None:
    if dispense_validee(conseiller):
        return None
    if FormationInitiale.objects.filter(conseiller=conseiller, date_entree__lte=today).exists():
        return None
    return "Le conseiller doit être entré en formation initiale ou en être dispensé (dispense validée)."


def regle_convocation_ccp1(conseiller, session, today) -> str | None:
    dispense = dispense_validee(conseiller)
    if dispense and dispense.motif in (MotifDispense.CCP1_REMN, MotifDispense.TITRE_REMN):
        return None
    if Certification.objects.filter(
        conseiller=conseiller,
        type=TypeCertification.CCP1,
        statut__in=StatutCertification.convocation_recue(),
    ).exists():
        return None
    return "Le conseiller doit avoir reçu sa convocation à l'examen du CCP1 (la réussite n'est pas exigée)."


def regle_prerequis(conseiller, session, today) -> str | None:
    if not session.module.prerequis_aidants_connect:
        return None
    contrat = contrat_en_poste(conseiller, today)
    if (
        contrat
        and StructureFormation.objects.filter(
            structure=contrat.structure, habilitation_aidants_connect=True
        ).exists()
    ):
        return None
    return "Ce module nécessite l'habilitation Aidants Connect préalable de la structure employeuse."


REGLES = [regle_en_poste, regle_formation_initiale, regle_convocation_ccp1, regle_prerequis]


def evaluer(conseiller, session, today: date | None = None, *, exclure_inscription=None) -> Eligibilite:
    today = today or timezone.localdate()
    resultat = Eligibilite()
    for regle in REGLES:
        motif = regle(conseiller, session, today)
        if motif:
            resultat.motifs.append(motif)
    annee = session.annee
    finances = Inscription.objects.filter(
        conseiller=conseiller, annee=annee, financee=True, statut__in=StatutInscription.occupant_place()
    )
    if exclure_inscription is not None:
        finances = finances.exclude(pk=exclure_inscription.pk)
    requis = modules_finances_requis(conseiller, annee)
    if finances.count() >= requis:
        resultat.financee = False
        resultat.explication_financement = (
            f"L'État finance {requis} module{'s' if requis > 1 else ''} en {annee} : "
            "cette inscription supplémentaire n'est pas financée."
        )
    return resultat


@dataclass(frozen=True)
class Obligation:
    annee: int
    requis: int
    suivis: int
    statut: str

    @property
    def statut_label(self) -> str:
        return StatutObligation(self.statut).label


def obligation(conseiller, annee: int, today: date | None = None) -> Obligation:
    """Met when the funded modules of the year were attended; missed once the year is over."""
    today = today or timezone.localdate()
    requis = modules_finances_requis(conseiller, annee)
    suivis = Inscription.objects.filter(
        conseiller=conseiller, annee=annee, statut=StatutInscription.SUIVIE
    ).count()
    if suivis >= requis:
        statut = StatutObligation.REMPLIE
    elif annee < today.year:
        statut = StatutObligation.MANQUEE
    else:
        statut = StatutObligation.EN_COURS
    return Obligation(annee=annee, requis=requis, suivis=suivis, statut=statut)


def obligations(conseiller, today: date | None = None) -> list[Obligation]:
    """Every year from the first training entry (or contract start) to the current year."""
    today = today or timezone.localdate()
    debut = premiere_entree(conseiller)
    if debut is None:
        contrat = (
            MiseEnRelation.objects.filter(conseiller=conseiller, date_debut__isnull=False)
            .order_by("date_debut")
            .first()
        )
        debut = contrat.date_debut if contrat else today
    return [obligation(conseiller, annee, today) for annee in range(today.year, debut.year - 1, -1)]


def avec_obligation(queryset, annee: int):
    """Annotate advisors with what the obligation of ``annee`` needs (fixed number of queries)."""
    from django.db.models import Count, Min, Q

    return queryset.annotate(
        nb_suivis=Count(
            "inscriptions_formation",
            filter=Q(
                inscriptions_formation__annee=annee, inscriptions_formation__statut=StatutInscription.SUIVIE
            ),
            distinct=True,
        ),
        premiere_entree=Min("formations_initiales__date_entree"),
    )


def obligation_annotee(conseiller, annee: int, today: date | None = None) -> Obligation:
    today = today or timezone.localdate()
    entree = conseiller.premiere_entree
    requis = 2 if entree and entree.year >= PREMIERE_ANNEE_DOUBLE_DEPUIS and entree.year == annee else 1
    if conseiller.nb_suivis >= requis:
        statut = StatutObligation.REMPLIE
    elif annee < today.year:
        statut = StatutObligation.MANQUEE
    else:
        statut = StatutObligation.EN_COURS
    return Obligation(annee=annee, requis=requis, suivis=conseiller.nb_suivis, statut=statut)
