"""Training emails (queued in the outbox; keys make them idempotent)."""

from __future__ import annotations

from conumapp.notifications import notify


def _destinataires(inscription) -> list[str]:
    to = [inscription.conseiller.user.email]
    if inscription.structure_id and inscription.structure.contact_email:
        to.append(inscription.structure.contact_email)
    return to


def inscription_demandee(inscription) -> None:
    notify(
        to=_destinataires(inscription),
        template="formation/emails/inscription_demandee",
        context={"inscription": inscription, "session": inscription.session},
        key=f"formation-inscription-demandee:{inscription.pk}",
    )


def eligibilite_decidee(inscription) -> None:
    notify(
        to=_destinataires(inscription),
        template="formation/emails/eligibilite_decidee",
        context={"inscription": inscription, "session": inscription.session},
        key=f"formation-eligibilite:{inscription.pk}:{inscription.statut}",
    )


def inscription_confirmee(inscription) -> None:
    notify(
        to=_destinataires(inscription),
        template="formation/emails/inscription_confirmee",
        context={"inscription": inscription, "session": inscription.session},
        key=f"formation-confirmee:{inscription.pk}",
    )


def absence_a_justifier(inscription) -> None:
    notify(
        to=_destinataires(inscription),
        template="formation/emails/absence_a_justifier",
        context={"inscription": inscription, "session": inscription.session},
        key=f"formation-absence:{inscription.pk}",
    )


def session_annulee(inscription) -> None:
    notify(
        to=_destinataires(inscription),
        template="formation/emails/session_annulee",
        context={"inscription": inscription, "session": inscription.session},
        key=f"formation-session-annulee:{inscription.session_id}:{inscription.conseiller_id}",
    )


def rappel_module(conseiller, structure, annee: int, mois: int) -> bool:
    to = [conseiller.user.email]
    if structure is not None and structure.contact_email:
        to.append(structure.contact_email)
    return (
        notify(
            to=to,
            template="formation/emails/rappel_module",
            context={"conseiller": conseiller, "annee": annee},
            key=f"formation-rappel-module:{conseiller.pk}:{annee}-{mois:02d}",
        )
        is not None
    )


def rappel_certification(formation, structure, echeance) -> bool:
    to = [formation.conseiller.user.email]
    if structure is not None and structure.contact_email:
        to.append(structure.contact_email)
    return (
        notify(
            to=to,
            template="formation/emails/rappel_certification",
            context={"conseiller": formation.conseiller, "echeance": echeance},
            key=f"formation-rappel-certification:{formation.pk}",
        )
        is not None
    )
