"""The statistics service (issue 8): every figure of DOMAIN.md §7 for a scope and filters.

Pages, exports, the API and open data all call ``calculer`` / ``agreger``, so they agree.
How figures are defined and computed: docs/statistiques.md.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, models
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Concat, Replace, TruncMonth
from django.utils import timezone

from cra.enums import Thematique, bit
from cra.models import Cra

from . import cumuls
from .agregats import COMPTEURS, PRINCIPAUX, expressions, familles
from .filtres import Filtres
from .models import ActiviteJour, CumulJour, CumulMois
from .perimetres import Perimetre
from .resultats import FAMILLES, Ligne, Mois, Statistiques, Tableau  # noqa: F401 - re-exported

SEUIL_SECRET = 5  # public page: a territory cell with fewer advisors is not shown
JOURS_ACTIVITE = 30  # an advisor is active with >= 1 CRA in the last 30 days of the period


# --- filters -----------------------------------------------------------------------------


def _filtres_effectifs(perimetre: Perimetre, filtres: Filtres) -> Filtres:
    if perimetre.public:
        # Nothing below département level on the public page.
        return filtres.remplacer(structure=None, conseiller=None, tag="")
    return filtres


def utilise_cumul(perimetre: Perimetre, filtres: Filtres) -> bool:
    """The daily rollup serves territorial scopes without row-level filters."""
    return perimetre.territorial and not _filtres_effectifs(perimetre, filtres).par_ligne


def filtrer_cras(qs: QuerySet, filtres: Filtres, *, debut: date | None = None) -> QuerySet:
    """Apply the filters to a CRA queryset (period from ``debut`` when given)."""
    qs = qs.filter(date__gte=debut or filtres.debut, date__lte=filtres.fin)
    if filtres.region:
        qs = qs.filter(region_code=filtres.region)
    if filtres.departement:
        qs = qs.filter(departement_code=filtres.departement)
    if filtres.structure:
        qs = qs.filter(structure_id=filtres.structure)
    if filtres.conseiller:
        qs = qs.filter(conseiller_id=filtres.conseiller)
    if filtres.type:
        qs = qs.filter(type=filtres.type)
    if filtres.thematique in Thematique.values:
        qs = qs.alias(_theme=F("thematiques").bitand(bit(filtres.thematique, Thematique))).exclude(_theme=0)
    if filtres.tag:
        # Tags are stored comma-separated ("a, b" or "a,b"); match one whole tag, case-insensitively.
        qs = qs.alias(
            _tags=Concat(Value(","), Replace(F("tags"), Value(", "), Value(",")), Value(","))
        ).filter(_tags__icontains=f",{filtres.tag},")
    return qs


def _territoire(qs: QuerySet, filtres: Filtres) -> QuerySet:
    if filtres.region:
        qs = qs.filter(region_code=filtres.region)
    if filtres.departement:
        qs = qs.filter(departement_code=filtres.departement)
    if filtres.type:
        qs = qs.filter(type=filtres.type)
    return qs


def _cumuls(perimetre: Perimetre, filtres: Filtres, jours: Q | None = None) -> QuerySet:
    jours = Q(jour__gte=filtres.debut, jour__lte=filtres.fin) if jours is None else jours
    return _territoire(CumulJour.objects.filter(perimetre.condition_cras()).filter(jours), filtres)


def _mois_entiers(debut: date, fin: date) -> tuple[date, date]:
    """First and last whole months inside [debut, fin] (first > last when there is none)."""
    premier = debut if debut.day == 1 else _mois_suivant(debut)
    dernier = (
        _mois_de(fin) if _mois_suivant(fin) - timedelta(days=1) == fin else _mois_de(fin) - timedelta(days=1)
    )
    return premier, _mois_de(dernier)


def _somme(name: str):
    return Coalesce(Sum(name), Value(0), output_field=IntegerField())


def _cras(perimetre: Perimetre, filtres: Filtres) -> QuerySet:
    return filtrer_cras(perimetre.cras(), filtres)


# --- computation -------------------------------------------------------------------------


def _mois_de(d: date) -> date:
    return d.replace(day=1)


def _mois_suivant(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _part(valeur: int, total: int) -> float:
    return round(100 * valeur / total, 1) if total else 0.0


def _lignes(valeurs: dict, definitions, total: int | None) -> list[Ligne]:
    items = [(code, label, int(valeurs.get(name) or 0)) for code, label, name in definitions]
    denominateur = sum(v for _c, _l, v in items) if total is None else total
    return [Ligne(code, label, v, _part(v, denominateur)) for code, label, v in items]


def _courbe(par_mois: dict, debut: date, fin: date) -> list[Mois]:
    out, mois = [], _mois_de(debut)
    while mois <= fin:
        valeurs = par_mois.get(mois, {})
        out.append(Mois(mois, valeurs.get("cras", 0), valeurs.get("accompagnements", 0)))
        mois = _mois_suivant(mois)
    return out


def _nb_conseillers(perimetre: Perimetre, filtres: Filtres, debut: date, *, rafraichir: bool = True) -> int:
    """Distinct advisors with >= 1 CRA matching the scope and filters from ``debut`` to the
    period's end: from the advisors' daily activity, or the CRA rows with a theme / tag filter."""
    if filtres.thematique or filtres.tag:
        qs = filtrer_cras(perimetre.cras(), filtres, debut=debut)
    else:
        if rafraichir:
            cumuls.rafraichir()
        qs = _territoire(
            ActiviteJour.objects.filter(perimetre.condition_cras(), jour__gte=debut, jour__lte=filtres.fin),
            filtres,
        )
        if filtres.structure:
            qs = qs.filter(structure_id=filtres.structure)
        if filtres.conseiller:
            qs = qs.filter(conseiller_id=filtres.conseiller)
    # COUNT(*) over SELECT DISTINCT: a hash aggregate, faster than COUNT(DISTINCT …)'s sort.
    return qs.order_by().values("conseiller_id").distinct().count()


def _lignes_par_mois(sql: str, params) -> list[dict]:
    """Run ``SELECT <month>, <every counter in COMPTEURS' order> … GROUP BY 1``: one dict a month."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{"mois": row[0], **dict(zip(COMPTEURS, row[1:], strict=True))} for row in cursor.fetchall()]


def _select_cumul(
    model,
    mois_sql: str,
    mois_params,
    dates: list[tuple[str, str, date]],
    perimetre: Perimetre,
    filtres: Filtres,
):
    """``SELECT <month>, SUM(<counter>)… FROM <rollup> WHERE … GROUP BY 1``, written directly:
    the ORM would spend longer compiling 80 aggregates than PostgreSQL spends summing them.
    ``dates``: (column, operator, value) conditions, OR-ed by pairs (see ``_par_mois_cumul``)."""
    quote = connection.ops.quote_name
    where, params = [], list(mois_params)
    if dates:
        groups = []
        for i in range(0, len(dates), 2):
            (c1, op1, v1), (c2, op2, v2) = dates[i], dates[i + 1]
            groups.append(f"({quote(c1)} {op1} %s AND {quote(c2)} {op2} %s)")
            params += [v1, v2]
        where.append("(" + " OR ".join(groups) + ")")
    for column, values in (
        ("region_code", perimetre.codes if perimetre.niveau == "region" else None),
        ("departement_code", perimetre.codes if perimetre.niveau == "departement" else None),
        ("region_code", [filtres.region] if filtres.region else None),
        ("departement_code", [filtres.departement] if filtres.departement else None),
        ("type", [filtres.type] if filtres.type else None),
    ):
        if values is not None:
            where.append(f"{quote(column)} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0")
            params += list(values)
    sums = ", ".join(f"SUM({quote(name)})" for name in COMPTEURS)
    sql = (
        f"SELECT {mois_sql}, {sums} FROM {quote(model._meta.db_table)} "  # noqa: S608 - metadata only
        f"WHERE {' AND '.join(where) or '1 = 1'} GROUP BY 1"
    )
    return _lignes_par_mois(sql, params)


def _par_mois_cumul(perimetre: Perimetre, filtres: Filtres) -> list[dict]:
    """Every counter per month from the rollup: whole months from ``CumulMois``, the partial
    months at both ends from ``CumulJour`` (two queries)."""
    if not perimetre.territorial:
        raise ValueError("Les cumuls ne servent que les périmètres territoriaux.")
    premier, dernier = _mois_entiers(filtres.debut, filtres.fin)
    if premier <= dernier:
        jours = [("jour", ">=", filtres.debut), ("jour", "<", premier)]
        jours += [("jour", ">=", _mois_suivant(dernier)), ("jour", "<=", filtres.fin)]
    else:
        jours = [("jour", ">=", filtres.debut), ("jour", "<=", filtres.fin)]
    entiers = [("mois", ">=", premier), ("mois", "<=", dernier)]
    mois_jour, mois_params = connection.ops.date_trunc_sql("month", connection.ops.quote_name("jour"), ())
    rows = _select_cumul(CumulMois, connection.ops.quote_name("mois"), (), entiers, perimetre, filtres)
    return rows + _select_cumul(CumulJour, mois_jour, mois_params, jours, perimetre, filtres)


_AGREGATS_SQL: dict[str, tuple[str, list]] = {}
# The CRA columns the counters read, selected by the scope's rows query (``_par_mois_brut``).
_COLONNES_CRA = tuple(f.attname for f in Cra._meta.concrete_fields if not isinstance(f, models.JSONField))


def _agregats_sql() -> tuple[str, list]:
    """The SQL of every counter over CRA rows (``agregats.expressions``), compiled by the ORM
    once per process and database: building 80 aggregates cost the ORM about 15 ms at every
    request, which on a structure's or an advisor's scope was twice what the database took."""
    if (cached := _AGREGATS_SQL.get(connection.alias)) is None:
        query = Cra.objects.all().query
        compiler = query.get_compiler(connection=connection)
        parts, params = [], []
        for expression in expressions().values():
            sql, expression_params = compiler.compile(expression.resolve_expression(query))
            parts.append(sql)
            params += list(expression_params)
        cached = _AGREGATS_SQL[connection.alias] = (", ".join(parts), params)
    return cached


def _par_mois_brut(perimetre: Perimetre, filtres: Filtres) -> list[dict]:
    """Every counter per month from the CRA rows: one scan, one query. The scope's and filters'
    rows come from the ORM (``_cras``: the one definition of what a scope sees), as the
    derived table the compiled counters (``_agregats_sql``) sum month by month."""
    quote = connection.ops.quote_name
    table = quote(Cra._meta.db_table)
    lignes_sql, lignes_params = (
        _cras(perimetre, filtres).order_by().values_list(*_COLONNES_CRA).query.sql_with_params()
    )
    mois_sql, mois_params = connection.ops.date_trunc_sql("month", f"{table}.{quote('date')}", ())
    agregats_sql, agregats_params = _agregats_sql()
    sql = f"SELECT {mois_sql}, {agregats_sql} FROM ({lignes_sql}) {table} GROUP BY 1"  # noqa: S608 - metadata only
    return _lignes_par_mois(sql, [*mois_params, *agregats_params, *lignes_params])


def _date(value) -> date:
    if hasattr(value, "date"):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def calculer(perimetre: Perimetre, filtres: Filtres) -> Statistiques:
    """Every figure for ``perimetre`` and ``filtres``, in a fixed number of queries."""
    filtres = _filtres_effectifs(perimetre, filtres)
    stats = Statistiques(perimetre=perimetre, filtres=filtres)
    if not (filtres.thematique or filtres.tag):
        cumuls.rafraichir()  # the rollup tables are read below: apply pending CRA writes first
    if perimetre.public and (filtres.region or filtres.departement):
        if _nb_conseillers(perimetre, filtres, filtres.debut, rafraichir=False) < SEUIL_SECRET:
            stats.secret = True
            return stats
    if utilise_cumul(perimetre, filtres):
        stats.source = "cumul"
        rows = _par_mois_cumul(perimetre, filtres)
    else:
        rows = _par_mois_brut(perimetre, filtres)
    # Sum of at most a few rows per month (aggregates, not CRA rows).
    valeurs = dict.fromkeys(COMPTEURS, 0)
    par_mois: dict[date, dict] = {}
    for row in rows:
        mois = _mois_de(_date(row["mois"]))
        cible = par_mois.setdefault(mois, {"cras": 0, "accompagnements": 0})
        cible["cras"] += int(row["cras"] or 0)
        cible["accompagnements"] += int(row["accompagnements"] or 0)
        for name in COMPTEURS:
            valeurs[name] += int(row[name] or 0)
    for name in PRINCIPAUX:
        setattr(stats, name, valeurs[name])
    definitions = familles()
    for attribute, _titre, _c, _v, part, _g in FAMILLES:
        total = stats.cras if part == "cras" else None
        setattr(stats, attribute, _lignes(valeurs, definitions[attribute], total))
    stats.mensuel = _courbe(par_mois, filtres.debut, filtres.fin)
    stats.conseillers_actifs = _nb_conseillers(perimetre, filtres, _debut_actifs(filtres), rafraichir=False)
    stats.conseillers_en_poste = conseillers_en_poste(perimetre, filtres)
    return stats


def _debut_actifs(filtres: Filtres) -> date:
    """Active advisors: >= 1 CRA in the last 30 days of the period (within the period)."""
    return max(filtres.debut, filtres.fin - timedelta(days=JOURS_ACTIVITE - 1))


def calculer_avec_conseillers(perimetre: Perimetre, filtres: Filtres) -> Statistiques:
    """``calculer`` plus, for a structure or a coordinator, the per-advisor table: what the
    statistics page and its exports show (two more queries, only on those scopes)."""
    stats = calculer(perimetre, filtres)
    if perimetre.niveau in NIVEAUX_PAR_CONSEILLER and stats.cras:
        stats.par_conseiller = par_conseiller(perimetre, stats.filtres)
    return stats


NIVEAUX_PAR_CONSEILLER = ("structure", "coordinateur")  # a handful of advisors, named for their employer


def par_conseiller(perimetre: Perimetre, filtres: Filtres) -> list[list]:
    """One row per advisor with CRAs in the scope (the scope is the access check: a structure's
    CRAs are its advisors'), by name: [name, CRA, accompagnements, ateliers, heures]."""
    from conseillers.models import Conseiller

    rows = agreger(perimetre, filtres, par=("conseiller",))
    noms = {
        c.pk: str(c).strip()
        for c in Conseiller.objects.filter(pk__in=[r["conseiller"] for r in rows]).only("prenom", "nom")
    }
    lignes = [
        [noms.get(r["conseiller"]) or f"Conseiller n° {r['conseiller']}", r["cras"], r["accompagnements"],
         r["ateliers"], round(r["minutes"] / 60, 1)]
        for r in rows
    ]  # fmt: skip
    return sorted(lignes, key=lambda ligne: ligne[0].casefold())


def conseillers_en_poste(perimetre: Perimetre, filtres: Filtres) -> int:
    """Advisors with a validated contract covering the period's last day (today at most)."""
    jour = min(filtres.fin, timezone.localdate())
    qs = perimetre.contrats_en_poste(jour)
    if filtres.region:
        qs = qs.filter(structure__region_id=filtres.region)
    if filtres.departement:
        qs = qs.filter(structure__departement_id=filtres.departement)
    if filtres.structure:
        qs = qs.filter(structure_id=filtres.structure)
    if filtres.conseiller:
        qs = qs.filter(conseiller_id=filtres.conseiller)
    return qs.aggregate(n=Count("conseiller_id", distinct=True))["n"]


# --- grouped headline figures (open data, steering page) --------------------------------

GROUPES = {
    # par key: (CRA column, daily rollup column or None when only the raw rows have it,
    # monthly rollup column)
    "mois": ("date", "jour", "mois"),
    "region": ("region_code", "region_code", "region_code"),
    "departement": ("departement_code", "departement_code", "departement_code"),
    "type": ("type", "type", "type"),
    "structure": ("structure_id", None, None),
    "conseiller": ("conseiller_id", None, None),
}


def agreger(perimetre: Perimetre, filtres: Filtres, par: tuple[str, ...]) -> list[dict]:
    """Headline figures grouped by ``par`` (e.g. ("mois",), ("mois", "departement")), in ONE
    query (two on the public scope grouped by territory: + the advisors per cell). Each dict:
    the group keys (``mois`` as the 1st of the month) + ``PRINCIPAUX`` + ``secret``.

    On the public scope, structure / advisor groupings are refused and, when grouped by
    territory, a row whose cell counts fewer than 5 advisors has ``secret=True`` and ``None``
    figures (each dict has ``secret``)."""
    par = tuple(par)
    for key in par:
        if key not in GROUPES:
            raise ValueError(f"regroupement inconnu : {key}")
    filtres = _filtres_effectifs(perimetre, filtres)
    if perimetre.public and {"structure", "conseiller"} & set(par):
        raise ValueError("Le périmètre public ne descend pas sous le département.")
    secret_possible = perimetre.public and bool({"region", "departement"} & set(par))
    exprs = expressions()
    cumul = utilise_cumul(perimetre, filtres) and all(GROUPES[k][1] for k in par)
    if cumul:
        cumuls.rafraichir()
        premier, dernier = _mois_entiers(filtres.debut, filtres.fin)
        if (
            premier == filtres.debut
            and premier <= dernier
            and _mois_suivant(dernier) - timedelta(days=1) == filtres.fin
        ):
            # Whole months only: the monthly rollup (30 times fewer rows).
            qs = _territoire(
                CumulMois.objects.filter(perimetre.condition_cras(), mois__gte=premier, mois__lte=dernier),
                filtres,
            )
            column = 2
        else:
            qs = _cumuls(perimetre, filtres)
            column = 1
        aggregates = {name: _somme(name) for name in PRINCIPAUX}
    else:
        qs = _cras(perimetre, filtres).order_by()
        column = 0
        aggregates = {name: exprs[name] for name in PRINCIPAUX}
        if secret_possible:
            aggregates["conseillers"] = Count("conseiller_id", distinct=True)
    names = {key: f"g_{key}" for key in par}

    def grouper(qs, column):
        for key in par:
            source = GROUPES[key][column]
            qs = qs.annotate(**{names[key]: TruncMonth(source) if key == "mois" else F(source)})
        return qs.values(*names.values())

    rows = list(grouper(qs, column).annotate(**aggregates).order_by(*names.values()))
    if secret_possible and cumul:
        # Second (fixed) query: distinct advisors per cell, from the advisors' daily activity.
        activite = _territoire(
            ActiviteJour.objects.filter(
                perimetre.condition_cras(), jour__gte=filtres.debut, jour__lte=filtres.fin
            ),
            filtres,
        ).order_by()
        counts = {
            tuple(r[n] for n in names.values()): r["conseillers"]
            for r in grouper(activite, 1).annotate(conseillers=Count("conseiller_id", distinct=True))
        }
        for row in rows:
            row["conseillers"] = counts.get(tuple(row[n] for n in names.values()), 0)
    out = []
    for row in rows:
        item = {key: row[names[key]] for key in par}
        if "mois" in item:
            mois = item["mois"]
            if hasattr(mois, "date"):
                mois = mois.date()
            elif isinstance(mois, str):
                mois = date.fromisoformat(mois[:10])
            item["mois"] = mois
        secret = secret_possible and (row.get("conseillers") or 0) < SEUIL_SECRET
        for name in PRINCIPAUX:
            item[name] = None if secret else int(row[name] or 0)
        item["secret"] = secret
        out.append(item)
    return out
