"""CRA pages: filing (mobile first), history, structure and coordinator views, La Coop export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from conseillers.models import Conge, Conseiller, Coordination, MiseEnRelation
from conumapp import permissions
from conumapp.services import DomainError
from structures.models import Structure

from . import lacoop, services
from .forms import CraForm, HistoriqueFiltreForm, initial_from
from .models import Cra

PAGE_SIZE = 20
BROUILLON_KEY = "cra_brouillon"


def _conseiller_or_404(user) -> Conseiller:
    conseiller = services.conseiller_of(user)
    if conseiller is None:
        raise Http404("Réservé aux conseillers numériques.")
    return conseiller


def _default_initial(conseiller) -> dict:
    """Defaults for the common case: individual, today, 30 min, usual place and commune."""
    initial = {"type": "individuel", "duree": "30", "type_lieu": "lieu_activite", "public_defaut": True}
    last = (
        Cra.objects.actifs()
        .filter(conseiller=conseiller)
        .only("type_lieu", "commune_code", "code_postal")
        .first()
    )
    if last:
        initial.update(type_lieu=last.type_lieu, commune_code=last.commune_code, lieu=last.code_postal)
    else:
        contract = MiseEnRelation.objects.filter(conseiller=conseiller).employant_a(timezone.localdate()).select_related("structure").first()  # fmt: skip
        if contract:
            initial.update(
                commune_code=contract.structure.commune_id or "", lieu=contract.structure.code_postal
            )
    return initial


def _save_form(request, form, conseiller, cra):
    """Run the service; returns the saved CRA, or None with the error put on the form."""
    form.fill(cra)
    try:
        if cra.pk:
            return services.cra_modifier(cra=cra, by=request.user)
        return services.cra_creer(
            conseiller=conseiller, by=request.user, cra=cra,
            confirmer_doublon=form.cleaned_data.get("confirmer_doublon", False),
        )  # fmt: skip
    except services.DoublonPossible as error:
        form.doublon = error.existing
        form.add_error(None, error.message)
    except DomainError as error:
        form.add_error(None, error.message)
    return None


@login_not_required
def saisir(request):
    if not request.user.is_authenticated:
        # Session expired while typing: keep the typed form, come back to it after login.
        if request.method == "POST":
            draft = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
            request.session[BROUILLON_KEY] = draft
            return redirect_to_login(reverse("cra:saisir") + "?reprise=1")
        return redirect_to_login(request.get_full_path())
    conseiller = _conseiller_or_404(request.user)
    form = None
    if request.method == "POST":
        form = CraForm(request.POST)
        if form.is_valid() and (cra := _save_form(request, form, conseiller, Cra())):
            # No flash message: the confirmation page's heading already says "CRA enregistré".
            return redirect("cra:confirmation", pk=cra.pk)
    elif request.GET.get("reprise") and (draft := request.session.pop(BROUILLON_KEY, None)):
        data = QueryDict(mutable=True)
        for key, values in draft.items():
            data.setlist(key, values)
        form = CraForm(data)
        form.is_valid()
        messages.info(request, "Votre saisie a été conservée : vérifiez-la puis enregistrez.")
    elif source_pk := request.GET.get("dupliquer"):
        source = get_object_or_404(Cra.objects.filter(conseiller=conseiller), pk=source_pk)
        form = CraForm(initial=initial_from(source, duplicate=True))
    if form is None:
        form = CraForm(initial=_default_initial(conseiller))
    return render(
        request, "cra/saisir.html", {"form": form, "cra": None, "doublon": getattr(form, "doublon", None)}
    )


def confirmation(request, pk):
    cra = get_object_or_404(Cra.objects.filter(conseiller__user=request.user), pk=pk)
    return render(request, "cra/confirmation.html", {"cra": cra})


def modifier(request, pk):
    conseiller = _conseiller_or_404(request.user)
    cra = get_object_or_404(Cra.objects.filter(conseiller=conseiller).actifs(), pk=pk)
    if not cra.is_editable():
        messages.warning(request, "Ce CRA n'est plus modifiable : le délai de modification est dépassé.")
        return redirect("cra:historique")
    if request.method == "POST":
        form = CraForm(request.POST)
        if form.is_valid() and _save_form(request, form, conseiller, cra):
            messages.success(request, "CRA modifié.")
            return redirect("cra:historique")
    else:
        form = CraForm(initial=initial_from(cra))
    return render(request, "cra/saisir.html", {"form": form, "cra": cra, "doublon": None})


def supprimer(request, pk):
    conseiller = _conseiller_or_404(request.user)
    cra = get_object_or_404(Cra.objects.filter(conseiller=conseiller).actifs(), pk=pk)
    if request.method == "POST":
        try:
            services.cra_supprimer(cra=cra, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "CRA supprimé. Vous pouvez le restaurer pendant 30 jours.")
        return redirect("cra:historique")
    return render(request, "cra/supprimer.html", {"cra": cra})


@require_POST
def restaurer(request, pk):
    conseiller = _conseiller_or_404(request.user)
    cra = get_object_or_404(Cra.objects.filter(conseiller=conseiller).supprimes(), pk=pk)
    try:
        services.cra_restaurer(cra=cra, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "CRA restauré.")
    return redirect("cra:historique")


def _totals(queryset) -> dict:
    totals = queryset.aggregate(cras=Count("id"), participants=Sum("participants"), minutes=Sum("duree"))
    return {
        "cras": totals["cras"] or 0,
        "participants": totals["participants"] or 0,
        "heures": round((totals["minutes"] or 0) / 60, 1),
    }


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def historique(request):
    conseiller = _conseiller_or_404(request.user)
    filtre = HistoriqueFiltreForm(request.GET or None)
    queryset = filtre.filter(Cra.objects.filter(conseiller=conseiller).actifs())
    supprimes = list(
        Cra.objects.filter(conseiller=conseiller).supprimes().restaurables().order_by("-deleted_at")[:20]
    )
    return render(request, "cra/historique.html", {
        "filtre": filtre, "page": _page(request, queryset), "totaux": _totals(queryset),
        "supprimes": supprimes, "querystring": _querystring(request),
    })  # fmt: skip


def _indicateurs(conseiller_ids, cras) -> list[dict]:
    today = timezone.localdate()
    last = dict(cras.values("conseiller_id").annotate(d=Max("date")).values_list("conseiller_id", "d"))
    on_leave = set(
        Conge.objects.couvrant(today)
        .filter(conseiller_id__in=conseiller_ids)
        .values_list("conseiller_id", flat=True)
    )
    rows = []
    for conseiller in Conseiller.objects.filter(pk__in=conseiller_ids).order_by("nom", "prenom"):
        dernier = last.get(conseiller.pk)
        rows.append({
            "conseiller": conseiller, "dernier": dernier, "conge": conseiller.pk in on_leave,
            "jours": (today - dernier).days if dernier else None,
        })  # fmt: skip
    return rows


def structure(request, pk):
    user = request.user
    scope = (
        Structure.objects.all()
        if permissions.is_operateur(user)
        else Structure.objects.filter(membres__user=user)
    )
    structure = get_object_or_404(scope, pk=pk)
    cras = Cra.objects.visible_to(user).actifs().filter(structure=structure)
    filtre = HistoriqueFiltreForm(request.GET or None)
    queryset = filtre.filter(cras).select_related("conseiller")
    conseiller_ids = list(
        MiseEnRelation.objects.filter(structure=structure).employant_a(timezone.localdate()).values_list("conseiller_id", flat=True)
    )  # fmt: skip
    return render(request, "cra/structure.html", {
        "structure": structure, "filtre": filtre, "page": _page(request, queryset), "totaux": _totals(queryset),
        "indicateurs": _indicateurs(conseiller_ids, cras), "querystring": _querystring(request),
    })  # fmt: skip


def coordination(request):
    ids = list(Coordination.objects.filter(coordinateur=request.user).values_list("conseiller_id", flat=True))
    if not ids:
        raise Http404("Aucun conseiller coordonné.")
    cras = Cra.objects.visible_to(request.user).actifs().filter(conseiller_id__in=ids)
    filtre = HistoriqueFiltreForm(request.GET or None)
    queryset = filtre.filter(cras).select_related("conseiller", "structure")
    return render(request, "cra/coordination.html", {
        "filtre": filtre, "page": _page(request, queryset), "totaux": _totals(queryset),
        "indicateurs": _indicateurs(ids, cras), "querystring": _querystring(request),
    })  # fmt: skip


EXPORT_PAGE = 500


def export_activites(request):
    """CRAs in scope, La Coop API-shaped (JSON:API), cursor-paginated by id."""
    queryset = Cra.objects.visible_to(request.user).order_by("id")
    try:
        cursor = int(request.GET.get("cursor", 0))
        size = max(1, min(EXPORT_PAGE, int(request.GET.get("page_size", EXPORT_PAGE))))
    except ValueError:
        return JsonResponse({"errors": [{"status": "400", "title": "Paramètre invalide"}]}, status=400)
    rows = list(queryset.filter(id__gt=cursor)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    links = {"self": request.build_absolute_uri()}
    if more:
        links["next"] = request.build_absolute_uri(
            f"{reverse('cra:export')}?cursor={rows[-1].pk}&page_size={size}"
        )
    return JsonResponse({"data": [lacoop.resource(cra) for cra in rows], "links": links, "meta": {"page_size": size}},
                        json_dumps_params={"ensure_ascii": False})  # fmt: skip
