"""``/donnees-ouvertes/`` (included from conumapp/urls.py; also reachable as
``statistiques:donnees_ouvertes``, which redirects here)."""

from django.urls import path

from . import views_opendata

app_name = "donnees_ouvertes"

urlpatterns = [
    path("", views_opendata.donnees_ouvertes, name="index"),
    path(
        "statistiques-mensuelles-national.csv",
        views_opendata.statistiques_national,
        name="statistiques_national",
    ),
    path(
        "statistiques-mensuelles-departements.csv",
        views_opendata.statistiques_departements,
        name="statistiques_departements",
    ),
    path("lieux-de-mediation-numerique.csv", views_opendata.lieux, name="lieux"),
]
