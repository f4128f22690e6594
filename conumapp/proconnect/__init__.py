"""ProConnect: allauth's generic OpenID Connect provider, adapted to what ProConnect requires.

ProConnect (the State's identity federation for public agents) needs a ``nonce`` on the
authorisation request, checked in the ID token, and returns the userinfo as a signed JWT
(``application/jwt``). allauth's generic provider does neither; this package adds both.
It is switched on by the ``PROCONNECT_*`` environment variables (see settings.py).
"""
