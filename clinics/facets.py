"""Facet counts for the clinic search: how many clinics each filter option would leave, in one query.

The clinics in reach (the place, state, city and words of the search) are read once, into a
materialized CTE with one row per clinic: whether it meets each filter group in use, and what it
offers - the ids of its conditions and languages, of the treatments and carriers of its offers that
meet the other offer filters, and its lowest price per session. Ids, not slugs, so that no row
joins the reference tables. One aggregate over those rows then counts every
option of every group: an option's count is the number of clinics that meet every other group's
filter and have that option. It is the number of results the option gives; a test checks each.
The same aggregate counts the search's own results, so the results page need not count them.
"""

from functools import reduce
from operator import and_

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, Min, OuterRef, Q, QuerySet, Subquery, Value

from clinics.models import MONITORED_BY_PHYSICIAN_OR_CRNA, Clinic, ClinicTreatment

# The columns behind the yes/no and payment filters, named once; clinics/filters.py builds on them.
FLAG_COLUMNS = {
    "accepting": "accepting_new_patients",
    "telehealth": "offers_telehealth",
    "kap": "offers_integration_therapy",
    "rems": "spravato_rems_certified",
}
PAYMENT_COLUMNS = {
    "financing": "offers_financing",
    "sliding_scale": "offers_sliding_scale",
    "superbill": "offers_superbill",
}
# Filter groups decided by the clinic's own row and relations, one yes/no each.
CLINIC_GROUPS = [
    "condition",
    "language",
    "spravato_insurance",
    "payment",
    "accepting",
    "telehealth",
    "kap",
    "verified",
    "rems",
    "physician_monitored",
]


def _boolean(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _all(conditions: list[Q]) -> ExpressionWrapper | Value:
    """All the conditions as one yes/no column; yes when there are none."""
    return _boolean(reduce(and_, conditions)) if conditions else Value(True)


class FacetQuery:
    """Builds the one query for a search (a ClinicFilter) and reads its counts back by option."""

    def __init__(self, search, options: dict[str, list[str]], price_steps: list[int]) -> None:
        self.search = search
        self.options = options
        self.price_steps = price_steps
        data = search.data_used
        self.chosen_groups = [name for name in CLINIC_GROUPS if data.get(name)]
        self.together = bool(data.get("treatment"))  # one offer must meet every offer filter

    def rows(self) -> QuerySet:
        """The clinics in reach, one row each with what the counts need."""
        search = self.search
        offers = ClinicTreatment.objects.filter(clinic=OuterRef("pk"))

        def meeting(*left_out: str) -> QuerySet:
            """This clinic's offers that meet the offer filters in use, leaving some out."""
            lookups = search.offer_lookups(frozenset(left_out)).values()
            return offers.filter(**{key: value for lookup in lookups for key, value in lookup.items()})

        data = search.data_used
        columns = {
            **{f"ok_{name}": _boolean(search.condition_for(name, data[name])) for name in self.chosen_groups},
            "offers_ok": _all(search.offer_conditions()),
            "condition_ids": ArraySubquery(
                Clinic.conditions.through.objects.filter(clinic=OuterRef("pk")).values("condition")
            ),
            "language_ids": ArraySubquery(
                Clinic.languages.through.objects.filter(clinic=OuterRef("pk")).values("language")
            ),
            "spravato_billed": Exists(offers.filter(treatment_type=search.spravato_id, bills_insurance=True)),
            # Treatments whose offer here meets the other offer filters (ticking one makes them one offer).
            "treatment_ids": ArraySubquery(meeting("treatment").values("treatment_type")),
        }
        if self.together:
            carriers_from = meeting("insurance")
            prices_from = meeting("max_price")
        else:
            carriers_from, prices_from = offers, offers
            columns["offers_ok_but_insurance"] = _all(search.offer_conditions(frozenset(["insurance"])))
            columns["offers_ok_but_price"] = _all(search.offer_conditions(frozenset(["max_price"])))
        columns["carrier_ids"] = ArraySubquery(carriers_from.values("carriers"))
        per_session = prices_from.filter(price_unit=ClinicTreatment.PriceUnit.SESSION)
        columns["lowest_price"] = Subquery(
            per_session.order_by().values("clinic").annotate(lowest=Min("price_min")).values("lowest")
        )
        reach = search.within_reach(search.queryset).order_by()
        return reach.annotate(**columns).values(
            *columns,
            "facts_confirmed_at",
            "session_monitored_by",
            *FLAG_COLUMNS.values(),
            *PAYMENT_COLUMNS.values(),
        )

    def counts(self) -> dict[str, dict[str, int]]:
        selects, params, keys = [], [], []

        def count(name: str, value: str, where: list[str], where_params: list) -> None:
            selects.append(f"count(*) FILTER (WHERE {' AND '.join(where) or 'TRUE'})")
            params.extend(where_params)
            keys.append((name, value))

        def others_ok(group: str) -> list[str]:
            return [f"ok_{name}" for name in self.chosen_groups if name != group]

        ids = self.search.ids
        option_tests = {
            "condition": lambda slug: ("%s = ANY(condition_ids)", [ids["condition"][slug]]),
            "language": lambda code: ("%s = ANY(language_ids)", [ids["language"][code]]),
            "spravato_insurance": lambda _: ("spravato_billed", []),
            "payment": lambda key: (PAYMENT_COLUMNS[key], []),
            **{name: (lambda _, column=column: (column, [])) for name, column in FLAG_COLUMNS.items()},
            "verified": lambda _: ("facts_confirmed_at >= %s", [self.search.verified_since]),
            "physician_monitored": lambda _: (
                "session_monitored_by = ANY(%s)",
                [[str(choice) for choice in MONITORED_BY_PHYSICIAN_OR_CRNA]],
            ),
        }
        for group, test in option_tests.items():
            for value in self.options.get(group, ["on"]):
                sql, sql_params = test(value)
                count(group, value, ["offers_ok", *others_ok(group), sql], sql_params)
        clinic_ok = others_ok("")
        count("results", "all", ["offers_ok", *clinic_ok], [])  # the search's own number of results
        for slug in self.options["treatment"]:
            count("treatment", slug, [*clinic_ok, "%s = ANY(treatment_ids)"], [ids["treatment"][slug]])
        for slug in self.options["insurance"]:
            extra = [] if self.together else ["offers_ok_but_insurance"]
            count("insurance", slug, [*clinic_ok, *extra, "%s = ANY(carrier_ids)"], [ids["insurance"][slug]])
        for price in self.price_steps:
            extra = [] if self.together else ["offers_ok_but_price"]
            count("max_price", str(price), [*clinic_ok, *extra, "lowest_price <= %s"], [price])

        rows_sql, rows_params = self.rows().query.sql_with_params()
        sql = f"WITH reach AS MATERIALIZED ({rows_sql}) SELECT {', '.join(selects)} FROM reach"  # noqa: S608 - our own SQL; values are parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [*rows_params, *params])
            numbers = cursor.fetchone()
        counts: dict[str, dict[str, int]] = {}
        for (name, value), number in zip(keys, numbers, strict=True):
            counts.setdefault(name, {})[value] = number
        return counts
