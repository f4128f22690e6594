"""Core-app URLs other than home and admin (territory search, private files...)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import path

from . import views, views_territories


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (PDF, JSON…): the DSFR's."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))


app_name = "core"

urlpatterns = [
    path("communes/", views_territories.communes, name="communes"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    # Browsers ask for /favicon.ico on pages that name none (the Django admin's): the DSFR's.
    path("favicon.ico", favicon, name="favicon"),
]
