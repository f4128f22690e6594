"""The confirmation page shared by the back-office workflow views and bulk actions."""

from __future__ import annotations

from django.template.response import TemplateResponse


def _confirm(
    request, admin_obj, *, titre, form, bouton, retour, objets=(), ids=(), action="", lignes_calcul=()
):
    context = {
        **admin_obj.admin_site.each_context(request),
        "title": titre,
        "titre": titre,
        "form": form,
        "bouton": bouton,
        "retour": retour,
        "objets": list(objets),
        "ids": list(ids),
        "action": action,
        "lignes_calcul": list(lignes_calcul),
        "opts": admin_obj.model._meta,
    }
    return TemplateResponse(request, "conventions/admin/confirmation.html", context)
