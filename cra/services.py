"""CRA state changes: file, edit, delete (soft), restore; inactivity detection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max, Min
from django.dispatch import Signal
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import Conge, Conseiller, MiseEnRelation, employeur_a, structure_employant
from conumapp.notifications import notify
from conumapp.services import DomainError
from conumapp.sql import RequeteCompilee
from structures.models import Membre

from .models import AlerteInactivite, Cra

DOUBLON_MINUTES = 10
# Sent with ``rows`` (the CRAs) after a bulk write that bypasses save() (legacy import), inside
# its transaction; higher apps (statistics rollup) connect to it in their AppConfig.ready().
cra_ecrits_en_masse = Signal()
SEUILS_INACTIVITE = (30, 45)
_EMPLOYING = [
    MiseEnRelationStatut.FINALISEE,
    MiseEnRelationStatut.NOUVELLE_RUPTURE,
    MiseEnRelationStatut.FINALISEE_RUPTURE,
    MiseEnRelationStatut.RENOUVELLEMENT_INITIEE,
    MiseEnRelationStatut.TERMINEE,
]


class DoublonPossible(DomainError):
    """A CRA identical to one filed less than 10 minutes ago: the user must confirm."""

    def __init__(self, existing: Cra):
        super().__init__(
            "Un CRA identique (même date, type, durée, thématiques et lieu) a été saisi il y a "
            "moins de 10 minutes. Confirmez pour l'enregistrer quand même.",
            code="doublon",
        )
        self.existing = existing


_CONSEILLER_DU_COMPTE = RequeteCompilee(
    lambda user_id: Conseiller.objects.filter(user_id=user_id).order_by().values_list("pk")[:1],
    user_id=-7_350_201,
)


def conseiller_of(user) -> Conseiller | None:
    """The user's advisor record, its id loaded (the other fields load on access): the CRA
    pages only filter on it. Compiled once (conumapp.sql): it runs at every filing."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = _CONSEILLER_DU_COMPTE.ligne(user_id=user.pk)
    return Conseiller.from_db(DEFAULT_DB_ALIAS, ["id", "user_id"], (row[0], user.pk)) if row else None


def debut_contrat(conseiller: Conseiller) -> date | None:
    return MiseEnRelation.objects.filter(conseiller=conseiller, statut__in=_EMPLOYING).aggregate(
        d=Min("date_debut")
    )["d"]


def en_poste(conseiller: Conseiller, day: date | None = None) -> bool:
    return structure_employant(conseiller.pk, day or timezone.localdate()) is not None


def _apply_scope(cra: Cra) -> None:
    """Denormalise the employer on the CRA's date and its territory codes (one query)."""
    employeur = employeur_a(
        cra.conseiller_id, cra.date, "structure_id", "structure__departement_id", "structure__region_id"
    )
    if employeur is None:
        _check_contract_start(cra)  # the more precise message when the date precedes every contract
        raise DomainError(
            "Vous n'étiez pas en poste à cette date : un CRA ne peut être saisi que pendant un contrat.",
            code="hors_contrat",
        )
    cra.structure_id, departement_code, region_code = employeur
    cra.departement_code = departement_code or ""
    cra.region_code = region_code or ""


def _check_contract_start(cra: Cra) -> None:
    start = debut_contrat(cra.conseiller)
    if start and cra.date and cra.date < start:
        raise DomainError(
            f"La date ne peut pas être antérieure au début de votre contrat ({start:%d/%m/%Y}).",
            code="avant_contrat",
        )


def _validate(cra: Cra) -> None:
    try:
        # Constraints are the database's job: Cra.clean() already words the duration bounds in
        # French, and a filed CRA has no import source (the unique key on it does not apply).
        cra.full_clean(exclude=["conseiller", "structure"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="invalide") from error


# What makes two CRAs of an advisor the same CRA (the duplicate message names them), with the
# sentinel each takes in the compiled duplicate check below.
DOUBLON_CHAMPS = {
    "date": date(1901, 2, 4), "type": "§type§", "duree": 31_999, "thematiques": -7_350_103,
    "type_lieu": "§lieu§", "commune_code": "§commune§",
}  # fmt: skip


def doublons_recents(cra: Cra, *, since):
    """The advisor's CRAs identical to ``cra`` (``DOUBLON_CHAMPS``) filed since ``since``,
    ``cra`` itself excepted."""
    queryset = Cra.objects.actifs().filter(
        conseiller_id=cra.conseiller_id,
        created_at__gte=since,
        **{name: getattr(cra, name) for name in DOUBLON_CHAMPS},
    )
    return queryset.exclude(pk=cra.pk) if cra.pk else queryset


# The filing's lock and duplicate check, compiled once per process (conumapp.sql): they run at
# every filing. Two statements, not one: under READ COMMITTED a statement sees the rows
# committed before it started, so the duplicate check must start once the lock is held (a
# check inside the locking statement missed the CRA of a concurrent double submit).
_VERROU = RequeteCompilee(
    lambda conseiller_id: (
        Conseiller.objects.select_for_update().filter(pk=conseiller_id).order_by().values_list("pk")
    ),
    conseiller_id=-7_350_101,
)
_DOUBLON = RequeteCompilee(
    lambda conseiller_id, since, **champs: (
        doublons_recents(Cra(conseiller_id=conseiller_id, **champs), since=since)
        .order_by()
        .values_list("pk")[:1]
    ),
    conseiller_id=-7_350_101,
    since=datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC),
    **DOUBLON_CHAMPS,
)


def cra_creer(*, conseiller: Conseiller, by, cra: Cra, confirmer_doublon: bool = False) -> Cra:
    """File ``cra`` (an unsaved instance built by the form) for ``conseiller``."""
    if conseiller.user_id != by.pk:
        raise DomainError("Vous ne pouvez saisir des CRA que pour vous-même.", code="acteur")
    cra.conseiller = conseiller
    _validate(cra)
    _apply_scope(cra)
    with transaction.atomic():
        # Serialise the advisor's filings so two quick submits cannot both pass the duplicate check.
        _VERROU.lignes(conseiller_id=conseiller.pk)
        if not confirmer_doublon and (
            doublon := _DOUBLON.ligne(
                conseiller_id=conseiller.pk,
                since=timezone.now() - timedelta(minutes=DOUBLON_MINUTES),
                **{name: getattr(cra, name) for name in DOUBLON_CHAMPS},
            )
        ):
            raise DoublonPossible(Cra.objects.get(pk=doublon[0]))
        # No history row at filing: the first change writes it (cra/historique.py).
        cra.skip_history_when_saving = True
        try:
            cra.save()
        finally:
            del cra.skip_history_when_saving
    return cra


def cra_modifier(*, cra: Cra, by) -> Cra:
    """Save the edited ``cra`` (own, not deleted, within the edit window)."""
    if cra.conseiller.user_id != by.pk:
        raise DomainError("Vous ne pouvez modifier que vos propres CRA.", code="acteur")
    with transaction.atomic():
        current = Cra.objects.select_for_update().get(pk=cra.pk)
        if current.deleted_at is not None:
            raise DomainError("Ce CRA a été supprimé : restaurez-le avant de le modifier.", code="supprime")
        if not current.is_editable():
            raise DomainError(
                f"Ce CRA ne peut plus être modifié : la modification est possible pendant "
                f"{settings.CRA_EDIT_WINDOW_DAYS} jours après sa saisie.",
                code="fenetre",
            )
        _validate(cra)
        _apply_scope(cra)
        cra.save()
    return cra


def cra_supprimer(*, cra: Cra, by) -> Cra:
    if cra.conseiller.user_id != by.pk:
        raise DomainError("Vous ne pouvez supprimer que vos propres CRA.", code="acteur")
    with transaction.atomic():
        current = Cra.objects.select_for_update().get(pk=cra.pk)
        if current.deleted_at is not None:
            raise DomainError("Ce CRA est déjà supprimé.", code="supprime")
        if not current.is_editable():
            raise DomainError(
                "Ce CRA ne peut plus être supprimé : le délai de modification est dépassé.", code="fenetre"
            )
        current.deleted_at = timezone.now()
        current.save(update_fields=["deleted_at", "updated_at"])
    return current


def cra_restaurer(*, cra: Cra, by) -> Cra:
    if cra.conseiller.user_id != by.pk:
        raise DomainError("Vous ne pouvez restaurer que vos propres CRA.", code="acteur")
    with transaction.atomic():
        current = Cra.objects.select_for_update().get(pk=cra.pk)
        if current.deleted_at is None:
            raise DomainError("Ce CRA n'est pas supprimé.", code="actif")
        if not current.is_restorable():
            raise DomainError("Ce CRA a été supprimé il y a plus de 30 jours : il ne peut plus être restauré.",
                              code="trop_tard")  # fmt: skip
        current.deleted_at = None
        current.save(update_fields=["deleted_at", "updated_at"])
    return current


# --- Inactivity -----------------------------------------------------------------------------


def _structure_emails(structure_id: int) -> list[str]:
    return list(Membre.objects.filter(structure_id=structure_id).values_list("user__email", flat=True))


def detecter_inactivite(*, today: date | None = None) -> list[AlerteInactivite]:
    """Flag advisors in post today without a CRA for 30 and for 45 days, once per threshold
    and inactivity episode; not during declared leave; not before their training exit date."""
    today = today or timezone.localdate()
    contracts = (
        MiseEnRelation.objects.employant_a(today)
        .filter(statut__in=MiseEnRelationStatut.en_poste())
        .select_related("conseiller__user", "structure")
    )
    on_leave = set(Conge.objects.couvrant(today).values_list("conseiller_id", flat=True))
    last = dict(
        Cra.objects.actifs()
        .filter(conseiller_id__in=[c.conseiller_id for c in contracts])
        .values("conseiller_id")
        .annotate(d=Max("date"))
        .values_list("conseiller_id", "d")
    )
    created = []
    for contract in contracts:
        conseiller = contract.conseiller
        if conseiller.pk in on_leave:
            continue
        depuis = max(
            d for d in (last.get(conseiller.pk), contract.date_debut, _sortie_formation(conseiller)) if d
        )
        silent_days = (today - depuis).days
        for seuil in SEUILS_INACTIVITE:
            if silent_days < seuil:
                continue
            alerte, was_created = AlerteInactivite.objects.get_or_create(
                conseiller=conseiller, seuil=seuil, depuis=depuis, defaults={"structure": contract.structure}
            )
            if not was_created:
                continue
            created.append(alerte)
            context = {
                "conseiller": conseiller,
                "structure": contract.structure,
                "seuil": seuil,
                "depuis": depuis,
            }
            notify(
                to=[conseiller.user.email],
                template="cra/emails/inactivite_conseiller",
                context=context,
                key=f"cra-inactivite:{conseiller.pk}:{seuil}:{depuis.isoformat()}:conseiller",
            )
            notify(
                to=_structure_emails(contract.structure_id),
                template="cra/emails/inactivite_structure",
                context=context,
                key=f"cra-inactivite:{conseiller.pk}:{seuil}:{depuis.isoformat()}:structure",
            )
    return created


def _sortie_formation(conseiller) -> date | None:
    """Training exit date, when the formation app records it (read by attribute, never imported)."""
    value = getattr(conseiller, "date_sortie_formation", None)
    return value if isinstance(value, date) else None
