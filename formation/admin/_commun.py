"""The confirmation page and the per-registration loop shared by the bulk actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from .. import services


def _confirmer(modeladmin, request, queryset, *, action, titre, bouton, demande_motif=False):
    """Return None when confirmed (POST with ``confirm``), else the confirmation page."""
    if request.POST.get("confirm"):
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": titre,
        "titre": titre,
        "objets": [str(obj) for obj in queryset],
        "ids": [obj.pk for obj in queryset],
        "action": action,
        "bouton": bouton,
        "demande_motif": demande_motif,
        "retour": request.get_full_path(),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "formation/admin/confirmation.html", context)


def _appliquer(modeladmin, request, queryset, func, succes, **kwargs):
    faits = sum(
        bool(modeladmin.run_service(request, func, inscription=obj, acteur=request.user, **kwargs))
        for obj in queryset
    )
    if faits:
        modeladmin.message_user(request, succes.format(n=faits), messages.SUCCESS)


def action_confirmee(nom, *, description, titre, bouton, service, succes, demande_motif=False, **kwargs):
    """A bulk action on registrations: the confirmation page, then ``services.<service>`` on each
    (with ``kwargs``, and the typed ``motif`` when ``demande_motif``), then one success message."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        if page := _confirmer(
            modeladmin, request, queryset, action=nom, titre=titre, bouton=bouton, demande_motif=demande_motif
        ):
            return page
        extra = {"motif": request.POST.get("motif", "")} if demande_motif else {}
        _appliquer(modeladmin, request, queryset, getattr(services, service), succes, **kwargs, **extra)
        return None

    action.__name__ = nom
    return action
