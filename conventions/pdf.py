"""The convention PDF, rendered with WeasyPrint from templates/conventions/convention_pdf.html."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .enums import TrancheStatut
from .lettres import montant_en_lettres


def _no_network(url, *args, **kwargs):
    raise ValueError(f"Ressource externe refusée dans le PDF : {url}")


def contexte_pdf(convention) -> dict:
    structure = convention.structure
    tranches = list(
        convention.tranches.filter(statut__in=TrancheStatut.engagees()).order_by(
            "date_prevue", "poste_id", "numero"
        )
    )
    annees = [
        {
            "annee": index,
            "montant": montant,
            "montant_en_lettres": montant_en_lettres(montant),
            "total": montant * convention.nombre_postes,
            "total_en_lettres": montant_en_lettres(montant * convention.nombre_postes),
        }
        for index, montant in enumerate(convention.montants_annuels_par_poste(), start=1)
    ]
    total = convention.montant_total
    return {
        "convention": convention,
        "structure": structure,
        "annees": annees,
        "total": total,
        "total_en_lettres": montant_en_lettres(total),
        "par_poste": convention.montant_par_poste(),
        "par_poste_en_lettres": montant_en_lettres(convention.montant_par_poste()),
        "tranches": tranches,
        "genere_le": timezone.localdate(),
    }


def convention_pdf(convention) -> bytes:
    from weasyprint import HTML

    html = render_to_string("conventions/convention_pdf.html", contexte_pdf(convention))
    return HTML(string=html, url_fetcher=_no_network).write_pdf()
