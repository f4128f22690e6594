"""Demo data: conventions in every status, paid and due tranches, a renewal in progress.

Runs after the structures demo (validated structures, the demo structure user's membership).
When fewer validated structures exist, a few Rhône (69) structures are created here. Advisors
come later (conseillers demo), so tranches are made due without occupancy data (full amounts;
the computation line says so).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from conumapp.enums import Role
from conumapp.models import Departement
from structures.enums import PosteEtat, StructureStatut, StructureType
from structures.models import Membre, Poste, Structure

from . import occupancy, services
from .calculs import add_months
from .enums import PieceType, TrancheStatut

DEMO_PDF = b"%PDF-1.4\n% document de demonstration Conum\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _structures(ctx, needed: int) -> list[Structure]:
    found = list(
        Structure.objects.validees()
        .filter(conventions__isnull=True)
        .order_by("departement_id", "pk")[: needed * 3]
    )
    rhone = Departement.objects.get(code="69")
    while len(found) < needed:
        index = len(found) + 1
        structure = Structure.objects.create(
            siret=f"{21690900000000 + index:014d}",
            nom=f"Commune de démonstration {index} (conventions)",
            type=StructureType.COMMUNE if index % 3 else StructureType.PRIVATE,
            statut=StructureStatut.VALIDATION_COSELEC,
            adresse=f"{index} place de la Mairie",
            code_postal="69001",
            departement=rhone,
            region=rhone.region,
            contact_prenom="Dominique",
            contact_nom="Démo",
            contact_email=f"contact-conventions-{index}@demo.conum.fr",
            nombre_postes_accordes=1 + index % 2,
            qpv=index % 4 == 0,
        )
        found.append(structure)
    for structure in found:
        if not structure.postes.exists():
            Poste.objects.bulk_create(
                [
                    Poste(structure=structure, etat=PosteEtat.VACANT)
                    for _ in range(max(structure.nombre_postes_accordes, 1))
                ]
            )
    return found


def _contrats(structure, operateur, deposant):
    for poste in structure.postes.actifs():
        piece = services.piece_deposer(
            structure=structure, by=operateur, type=PieceType.CONTRAT_TRAVAIL,
            fichier=ContentFile(DEMO_PDF, name=f"contrat-poste-{poste.pk}.pdf"), poste_id=poste.pk,
        )  # fmt: skip
        services.piece_accepter(piece=piece, by=operateur)


def _signee(structure, op, signed_on, *, payer: int = 0):
    convention = services.convention_rediger(structure=structure, by=op, date_debut=signed_on)
    services.convention_envoyer(convention=convention, by=op)
    _contrats(structure, op, op)
    services.convention_signer(convention=convention, by=op, date_signature=signed_on)
    for tranche in convention.tranches.filter(statut=TrancheStatut.DUE).order_by("date_prevue")[:payer]:
        services.tranche_verser(
            tranche=tranche,
            by=op,
            date_versement=min(tranche.date_prevue + timedelta(days=20), timezone.localdate()),
        )
    return convention


def _ending_in(structure, today, months_left: int):
    """Signature date such that the phase-1 convention ends in about ``months_left`` months."""
    duree = services.bareme_pour(structure=structure, phase=1).duree_mois
    return add_months(today, months_left - duree)


def seed(ctx) -> None:
    users = ctx.shared.get("users", {})
    op = users.get(Role.OPERATEUR)
    if op is None:
        return
    today = timezone.localdate()
    with occupancy.sans_fournisseur():
        # The demo structure user's own structure first: signed, 2 tranches paid, 1 due, renewal open.
        demo_user = users.get(Role.STRUCTURE)
        own = (
            Structure.objects.validees().filter(membres__user=demo_user, conventions__isnull=True).first()
            if demo_user
            else None
        )
        extra = 6 + 2 * (ctx.scale - 1)
        pool = _structures(ctx, extra + (0 if own else 1))
        if own is None:
            own = pool.pop(0)
            if demo_user:
                Membre.objects.get_or_create(structure=own, user=demo_user)
        pool = [s for s in pool if s.pk != own.pk]
        conventions = [_signee(own, op, _ending_in(own, today, 2), payer=2)]

        # Renewal in progress (RECONVENTIONNEMENT_INITIÉ)
        en_cours = _signee(pool[0], op, _ending_in(pool[0], today, 3), payer=3)
        membre = Membre.objects.filter(structure=pool[0]).select_related("user").first()
        services.reconventionnement_initier(
            convention=en_cours,
            by=membre.user if membre else op,
            ds_numero=f"{ctx.rng.randint(1000000, 9999999)}",
            lignes=[],
        )
        conventions.append(en_cours)
        # Renewal validated: phase-2 convention signed (RECONVENTIONNEMENT_VALIDÉ + CONVENTIONNEMENT_VALIDÉ_PHASE_2)
        ancienne = _signee(pool[1], op, _ending_in(pool[1], today, 1), payer=3)
        reconv = services.reconventionnement_initier(
            convention=ancienne, by=op, ds_numero="4815162", lignes=[]
        )
        nouvelle = services.reconventionnement_valider(reconventionnement=reconv, by=op)
        services.convention_envoyer(convention=nouvelle, by=op)
        services.convention_signer(convention=nouvelle, by=op, date_signature=today - timedelta(days=5))
        conventions += [ancienne, nouvelle]
        # Not interested (NON_INTERESSÉ)
        non = _signee(pool[2], op, _ending_in(pool[2], today, 4), payer=3)
        services.reconventionnement_non_interesse(convention=non, by=op, motif="capacites_financieres")
        conventions.append(non)
        # Drafted and sent (CONVENTIONNEMENT_EN_COURS)
        conventions.append(services.convention_rediger(structure=pool[3], by=op))
        envoyee = services.convention_rediger(structure=pool[4], by=op)
        services.convention_envoyer(convention=envoyee, by=op)
        conventions.append(envoyee)
        # Early termination, plus more signed conventions with the scale
        resiliee = _signee(pool[5], op, add_months(today, -9), payer=1)
        services.convention_terminer(
            convention=resiliee,
            by=op,
            date_fin=today - timedelta(days=10),
            motif="Fermeture de l'espace numérique",
            anticipee=True,
        )
        conventions.append(resiliee)
        for structure in pool[6:]:
            months = ctx.rng.randint(1, 20)
            conventions.append(
                _signee(structure, op, add_months(today, -months), payer=ctx.rng.randint(0, 2))
            )
    ctx.shared["conventions"] = conventions
    ctx.log(f"  conventions : {len(conventions)}")
