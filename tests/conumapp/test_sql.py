"""conumapp.sql.RequeteCompilee: the compiled query answers what its queryset answers.

Run on SQLite locally and on PostgreSQL (server-side binding, prepared statements) in CI: the
sentinels must be found in both backends' parameters (dates and datetimes adapted, psycopg's
sized integers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import Conseiller, MiseEnRelation, employeur_a
from conumapp.models import Commune
from conumapp.sql import RequeteCompilee
from conumapp.territories import commune_par_code
from cra import services
from cra.models import Cra
from tests.cra.factories import CraFactory, StructureFactory, commune, conseiller, recruter

pytestmark = pytest.mark.django_db

FIELDS = ("structure_id", "structure__departement_id", "structure__region_id")
START = date(2024, 1, 1)
ACTIVE = {
    MiseEnRelationStatut.RECRUTEE,
    MiseEnRelationStatut.FINALISEE,
    MiseEnRelationStatut.NOUVELLE_RUPTURE,
}
days = st.integers(min_value=0, max_value=400).map(lambda n: START + timedelta(days=n))
contracts = st.lists(
    st.tuples(
        days,
        st.one_of(st.none(), st.integers(min_value=0, max_value=200)),  # end, days after start
        st.one_of(st.none(), st.integers(min_value=0, max_value=200)),  # rupture, days after start
        st.sampled_from(list(MiseEnRelationStatut)),
        st.integers(min_value=0, max_value=4),  # which structure (one contract per structure)
    ),
    max_size=5,
    unique_by=lambda spec: spec[4],
).filter(lambda specs: sum(spec[3] in ACTIVE for spec in specs) <= 1)  # mer_un_recrutement_actif


def _orm(conseiller_id, day, *fields):
    """employeur_a as it was written before its compilation: the ORM answers every call."""
    contrats = (
        MiseEnRelation.objects.filter(conseiller_id=conseiller_id)
        .employant_a(day)
        .order_by("-date_debut", "-pk")
    )
    return contrats.values_list(*(fields or ("structure_id",)), flat=not fields).first()


@pytest.fixture
def world():
    return {"conseiller": conseiller(), "structures": [StructureFactory() for _ in range(5)]}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=contracts, probes=st.lists(days, min_size=1, max_size=6))
def test_employer_on_a_date_equals_the_orm_on_random_contracts(world, specs, probes):
    advisor = world["conseiller"]
    with transaction.atomic():
        MiseEnRelation.objects.filter(conseiller=advisor).delete()
        for debut, fin, rupture, statut, which in specs:
            contract = recruter(advisor, world["structures"][which], debut=debut, statut=statut)
            contract.date_fin = debut + timedelta(days=fin) if fin is not None else None
            contract.date_rupture = debut + timedelta(days=rupture) if rupture is not None else None
            contract.save(update_fields=["date_fin", "date_rupture"])
        for day in probes:
            assert employeur_a(advisor.pk, day) == _orm(advisor.pk, day)
            assert employeur_a(advisor.pk, day, *FIELDS) == _orm(advisor.pk, day, *FIELDS)
        transaction.set_rollback(True)


def test_dates_datetimes_and_texts_reach_the_database_as_the_orm_sends_them():
    advisor = conseiller()
    structure = StructureFactory()
    recruter(advisor, structure, debut=date(2024, 1, 1))
    cra = CraFactory(conseiller=advisor, structure=structure, date=date(2024, 3, 5), commune_code="69123")
    query = RequeteCompilee(
        lambda since, day, code: Cra.objects.filter(created_at__gte=since, date=day, commune_code=code)
        .order_by()
        .values_list("pk"),
        since=datetime(1901, 1, 1, tzinfo=UTC), day=date(1901, 1, 2), code="§code§",
    )  # fmt: skip
    found = {"since": cra.created_at - timedelta(seconds=1), "day": date(2024, 3, 5), "code": "69123"}
    assert query.lignes(**found) == [(cra.pk,)]
    assert query.lignes(**{**found, "since": cra.created_at + timedelta(seconds=1)}) == []
    assert query.lignes(**{**found, "day": date(2024, 3, 6)}) == []
    assert query.ligne(**{**found, "code": "75056"}) is None


def test_a_sentinel_the_query_does_not_use_is_refused():
    query = RequeteCompilee(lambda a, b: Conseiller.objects.filter(pk=a).values_list("pk"), a=-1, b=-2)
    with pytest.raises(ImproperlyConfigured, match="absente"):
        query.lignes(a=1, b=2)


def test_an_out_of_range_sentinel_is_refused_not_silently_empty():
    # Django folds a lookup on a value outside the column's range into "no row" at compile time:
    # such a sentinel never reaches the parameters, and the compiled query would answer nothing.
    query = RequeteCompilee(lambda d: Cra.objects.filter(duree=d).values_list("pk"), d=-70_000)
    with pytest.raises(ImproperlyConfigured, match="absente"):
        query.lignes(d=30)


def test_values_must_name_every_sentinel_and_types_are_checked():
    query = RequeteCompilee(lambda a: Conseiller.objects.filter(pk=a).values_list("pk"), a=-1)
    with pytest.raises(TypeError):
        query.lignes()
    with pytest.raises(TypeError):
        query.lignes(a=1, b=2)
    with pytest.raises(ImproperlyConfigured, match="type"):
        RequeteCompilee(lambda a: Conseiller.objects.filter(pk=a), a=1.5)


def test_commune_by_code():
    lyon = commune()
    found = commune_par_code("69123")
    assert (found.code_insee, found.nom, found.codes_postaux) == (
        lyon.code_insee,
        lyon.nom,
        lyon.codes_postaux,
    )
    assert found.departement_id == lyon.departement_id  # the other fields load on access
    assert commune_par_code("99999") is None
    assert isinstance(found, Commune)


def test_advisor_of_a_user():
    advisor = conseiller()
    found = services.conseiller_of(advisor.user)
    assert (found.pk, found.user_id) == (advisor.pk, advisor.user_id)
    assert found.nom == advisor.nom  # the other fields load on access
    other = conseiller()
    assert services.conseiller_of(other.user).pk == other.pk


def test_no_advisor_for_an_other_user_or_anonymous():
    from django.contrib.auth.models import AnonymousUser

    from tests.cra.factories import UserFactory

    assert services.conseiller_of(UserFactory()) is None
    assert services.conseiller_of(AnonymousUser()) is None


def test_timezone_aware_now_is_accepted():
    query = RequeteCompilee(lambda since: Cra.objects.filter(created_at__gte=since).values_list("pk"),
                            since=datetime(1901, 1, 1, tzinfo=UTC))  # fmt: skip
    assert query.lignes(since=timezone.now()) == []
