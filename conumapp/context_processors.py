from .navigation import collect


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": collect(request)}


def csp_nonce(request):
    """Create this request's CSP nonce up front (django-csp makes it lazily).

    django-dsfr writes ``{% if nonce %}nonce="…"{% endif %}`` on its script tags, and a nonce
    not yet created reads as false there: the DSFR's scripts would lose it and be blocked.
    """
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}
