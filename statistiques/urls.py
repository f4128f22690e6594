from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views, views_export, views_pilotage

app_name = "statistiques"

urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("publiques/", views.publiques, name="publiques"),
    re_path(r"^export\.(?P<format>csv|xlsx|pdf)$", views.export, name="export"),
    # STATS-EXPORT: steering per territory, row export of CRAs (streamed, or a background task)
    path("pilotage/", views_pilotage.pilotage_view, name="pilotage"),
    path("cras/export/", views_export.export, name="export_cras"),
    path("cras/export/<int:pk>/", views_export.statut, name="export_cras_statut"),
    path("cras/export/<int:pk>/telecharger/", views_export.telecharger, name="export_cras_telecharger"),
    # OPEN-DATA: the public page lives at /donnees-ouvertes/ (namespace donnees_ouvertes,
    # statistiques/urls_opendata.py); this name keeps the contract's URL name working.
    path(
        "donnees-ouvertes/",
        login_not_required(RedirectView.as_view(pattern_name="donnees_ouvertes:index")),
        name="donnees_ouvertes",
    ),
]
