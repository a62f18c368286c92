"""The SQL of a search, compiled once per process for each shape of search.

Building a search's queries through the ORM (cloning querysets, resolving a few dozen expressions,
compiling them) took more Python time than PostgreSQL took to run them. Yet the SQL of a search
depends on its place, its words and its state only through a few parameters. Those parameters are
`Input` values: each knows which input of the search it comes from ("where", "q" or "state") and
how it is computed from it. SQL compiled for one search then runs for another of the same shape
with its Inputs computed again from that search's own place, words and state (`Statement`).

The key of compiled SQL must name everything else the SQL depends on: the filters and their values,
the sort, the radius, the page, the reference data (ClinicFilter.shape). A test compares the
compiled SQL run for a second place, second words and a second state with the SQL built for them
afresh.
"""

import re
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connection
from psycopg import ClientCursor, sql

# Shapes are few (the filters in use, the sort, the page); a process forgets them all past this many.
MAX_SHAPES = 2000
_compiled: dict[Hashable, Any] = {}
# A parameter, or a percent sign written twice, in the SQL Django writes.
PLACEHOLDER = re.compile(r"(%s|%%)")
# The inputs of a search that Input values come from: the place, the words and the state.
INPUTS = ("where", "q", "state")


class Input:
    """A parameter of a search's SQL computed from one of its inputs: `derive(search.data_used[source])`."""

    source: str
    derive: Callable[[Any], Any]


class PlaceNumber(float, Input):
    """A number computed from the place of the search (a Location)."""

    source = "where"

    def __new__(cls, location, derive: Callable[[Any], float]) -> "PlaceNumber":
        number = super().__new__(cls, derive(location))
        number.derive = derive
        return number


class PlaceBands(list, Input):
    """Whole numbers computed from the place of the search (a Location)."""

    source = "where"

    def __init__(self, location, derive: Callable[[Any], list[int]]) -> None:
        super().__init__(derive(location))
        self.derive = derive


class Text(str, Input):
    """Text the search was given (its words, its state), as given."""

    def __new__(cls, source: str, text: str) -> "Text":
        given = super().__new__(cls, text)
        given.source = source
        return given

    @staticmethod
    def derive(text: str) -> str:
        return text


class Statement:
    """Compiled SQL with every parameter written in but the Inputs, which each search writes in its own.

    psycopg binds parameters on the client: for each query it splits the SQL at its placeholders
    (and keeps that work only for queries under 4 KB with at most 50 parameters) and writes each
    value in. The facet query is longer, with about seventy parameters, and that writing took a
    twentieth of a new search's Python time. Here the constants are written in once, by psycopg,
    and only the Inputs on each run; the SQL then goes to psycopg without parameters, as it is.
    """

    def __init__(self, text: str, params: list) -> None:
        self.parts: list[str] = []  # the SQL between the Inputs
        self.inputs: list[Input] = []
        values, part = iter(params), []
        connection.ensure_connection()
        with ClientCursor(connection.connection) as writer:  # as Django's cursors write values in
            for piece in PLACEHOLDER.split(text):
                if piece == "%%":
                    part.append("%")
                elif piece != "%s":
                    part.append(piece)
                elif isinstance(value := next(values), Input):
                    self.parts.append("".join(part))
                    self.inputs.append(value)
                    part = []
                else:
                    part.append(writer.mogrify("%s", [value]))
        self.parts.append("".join(part))

    def sql(self, data: dict) -> str:
        """The SQL for the search whose validated parameters are `data`."""
        written = [self.parts[0]]
        for value, part in zip(self.inputs, self.parts[1:], strict=True):
            written += [sql.quote(value.derive(data[value.source]), connection.connection), part]
        return "".join(written)

    def rows(self, data: dict) -> list[tuple]:
        """The rows of the SQL for the search whose validated parameters are `data`."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql(data))
            return cursor.fetchall()


def compiled(key: Hashable, compile: Callable[[], tuple]) -> tuple:
    """What `compile()` returns, SQL and its parameters first, computed once in this process for `key`,
    with the SQL and parameters as a Statement."""
    try:
        return _compiled[key]
    except KeyError:
        pass
    if len(_compiled) >= MAX_SHAPES:
        _compiled.clear()
    text, params, *rest = compile()
    _compiled[key] = value = (Statement(text, params), *rest)
    return value
