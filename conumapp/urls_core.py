"""Core-app URLs other than home and admin (territory search, private files...)."""

app_name = "core"

urlpatterns = []
