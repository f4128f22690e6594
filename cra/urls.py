from django.urls import path

from . import views

app_name = "cra"

urlpatterns = [
    path("saisir/", views.saisir, name="saisir"),
    path("<int:pk>/enregistre/", views.confirmation, name="confirmation"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/supprimer/", views.supprimer, name="supprimer"),
    path("<int:pk>/restaurer/", views.restaurer, name="restaurer"),
    path("mes-cra/", views.historique, name="historique"),
    path("structure/<int:pk>/", views.structure, name="structure"),
    path("coordination/", views.coordination, name="coordination"),
    path("api/activites/", views.export_activites, name="export"),
]
