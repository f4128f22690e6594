"""Core-app URLs other than home and admin (territory search, private files...)."""

from django.urls import path

from . import views_territories

app_name = "core"

urlpatterns = [
    path("communes/", views_territories.communes, name="communes"),
]
