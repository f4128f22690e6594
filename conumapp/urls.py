from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

handler403 = "conumapp.views.error_403"
handler404 = "conumapp.views.error_404"
handler500 = "conumapp.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("mon-espace/", views.espace, name="espace"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("conumapp.urls_core")),
    path("structures/", include("structures.urls")),
    path("conventions/", include("conventions.urls")),
    path("conseillers/", include("conseillers.urls")),
    path("formation/", include("formation.urls")),
    path("cra/", include("cra.urls")),
    path("statistiques/", include("statistiques.urls")),
    path("donnees-ouvertes/", include("statistiques.urls_opendata")),
]

if settings.DEBUG:
    urlpatterns += [
        path("404/", views.error_404, {"exception": None}),
        path("500/", views.error_500),
    ]
