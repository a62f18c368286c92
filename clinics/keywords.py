"""The keyword box: the words patients type that name a treatment, condition, insurer, state or city.

`rewritten(params)` reads the `q` of a search and returns the same search with what it recognized
turned into explicit filters (treatment=, condition=, insurance=, state=, where=) and only the
remaining words left in `q` for full-text search; the search view redirects there, so every search
stays a plain URL that can be bookmarked. clinics/chips.py then says on the page what the search
understood and which nearby searches would find clinics.

Words are matched against the vocabulary (clinics/vocabulary.py), longest phrase first. Cities come
from the Place table, as each process keeps it (clinics/places.py: cities_by_name).
"""

import re
from dataclasses import dataclass, field

from django.http import QueryDict

from clinics.filters import ClinicFilter
from clinics.places import CITY_ABBREVIATIONS, ZIP_PATTERN, cities_by_name, places_by_zip_code
from clinics.vocabulary import (
    FILLER,
    MAX_PHRASE_WORDS,
    STATE_CODES,
    WORD,
    Meaning,
    Vocabulary,
    corrected,
    fold,
    vocabulary,
)

# Names of cities that the ZIP data spells otherwise.
CITY_WORDS = {("nyc",): "New York, NY", ("new", "york", "city"): "New York, NY"}
# Short words that are also everyday English (or a title): read as a filter only when typed in capitals
# ("IM", "IN") or inside a longer phrase ("im injection", "portland or").
ONLY_IN_CAPITALS = {"im", "in", "me", "oh", "hi", "ok", "id", "de", "co", "al", "la", "ma", "pa", "md", "ms", "mt"}
ONLY_IN_CAPITALS |= {"va", "ct", "ne", "or"}
# "OR" is also the full-text search's own word for "either", so it is Oregon only after a city.
NEVER_ALONE = {"or"}
# A city named by one word alone, with no state after it, must be a sizable place (ZIP codes as a
# measure) and not a word patients use for something else.
CITY_MIN_ZIP_CODES = 5
NOT_CITIES = {"home", "hope", "mission", "center", "spring", "orange", "humble", "independence", "liberty", "price"}
NOT_CITIES |= {"normal", "wellness", "harmony", "clinic", "health", "care", "healing", "union", "commerce", "eden"}
MAX_WORDS = 100
QUOTED = re.compile(r'"[^"]*"?')


@dataclass
class Token:
    text: str
    start: int
    end: int
    free: bool  # outside quotes and not negated ("-word"): it may be read as a filter
    key: str = ""  # the word as matched: folded, a typo corrected


@dataclass
class Match:
    start: int  # token indexes, end exclusive
    end: int
    meaning: Meaning


@dataclass
class Reading:
    """What a query says: filters to add, a place, and the words left for full-text search."""

    filters: dict[str, list[str]] = field(default_factory=dict)
    where: str = ""
    rest: str = ""


def tokens_of(query: str, known: Vocabulary) -> list[Token]:
    quoted = [match.span() for match in QUOTED.finditer(query)]
    shouting = query.isupper()
    keys: dict[str, str] = {}  # a word repeated is corrected once
    tokens = []
    for match in WORD.finditer(query):
        start = match.start()
        inside = any(begin <= start < end for begin, end in quoted)
        negated = start > 0 and query[start - 1] == "-" and (start == 1 or query[start - 2].isspace())
        token = Token(match[0], start, match.end(), free=not inside and not negated)
        folded = fold(token.text)
        token.key = keys[folded] if folded in keys else keys.setdefault(folded, corrected(folded, known))
        if token.key in NEVER_ALONE or token.key in ONLY_IN_CAPITALS and not (token.text.isupper() or shouting):
            token.key = token.key + "?"  # matches only inside a longer phrase
        tokens.append(token)
        if len(tokens) == MAX_WORDS:
            break
    return tokens


def phrase_matches(tokens: list[Token], known: Vocabulary) -> list[Match]:
    """Known phrases among the free tokens, longest first, left to right."""
    matches: list[Match] = []
    i = 0
    while i < len(tokens):
        for length in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            span = tokens[i : i + length]
            if not all(token.free for token in span):
                continue
            words = tuple(token.key.rstrip("?") if length > 1 else token.key for token in span)
            if meaning := known.phrases.get(words):
                matches.append(Match(i, i + length, meaning))
                i += length
                break
        else:
            i += 1
    return matches


@dataclass
class CityFound:
    start: int
    end: int
    label: str  # "Austin, TX"
    state_match: Match | None  # the state words it used, if any


def _city_candidates(tokens: list[Token], taken: set[int]) -> dict[str, list[tuple[int, int]]]:
    """Upper-cased city names the free, untaken tokens could spell, with where each sits."""
    candidates: dict[str, list[tuple[int, int]]] = {}
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + 4, len(tokens)) + 1):
            span = tokens[start:end]
            if not all(token.free and index not in taken for index, token in enumerate(span, start)):
                break
            name = " ".join(token.text.rstrip(".") for token in span)
            for pattern, replacement in CITY_ABBREVIATIONS:
                name = pattern.sub(replacement, name + " ").strip()
            candidates.setdefault(name.upper(), []).append((start, end))
    return candidates


def find_city(tokens: list[Token], matches: list[Match], given_state: str) -> CityFound | None:
    """The city the tokens name, with the state that follows it or the likeliest one."""
    taken = {i for match in matches if match.meaning.parameter != "state" for i in range(match.start, match.end)}
    for start in range(len(tokens)):
        for words, label in CITY_WORDS.items():
            span = range(start, start + len(words))
            if tuple(tokens[i].key.rstrip("?") for i in span if i < len(tokens)) == words:
                if all(tokens[i].free and i not in taken for i in span):
                    return CityFound(span.start, span.stop, label, None)
    candidates = _city_candidates(tokens, taken)
    if not candidates:
        return None
    places = cities_by_name()
    states = [match for match in matches if match.meaning.parameter == "state"]
    # A lowercase code that is also a word counts as a state right after a city ("portland or").
    loose = [
        Match(index, index + 1, Meaning("state", (token.key[:2].upper(),)))
        for index, token in enumerate(tokens)
        if token.free and token.key.endswith("?") and token.key[:2].upper() in STATE_CODES
    ]
    found = []
    for upper, spans in candidates.items():
        for start, end in spans:
            if upper in places:
                found.append(_place_for(places[upper], start, end, states, loose, given_state, tokens))
    found = [city for city in found if city is not None]
    # The longest name wins; then a city with its state written after it; then the first.
    found.sort(key=lambda city: (-(city.end - city.start), city.state_match is None, city.start))
    return found[0] if found else None


def _place_for(
    places: list[tuple[str, str, int]],
    start: int,
    end: int,
    states: list[Match],
    loose: list[Match],
    given_state: str,
    tokens: list[Token],
) -> CityFound | None:
    """The place the tokens start:end name, given the states around them; None when it is a guess."""
    by_state = {state: (name, zip_codes) for name, state, zip_codes in places}
    for match in states:
        if match.start < end and match.end > start and not (start <= match.start and match.end <= end):
            return None  # the name would cut a state's name in two
    after = next((match for match in [*states, *loose] if match.start == end), None)
    if after and after.meaning.values[0] in by_state:
        state = after.meaning.values[0]
        return CityFound(start, after.end, f"{by_state[state][0]}, {state}", after)
    covered = [match for match in states if start <= match.start and match.end <= end]
    if covered and sum(match.end - match.start for match in covered) == end - start:
        return None  # "new york" alone is the state
    elsewhere = next((m for m in states if m not in covered and m.meaning.values[0] in by_state), None)
    if elsewhere:
        state = elsewhere.meaning.values[0]
        return CityFound(start, end, f"{by_state[state][0]}, {state}", elsewhere)
    if given_state:
        if given_state not in by_state:
            return None  # not a city of the state chosen
        return CityFound(start, end, f"{by_state[given_state][0]}, {given_state}", None)
    (name, state, zip_codes), *others = places
    one_word = end - start == 1
    if one_word and (zip_codes < CITY_MIN_ZIP_CODES or fold(tokens[start].text) in NOT_CITIES):
        return None
    if others and one_word and zip_codes < 3 * others[0][2]:
        return None  # "Springfield": too many to guess
    return CityFound(start, end, f"{name}, {state}", None)


def read(query: str, known: Vocabulary, *, where_given: bool, state_given: str = "") -> Reading:
    """What the query names: the filters, the place and the words left over."""
    tokens = tokens_of(query, known)
    matches = phrase_matches(tokens, known)
    reading = Reading()
    used: set[int] = set()

    if not where_given:
        city = find_city(tokens, matches, state_given)
        if city is not None:
            reading.where = city.label
            used.update(range(city.start, city.end))
            if city.state_match is not None:
                used.update(range(city.state_match.start, city.state_match.end))
            matches = [match for match in matches if match is not city.state_match]
            matches = [match for match in matches if match.end <= city.start or match.start >= city.end]
        elif zip_codes := [(i, t) for i, t in enumerate(tokens) if t.free and ZIP_PATTERN.match(t.text)]:
            index, token = zip_codes[0]
            if token.text[:5] in places_by_zip_code():
                reading.where = token.text[:5]
                used.add(index)

    for match in matches:
        values = list(match.meaning.values)
        if match.meaning.parameter == "state":
            if {state_given, *reading.filters.get("state", [])} - {"", values[0]}:
                continue  # one state at a time: a second one stays a word
        chosen = reading.filters.setdefault(match.meaning.parameter, [])
        chosen += [value for value in values if value not in chosen]
        used.update(range(match.start, match.end))

    if used:
        used.update(i for i, token in enumerate(tokens) if token.free and token.key.rstrip("?") in FILLER)
    reading.rest = _without(query, [tokens[i] for i in sorted(used)])
    return reading


def _without(query: str, tokens: list[Token]) -> str:
    """The query with the tokens cut out and the punctuation left alone between them dropped (not quotes)."""
    for token in reversed(tokens):
        query = query[: token.start] + " " + query[token.end :]
    if not tokens:
        return query
    chunks = (chunk.strip(",;") for chunk in query.split())
    return " ".join(chunk for chunk in chunks if re.search(r'[^\W_]|"', chunk))


def rewritten(params: QueryDict) -> QueryDict | None:
    """The search with the recognized words of `q` as filters, or None when `q` names nothing we know.

    Read again until nothing more is recognized: cutting a word out can join two others into a
    name ("blue spravato cross"), and the page redirected to must not redirect again.
    """
    query = params.get("q", "")
    if not query.strip() or len(query) > ClinicFilter.base_filters["q"].extra["max_length"] or "\x00" in query:
        return None  # nothing to read, or words the page reports as unreadable
    known = vocabulary()
    result = None
    for _ in range(MAX_WORDS):
        step = _rewritten_once(params if result is None else result, known)
        if step is None:
            break
        result = step
    return result


def _rewritten_once(params: QueryDict, known: Vocabulary) -> QueryDict | None:
    query = params.get("q", "")
    if not query.strip():
        return None
    state_given = params.get("state", "")
    reading = read(query, known, where_given=bool(params.get("where", "").strip()), state_given=state_given)
    if reading.rest == query:
        return None
    result = params.copy()
    for name, values in reading.filters.items():
        result.setlist(name, list(dict.fromkeys([*params.getlist(name), *values])))
    if reading.where:
        result["where"] = reading.where
    if reading.rest:
        result["q"] = reading.rest
    else:
        result.pop("q")
    result.pop("page", None)
    return result


# --- what the page shows ---------------------------------------------------------------------
