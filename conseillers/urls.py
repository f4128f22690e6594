from django.urls import path

from . import views

app_name = "conseillers"

urlpatterns = [
    path("candidature/", views.candidature, name="candidature"),
    path("profil/", views.profil, name="profil"),
    path("profil/disponibilite/", views.profil_disponibilite, name="profil_disponibilite"),
    path("profil/supprimer/", views.profil_supprimer, name="profil_supprimer"),
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("<int:pk>/cv/", views.cv, name="cv"),
    path("structures/<int:structure_pk>/candidats/", views.candidats, name="candidats"),
    path("structures/<int:structure_pk>/candidats/<int:pk>/", views.candidat, name="candidat"),
    path(
        "structures/<int:structure_pk>/candidats/<int:pk>/preselectionner/",
        views.preselectionner,
        name="preselectionner",
    ),
    path("structures/<int:structure_pk>/candidats/<int:pk>/ecarter/", views.ecarter, name="ecarter"),
    path("recrutements/", views.recrutements, name="recrutements"),
    path("recrutements/<int:pk>/", views.recrutement, name="recrutement"),
    path("recrutements/<int:pk>/contrat/", views.contrat, name="contrat"),
    path("recrutements/<int:pk>/annuler/", views.annuler, name="annuler"),
    path("recrutements/<int:pk>/prolongation/", views.prolongation, name="prolongation"),
    path("recrutements/<int:pk>/rupture/", views.rupture, name="rupture"),
    path("recrutements/<int:pk>/conge/", views.conge, name="conge"),
    path("conges/<int:pk>/justificatif/", views.conge_justificatif, name="conge_justificatif"),
]
