"""The search columns the database keeps on each clinic row, as conditions a search can use.

Migration 0022 adds them and the triggers that keep them current; it says what each one holds.
The models do not declare them (a save would write back a stale copy), so conditions on them are
SQL: each function returns (sql, params). `table` is how the SQL names the clinic row: the table
in a query on Clinic (the default), or "" inside the facet query, whose rows carry the same names.
"""

from django.db.models import BooleanField, Field, IntegerField, Q
from django.db.models.expressions import RawSQL

CLINIC = '"clinics_clinic".'
TREATMENT_SHIFT = 2**32  # search_offer_carriers holds treatment id * 2^32 + carrier id
COLUMNS = [
    "search_treatments",
    "search_billed",
    "search_carriers",
    "search_offer_carriers",
    "search_session_prices",
    "search_lowest_session_price",
    "search_conditions",
    "search_languages",
]

Sql = tuple[str, list]


def expression(sql: Sql, output_field: Field) -> RawSQL:
    """The SQL as an expression to annotate or order by; only this module's SQL, values as parameters."""
    return RawSQL(*sql, output_field=output_field)  # noqa: S611


def card_version() -> RawSQL:
    """The number the database raises with any change to what the clinic's card shows (migration 0026)."""
    return expression((f"{CLINIC}card_version", []), IntegerField())


def condition(sql: Sql) -> Q:
    """The SQL as a condition for QuerySet.filter() or a Q combination."""
    return Q(expression(sql, BooleanField()))


def has(column: str, pk: int | None, table: str = CLINIC) -> Sql:
    """Whether the array `column` holds the id; false for no id (an option that does not exist)."""
    if pk is None:
        return "FALSE", []
    return f"%s = ANY({table}{column})", [pk]


def has_any(column: str, ids: list[int], table: str = CLINIC) -> Sql:
    return f"{table}{column} && %s::integer[]", [ids]


def offer_meets(treatment: int, carriers: list[int], max_price: int | None, table: str = CLINIC) -> Sql:
    """Whether the clinic's offer of this treatment bills one of the carriers (if any are given) and
    costs at most max_price per session (if given). A clinic offers each treatment at most once.

    A (treatment, carrier) pair is there only for an offer of that treatment, so with carriers the
    pairs alone say the treatment is offered. Inside the facet query (table ""), which tests every
    clinic in reach instead of finding them through an index, a single pair is tested with = ANY:
    PostgreSQL takes about half as long over it as over && (which the GIN index needs elsewhere).
    """
    pairs = [treatment * TREATMENT_SHIFT + carrier for carrier in carriers]
    if not pairs:
        parts, params = [f"%s = ANY({table}search_treatments)"], [treatment]
    elif len(pairs) == 1 and table == "":
        parts, params = ["%s = ANY(search_offer_carriers)"], pairs
    else:
        parts, params = [f"{table}search_offer_carriers && %s::bigint[]"], [pairs]
    if max_price is not None:
        parts.append(f"{table}search_session_prices[%s] <= %s")
        params += [treatment, max_price]
    return " AND ".join(parts), params


def some_offer_meets(treatments: list[int], carriers: list[int], max_price: int | None, table: str = CLINIC) -> Sql:
    """Whether one offer, of one of the treatments, meets the carriers and price together."""
    if not treatments:
        return "FALSE", []
    met = [offer_meets(treatment, carriers, max_price, table) for treatment in treatments]
    return " OR ".join(f"({sql})" for sql, _ in met), [param for _, params in met for param in params]


def lowest_session_price(treatments: list[int] | None, table: str = CLINIC) -> Sql:
    """The lowest price per session among the offers of these treatments (of any, for None)."""
    if treatments is None:
        return f"{table}search_lowest_session_price", []
    prices = ", ".join([f"{table}search_session_prices[%s]"] * len(treatments))
    return f"LEAST({prices})", list(treatments)
