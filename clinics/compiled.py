"""The SQL of a search, compiled once per process for each shape of search.

Building a search's queries through the ORM (cloning querysets, resolving a few dozen expressions,
compiling them) took more Python time than PostgreSQL took to run them. Yet the SQL of a search
depends on its place and its words only through a few parameters. Those parameters are `Input`
values: each knows which input of the search it comes from ("where" or "q") and how it is computed
from it. SQL compiled for one search then runs for another of the same shape with its Inputs
computed again from that search's own place and words (`filled`).

The key of compiled SQL must name everything else the SQL depends on: the filters and their values,
the sort, the radius, the page, the reference data (ClinicFilter.shape). A test compares the
compiled SQL run for a second place and second words with the SQL built for them afresh.
"""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
# Shapes are few (the filters in use, the sort, the page); a process forgets them all past this many.
MAX_SHAPES = 2000
_compiled: dict[Hashable, Any] = {}
# The inputs of a search that Input values come from: the place and the words.
INPUTS = ("where", "q")


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


class Words(str, Input):
    """The words of the search, as typed."""

    source = "q"

    @staticmethod
    def derive(words: str) -> str:
        return words


def compiled(key: Hashable, compile: Callable[[], T]) -> T:
    """What `compile()` returns (SQL and its parameters), computed once in this process for `key`."""
    try:
        return _compiled[key]
    except KeyError:
        pass
    if len(_compiled) >= MAX_SHAPES:
        _compiled.clear()
    _compiled[key] = value = compile()
    return value


def filled(params: list, data: dict) -> list:
    """The parameters of compiled SQL with each Input computed from this search's validated `data`."""
    return [param.derive(data[param.source]) if isinstance(param, Input) else param for param in params]
