"""The CRA model stays non-nominative; bit sets count every theme in one scan; demo data."""

from datetime import date, timedelta

import pytest
from django.db.models import Count, Q, Sum

from conumapp.demo import DemoContext
from cra import demo
from cra.enums import COMPTES, Thematique, bit, bits_of, codes_of
from cra.models import Cra

from .factories import CraFactory, conseiller_en_poste

NOMINATIVE = {"nom", "prenom", "name", "email", "mail", "courriel", "telephone", "tel", "phone", "adresse",
              "address", "naissance", "nir", "beneficiaire", "usager"}  # fmt: skip


def test_no_field_asks_for_a_person_of_the_public():
    for model in (Cra, Cra.history.model):
        for field in model._meta.get_fields():
            tokens = set(field.name.lower().split("_"))
            assert not tokens & NOMINATIVE, f"{model.__name__}.{field.name} looks nominative"


def test_bit_sets_round_trip_and_keep_the_enum_order():
    codes = ["email", "associations", "diagnostic_numerique"]
    assert set(codes_of(bits_of(codes, Thematique), Thematique)) == set(codes)
    assert bit("diagnostic_numerique", Thematique) == 1 and bit("associations", Thematique) == 1 << 29
    assert len(Thematique) <= 63


@pytest.mark.django_db
def test_one_query_counts_every_theme(django_assert_num_queries):
    conseiller = conseiller_en_poste()
    CraFactory(conseiller=conseiller, thematiques=bits_of(["email", "sante"], Thematique))
    CraFactory(conseiller=conseiller, thematiques=bits_of(["email"], Thematique))
    CraFactory(conseiller=conseiller, thematiques=bits_of(["associations"], Thematique))
    aggregates = {m.value: Count("id", filter=~Q(**{"thematiques_bit_" + m.value: 0})) for m in Thematique}
    from django.db.models import F

    queryset = Cra.objects.annotate(**{"thematiques_bit_" + m.value: F("thematiques").bitand(bit(m.value, Thematique))
                                       for m in Thematique})  # fmt: skip
    with django_assert_num_queries(1):
        counts = queryset.aggregate(**aggregates)
    assert (counts["email"], counts["sante"], counts["associations"], counts["logement"]) == (2, 1, 1, 0)


@pytest.mark.django_db
def test_demo_spreads_cras_over_two_years_with_consistent_counts():
    conseiller = conseiller_en_poste(debut=date(2020, 6, 1))
    ctx = DemoContext(scale=1)
    demo.seed(ctx)
    cras = Cra.objects.filter(conseiller=conseiller)
    first, last = cras.order_by("date").first().date, cras.order_by("date").last().date
    assert (last - first).days > 700 and cras.count() > 500
    assert ctx.shared["cras"] == cras.count()
    for cra in cras[:200]:
        for prefix, _enum in COMPTES:
            assert sum(cra.comptes(prefix).values()) == cra.participants
    email = cras.with_theme("email").count()
    justice = cras.with_theme("justice").count()
    assert email > 5 * max(justice, 1)
    demo.seed(DemoContext(scale=1))  # idempotent
    assert Cra.objects.count() == ctx.shared["cras"]
    assert cras.aggregate(s=Sum("participants"))["s"] >= cras.count()
    assert first >= date.today() - timedelta(days=731)
