"""Facet counts for the clinic search: how many clinics each filter option would leave, in one query.

The clinics in reach (the place, state, city and words of the search) are read once, one row per
clinic: whether it meets each filter group in use, its yes/no columns, and the search columns the
database keeps on its row (clinics/search_columns.py: the ids of its treatments, carriers,
conditions and languages, its prices per session). One aggregate over those rows then counts every
option of every group: an option's count is the number of clinics that meet every other group's
filter and have that option. It is the number of results the option gives; a test checks each.
The same aggregate counts the search's own results, so the results page need not count them, and
the results without each filter in use (`without`), which a search that finds nothing offers.

The query is compiled once per process for each shape of search and run again for other places
and words (clinics/compiled.py).

`facet_groups` lays the counts out as the filter panel shows them.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_

from django.db.models import BooleanField, ExpressionWrapper, Field, Q, QuerySet, Value

from clinics import search_columns
from clinics.compiled import compiled
from clinics.models import MONITORED_BY_PHYSICIAN_OR_CRNA
from clinics.search_columns import has, offer_meets, some_offer_meets

MAX_PRICE_CHOICES = [(price, f"${price} or less") for price in (300, 400, 500, 600, 700, 800)]
PAYMENT_LABELS = {
    "financing": "Financing or payment plan",
    "sliding_scale": "Sliding-scale fees",
    "superbill": "Superbill for out-of-network claims",
}
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
# Filters on a clinic's treatment offers. With a treatment chosen, one offer must meet them all:
# "Spravato, billed to Aetna" is one offer, not Spravato here and Aetna for IV.
OFFER_FILTERS = ["treatment", "insurance", "max_price"]
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


@dataclass
class FacetOption:
    name: str  # the GET parameter
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    legend: str
    kind: str  # "checkboxes" or "select"
    name: str
    options: list[FacetOption] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


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
        self.offer_filters_used = [name for name in OFFER_FILTERS if data.get(name)]
        # The offer filters whose options are counted with the offer filters met but that one:
        # those in use, for the search without them, and, with no treatment chosen, the insurance
        # and price options (which then need an offer of any treatment).
        self.offer_filters_left_out = list(
            dict.fromkeys([*self.offer_filters_used, *([] if self.together else ["insurance", "max_price"])])
        )

    def rows(self) -> QuerySet:
        """The clinics in reach, one row each with what the counts need."""
        search = self.search
        data = search.data_used
        columns = {
            **{f"ok_{name}": _boolean(search.condition_for(name, data[name])) for name in self.chosen_groups},
            "offers_ok": _all(search.offer_conditions()),
            # Under their own names, so the counts' SQL reads them as the filters do (table "").
            **{
                name: search_columns.expression((f"{search_columns.CLINIC}{name}", []), Field())
                for name in search_columns.COLUMNS
            },
        }
        for name in self.offer_filters_left_out:
            columns[f"offers_ok_without_{name}"] = _all(search.offer_conditions(frozenset([name])))
        reach = search.within_reach(search.queryset).order_by()
        return reach.annotate(**columns).values(
            *columns,
            "facts_confirmed_at",
            "session_monitored_by",
            *FLAG_COLUMNS.values(),
            *PAYMENT_COLUMNS.values(),
        )

    def counts(self) -> dict[str, dict[str, int]]:
        search = self.search
        options = tuple((name, tuple(values)) for name, values in self.options.items())
        statement, keys = compiled(("facets", options, tuple(self.price_steps), search.shape), self.sql)
        [numbers] = statement.rows(search.data_used)
        counts: dict[str, dict[str, int]] = {}
        for (name, value), number in zip(keys, numbers, strict=True):
            counts.setdefault(name, {})[value] = number
        return counts

    def sql(self) -> tuple[str, list, list[tuple[str, str]]]:
        """The query, its parameters, and the (filter, option) each of its numbers counts."""
        selects, params, keys = [], [], []

        def count(name: str, value: str, where: list[str | tuple[str, list]]) -> None:
            """Count the rows that meet every condition: a column's name, or (sql, params)."""
            parts = [(part, []) if isinstance(part, str) else part for part in where]
            selects.append(f"count(*) FILTER (WHERE {' AND '.join(f'({sql})' for sql, _ in parts) or 'TRUE'})")
            params.extend(param for _, part_params in parts for param in part_params)
            keys.append((name, value))

        def others_ok(group: str) -> list[str]:
            return [f"ok_{name}" for name in self.chosen_groups if name != group]

        search = self.search
        ids, data = search.ids, search.data_used
        carriers = search.ids_of("insurance", data.get("insurance") or [])
        treatments = search.ids_of("treatment", data.get("treatment") or [])
        max_price = data.get("max_price") or None
        option_tests = {
            "condition": lambda slug: has("search_conditions", ids["condition"][slug], table=""),
            "language": lambda code: has("search_languages", ids["language"][code], table=""),
            "spravato_insurance": lambda _: has("search_billed", search.spravato_id, table=""),
            "payment": lambda key: PAYMENT_COLUMNS[key],
            **{name: (lambda _, column=column: column) for name, column in FLAG_COLUMNS.items()},
            "verified": lambda _: ("facts_confirmed_at >= %s", [search.verified_since]),
            "physician_monitored": lambda _: (
                "session_monitored_by = ANY(%s)",
                [[str(choice) for choice in MONITORED_BY_PHYSICIAN_OR_CRNA]],
            ),
        }
        for group, test in option_tests.items():
            for value in self.options.get(group, ["on"]):
                count(group, value, ["offers_ok", *others_ok(group), test(value)])
        clinic_ok = others_ok("")
        count("results", "all", ["offers_ok", *clinic_ok])  # the search's own number of results
        # Ticking a treatment makes the offer filters one offer's: that treatment's offer must meet them.
        for slug in self.options["treatment"]:
            count("treatment", slug, [*clinic_ok, offer_meets(ids["treatment"][slug], carriers, max_price, table="")])
        for slug in self.options["insurance"]:
            carrier = ids["insurance"][slug]
            if self.together:
                count("insurance", slug, [*clinic_ok, some_offer_meets(treatments, [carrier], max_price, table="")])
            else:
                billed = has("search_carriers", carrier, "")
                count("insurance", slug, [*clinic_ok, "offers_ok_without_insurance", billed])
        for price in self.price_steps:
            if self.together:
                count("max_price", str(price), [*clinic_ok, some_offer_meets(treatments, carriers, price, table="")])
            else:
                lowest = ("search_lowest_session_price <= %s", [price])
                count("max_price", str(price), [*clinic_ok, "offers_ok_without_max_price", lowest])
        # The search without each filter in use, for the searches offered when it finds nothing.
        for group in self.chosen_groups:
            count("without", group, ["offers_ok", *others_ok(group)])
        for name in self.offer_filters_used:
            count("without", name, [*clinic_ok, f"offers_ok_without_{name}"])

        # Every count above lets a clinic miss one filter group at most (the offer filters as one), so
        # a clinic that misses two counts for nothing and is left out before the counting.
        groups = ["offers_ok", *(f"ok_{name}" for name in self.chosen_groups)]
        useful = f"WHERE {' + '.join(f'(NOT {group})::int' for group in groups)} <= 1" if len(groups) > 1 else ""
        rows_sql, rows_params = self.rows().query.sql_with_params()
        # OFFSET 0 keeps the clinics in reach a subquery of their own, so each clinic's yes/no columns
        # are computed once, not again in every count, and its rows go straight to the counting.
        # Against the same query with the rows first written out as a MATERIALIZED CTE, on 100,000
        # clinics: 4.4 ms instead of 6.1 around ZIP 78701, 12 instead of 18 around 10001, 124 instead
        # of 151 for the whole country, the same for a state.
        sql = f"SELECT {', '.join(selects)} FROM ({rows_sql} OFFSET 0) AS reach {useful}"  # noqa: S608 - our own SQL; values are parameters
        return sql, [*params, *rows_params], keys


def facet_groups(search) -> list[FacetGroup]:
    """The filter groups of a search (a ClinicFilter) to show, each option with its count and whether it is chosen."""
    counts = search.facet_counts()
    data = search.data_used

    def options(name: str) -> list[FacetOption]:
        chosen = {str(value) for value in (data.get(name) or [])}
        return [
            FacetOption(name, str(value), label, counts.get(name, {}).get(str(value), 0), str(value) in chosen)
            for value, label in search.choices[name]
        ]

    def flag(name: str) -> FacetOption:
        return FacetOption(
            name, "on", search.filters[name].label, counts.get(name, {}).get("on", 0), bool(data.get(name))
        )

    max_price = data.get("max_price")
    groups = [
        FacetGroup("Treatment", "checkboxes", "treatment", options("treatment")),
        FacetGroup("Condition", "checkboxes", "condition", options("condition")),
        FacetGroup("Insurance", "checkboxes", "insurance", [flag("spravato_insurance"), *options("insurance")]),
        FacetGroup(
            "Price per session",
            "select",
            "max_price",
            [
                FacetOption(
                    "max_price",
                    str(price),
                    label,
                    counts.get("max_price", {}).get(str(price), 0),
                    price == max_price,
                )
                for price, label in MAX_PRICE_CHOICES
            ],
        ),
        FacetGroup("Payment options", "checkboxes", "payment", options("payment")),
        FacetGroup(
            "Clinic",
            "checkboxes",
            "clinic",
            [flag(name) for name in FLAG_COLUMNS if name != "rems"] + [flag("verified")],
        ),
        FacetGroup("Safety", "checkboxes", "safety", [flag("rems"), flag("physician_monitored")]),
        FacetGroup("Language spoken", "checkboxes", "language", options("language")),
    ]
    for group in groups:
        names = {option.name for option in group.options}
        for name in sorted(names):
            group.problems += [str(error) for error in search.form.errors.get(name, [])]
            if name in search.ignored:
                unknown = ", ".join(f"“{value[:30]}”" for value in search.ignored[name])
                group.problems.append(f"We do not know {unknown}, so we left it out.")
    return groups
