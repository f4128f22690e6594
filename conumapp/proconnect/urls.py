from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import ProConnectProvider

# /accounts/proconnect/login/ and /accounts/proconnect/login/callback/ (the redirect URI
# to declare on ProConnect's partner portal).
urlpatterns = default_urlpatterns(ProConnectProvider)
