"""Back office of supporting documents: download, acceptance, refusal with a reason."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..models import PieceJustificative
from ._commun import _confirm
from .forms import _MotifForm


@admin.register(PieceJustificative)
class PieceJustificativeAdmin(ConumModelAdmin):
    list_display = ("type", "structure", "poste", "nom_fichier", "statut", "deposee_le", "lien")
    list_filter = ("statut", "type")
    search_fields = ("structure__nom", "structure__siret", "nom_fichier")
    list_select_related = ("structure", "poste__structure")
    actions = ["accepter", "refuser"]
    exclude = ("fichier",)
    service_owned_fields = (
        "structure", "convention", "poste", "type", "nom_fichier", "valide_du", "valide_au", "statut",
        "motif_refus", "deposee_par", "deposee_le", "verifiee_par", "verifiee_le",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description="fichier")
    def lien(self, obj):
        return format_html('<a href="{}">Télécharger</a>', reverse("conventions:piece", args=[obj.pk]))

    @admin.action(description="Accepter les pièces sélectionnées")
    def accepter(self, request, queryset):
        done = sum(
            bool(self.run_service(request, services.piece_accepter, piece=piece, by=request.user))
            for piece in queryset
        )
        if done:
            self.message_user(request, "Vérification enregistrée.", messages.SUCCESS)

    @admin.action(description="Refuser les pièces sélectionnées (avec un motif)")
    def refuser(self, request, queryset):
        form = _MotifForm(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            for piece in queryset:
                self.run_service(
                    request,
                    services.piece_refuser,
                    piece=piece,
                    by=request.user,
                    motif=form.cleaned_data["motif"],
                )
            self.message_user(request, "Refus enregistré.", messages.SUCCESS)
            return None
        return _confirm(
            request,
            self,
            titre="Refuser des pièces",
            form=form,
            bouton="Confirmer le refus",
            objets=queryset,
            ids=queryset.values_list("pk", flat=True),
            action="refuser",
            retour=reverse("admin:conventions_piecejustificative_changelist"),
        )
