from django.urls import path

from . import views

app_name = "formation"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("conseillers/<int:pk>/", views.conseiller_detail, name="conseiller"),
    path("conseillers/<int:pk>/sessions/", views.sessions, name="sessions"),
    path("conseillers/<int:pk>/sessions/<int:session_pk>/inscription/", views.inscrire, name="inscrire"),
    path("inscriptions/<int:pk>/absence/", views.justifier_absence, name="justifier_absence"),
]
