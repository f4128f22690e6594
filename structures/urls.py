from django.urls import path

from . import views
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
    path("prefecture/", views.prefecture_liste, name="prefecture_liste"),
    path("prefecture/<int:pk>/", views.prefecture_detail, name="prefecture_detail"),
]
