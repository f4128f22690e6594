"""Base class for every back-office ModelAdmin."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from .services import DomainError


class ConumModelAdmin(SimpleHistoryAdmin):
    """save_on_top, relations loaded up front, fields owned by services read-only.

    Subclasses list the fields a service owns in ``service_owned_fields``: they are never
    editable in the admin; the admin's actions call the service instead.
    """

    save_on_top = True
    list_per_page = 50
    show_full_result_count = False
    service_owned_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return tuple(super().get_readonly_fields(request, obj)) + tuple(self.service_owned_fields)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        select = (
            [f for f in self.list_select_related]
            if isinstance(self.list_select_related, list | tuple)
            else []
        )
        return qs.select_related(*select) if select else qs

    def run_service(self, request, func, /, success_message: str | None = None, **kwargs):
        """Call a service; show its French error instead of a 500. Returns True on success."""
        try:
            func(**kwargs)
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return False
        if success_message:
            self.message_user(request, success_message, level=messages.SUCCESS)
        return True


admin.site.site_header = "Conum — back office ANCT / Banque des Territoires"
admin.site.site_title = "Conum — back office"
admin.site.index_title = "Pilotage du dispositif Conseiller numérique"
