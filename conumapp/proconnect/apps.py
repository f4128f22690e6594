from django.apps import AppConfig


class ProConnectConfig(AppConfig):
    name = "conumapp.proconnect"
    label = "proconnect"
    verbose_name = "ProConnect"
