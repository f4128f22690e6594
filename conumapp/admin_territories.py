"""Read-only back-office pages for the territory referential (updated by load_territories)."""

from django.contrib import admin

from .admin_base import ConumModelAdmin
from .models import Commune, Departement, Region


class ReadOnlyReferentialAdmin(ConumModelAdmin):
    """The referential comes from conumapp/data/: it is consulted here, never edited."""

    save_on_top = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DepartementInline(admin.TabularInline):
    model = Departement
    fields = ("code", "nom")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyReferentialAdmin):
    list_display = ("code", "nom")
    search_fields = ("code", "nom")
    inlines = [DepartementInline]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyReferentialAdmin):
    list_display = ("code", "nom", "region")
    list_filter = ("region",)
    list_select_related = ["region"]
    search_fields = ("code", "nom")


@admin.register(Commune)
class CommuneAdmin(ReadOnlyReferentialAdmin):
    list_display = ("code_insee", "nom", "departement", "codes_postaux", "population")
    list_filter = ("departement__region", "departement")
    list_select_related = ["departement"]
    search_fields = ("code_insee", "nom_recherche", "codes_postaux")
    fields = (
        "code_insee",
        "nom",
        "departement",
        "codes_postaux",
        "population",
        "latitude",
        "longitude",
    )

    def get_search_results(self, request, queryset, search_term):
        from .territories import normalise

        # Accent-insensitive: the name is searched in its normalised form.
        return super().get_search_results(request, queryset, normalise(search_term) or search_term)
