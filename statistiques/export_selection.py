"""Who exports which CRA rows: the roles that read rows, and the selection of a request
(scope + the statistics pages' filters) used by the views, the background task and the bench."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from cra.models import Cra

from .export_colonnes import cras_ordonnes
from .filtres import Filtres, FiltresForm
from .navigation import a_acces_aux_cra
from .perimetres import Perimetre, perimetre_par_cle
from .services import filtrer_cras


def a_des_lignes(user) -> bool:
    """Roles that read CRA rows: operators, advisors, structure members, coordinators of advisors
    (the menu's own rule, ``navigation.a_acces_aux_cra``: the entry shows exactly when the page
    answers). Prefectures, hubs and networks read statistics only."""
    return a_acces_aux_cra(user)


@dataclass
class Selection:
    perimetre: Perimetre
    form: FiltresForm
    filtres: Filtres
    cras: QuerySet[Cra]


def selection(user, querydict) -> Selection | None:
    """The CRAs ``user`` exports with these GET parameters (``perimetre`` + filters).

    None when the user has no row access or asks for a scope that is not theirs (403)."""
    if not a_des_lignes(user):
        return None
    perimetre = perimetre_par_cle(user, querydict.get("perimetre"))
    if perimetre is None:
        return None
    data = querydict.copy()
    data.pop("format", None)
    form = FiltresForm(data or None, perimetre=perimetre)
    filtres = form.filtres()
    cras = Cra.objects.visible_to(user).actifs().filter(perimetre.condition_cras())
    # The statistics pages' own filters, so an export holds exactly the rows the page counts.
    return Selection(perimetre, form, filtres, cras_ordonnes(filtrer_cras(cras, filtres)))
