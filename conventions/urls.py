from django.urls import path

from . import views

app_name = "conventions"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/pieces/", views.piece_deposer, name="piece_deposer"),
    path("<int:pk>/reconventionnement/", views.reconventionnement, name="reconventionnement"),
    path("<int:pk>/non-interesse/", views.non_interesse, name="non_interesse"),
    path("pieces/<int:pk>/", views.piece_telecharger, name="piece"),
]
