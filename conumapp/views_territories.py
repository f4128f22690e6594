"""Commune autocomplete (JSON), used by public forms such as the structure candidature."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .territories import search_communes

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 20


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def communes(request):
    """``/communes/?q=lyon`` → ``{"results": [{"code_insee", "nom", "departement", "codes_postaux"}]}``.

    Public (forms before login use it), cheap (one or two indexed queries, at most 20 rows)
    and cacheable: the referential changes a few times a year.
    """
    query = request.GET.get("q", "").strip()[:100]
    try:
        limit = min(MAX_RESULTS, max(1, int(request.GET.get("limit", MAX_RESULTS))))
    except ValueError:
        limit = MAX_RESULTS
    if len(query) < MIN_QUERY_LENGTH:
        return JsonResponse({"results": []})
    results = [
        {
            "code_insee": commune.code_insee,
            "nom": commune.nom,
            "departement": commune.departement_id,
            "codes_postaux": commune.codes_postaux.split(),
        }
        for commune in search_communes(query, limit=limit)
    ]
    return JsonResponse({"results": results})
