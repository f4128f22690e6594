from django.urls import path

from . import views, views_lieux
from .enums import DemandePosteType

app_name = "structures"

urlpatterns = [
    path("candidature/", views.candidature, name="candidature"),
    path("candidature/envoyee/", views.candidature_merci, name="candidature_merci"),
    path("ma-structure/", views.ma_structure, name="ma_structure"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/demande-postes/", views.demande, {"type": DemandePosteType.AJOUT}, name="demande_ajout"),
    path(
        "<int:pk>/rendre-postes/", views.demande, {"type": DemandePosteType.RETRAIT}, name="demande_retrait"
    ),
    path("<int:pk>/inviter/", views.inviter, name="inviter"),
    path("<int:pk>/membres/<int:membre_pk>/retirer/", views.retirer_membre, name="retirer_membre"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<int:pk>/lieux/", views_lieux.lieux, name="lieux"),
    path("<int:pk>/lieux/ajouter/", views_lieux.lieu_ajouter, name="lieu_ajouter"),
    path("<int:pk>/lieux/<int:lieu_pk>/modifier/", views_lieux.lieu_modifier, name="lieu_modifier"),
    path("<int:pk>/lieux/<int:lieu_pk>/supprimer/", views_lieux.lieu_supprimer, name="lieu_supprimer"),
    path("prefecture/", views.prefecture_liste, name="prefecture_liste"),
    path("prefecture/<int:pk>/", views.prefecture_detail, name="prefecture_detail"),
]
