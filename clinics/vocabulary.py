"""The words the keyword box knows: the reference tables' names and the everyday words patients use.

`vocabulary()` is every known phrase (as a tuple of folded words) with what it means: a treatment,
condition, carrier or state. A longer word one or two letters off a known word counts as that word
(`corrected`); core PostgreSQL has no trigram matching, and the vocabulary is small enough to match
in Python. clinics/keywords.py reads a query with it.
"""

import difflib
import re
from dataclasses import dataclass

from clinics.models import Condition, InsuranceCarrier, TreatmentType
from clinics.places import US_STATES
from directory.caching import REFERENCE, kept_in_process

# Everyday names for each treatment, condition and carrier (by slug), besides the names in the tables.
TREATMENT_WORDS = {
    "iv-infusion": ["iv", "i.v.", "intravenous", "infusion", "infusions", "iv ketamine", "ketamine infusion", "drip"],
    "im-injection": ["im", "intramuscular", "injection", "injections", "shot", "shots", "im ketamine"],
    "spravato": ["spravato", "esketamine", "nasal spray", "nasal", "intranasal", "spray", "nasal esketamine"],
    "oral-sublingual": ["oral", "sublingual", "lozenge", "lozenges", "troche", "troches", "rdt", "oral ketamine"],
}
CONDITION_WORDS = {
    "treatment-resistant-depression": ["depression", "depressed", "depressive", "trd", "treatment resistant"],
    "major-depression-suicidal-ideation": ["suicidal", "suicidal thoughts", "suicidal ideation", "suicidal depression"],
    "ptsd": ["ptsd", "cptsd", "trauma", "post traumatic stress", "posttraumatic stress"],
    "anxiety-disorders": ["anxiety", "anxious", "panic", "panic attacks", "gad"],
    "ocd": ["ocd", "obsessive compulsive"],
    "bipolar-depression": ["bipolar", "bipolar disorder"],
    "fibromyalgia-neuropathic-pain": ["fibromyalgia", "fibro", "neuropathy", "neuropathic", "neuropathic pain"]
    + ["nerve pain"],
    "crps": ["crps", "rsd", "reflex sympathetic dystrophy"],
    "migraine-chronic-headache": ["migraine", "migraines", "headache", "headaches", "chronic headaches"],
    "opioid-resistant-chronic-pain": ["opioid resistant pain"],
}
# Words for every condition of a group.
CONDITION_GROUP_WORDS = {Condition.Group.CHRONIC_PAIN: ["pain", "chronic pain"]}
INSURANCE_WORDS = {
    "unitedhealthcare": ["uhc", "united", "united healthcare", "united health care", "unitedhealth", "united health"],
    "blue-cross-blue-shield": ["bcbs", "blue cross", "blue shield", "bluecross", "blueshield"],
    "kaiser-permanente": ["kaiser"],
    "medicaid": ["medi cal"],
    "tricare": ["tri care"],
}
# State codes read as states. Armed Forces and the smaller territories' codes are more often other words.
STATE_CODES = {code for code in US_STATES if code not in {"AA", "AE", "AP", "AS", "FM", "MH", "MP", "PW", "GU", "VI"}}
# Words every clinic here matches, and the small words between the ones that matter; dropped from the
# full-text words once something else was recognized ("ketamine clinic for ptsd in texas").
FILLER = {"ketamine", "clinic", "clinics", "center", "centers", "centre", "therapy", "treatment", "treatments"}
FILLER |= {"near", "nearby", "around", "me", "in", "for", "with", "and", "or", "the", "a", "an", "at", "of", "to", "my"}
FILLER |= {"i", "i'm", "im", "am", "need", "want", "looking", "find", "insurance", "accepts", "accepting", "takes"}
FILLER |= {"covered", "coverage", "doctor", "doctors", "provider", "providers", "office"}
# Real words close to a known word that must not be "corrected" into it.
NEVER_CORRECTED = {"indian", "indians", "georgian", "oregano", "virginian", "infusing", "injected", "medical"}
MAX_PHRASE_WORDS = 5

WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*\.?")


@dataclass(frozen=True)
class Meaning:
    parameter: str  # treatment, condition, insurance or state
    values: tuple[str, ...]


@dataclass
class Vocabulary:
    phrases: dict[tuple[str, ...], Meaning]
    words: set[str]  # every word of every phrase
    correctable: list[str]  # the words a typo may be taken for


def words_of(text: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in WORD.findall(text.replace("-", " ").replace("/", " ")))


def fold(word: str) -> str:
    return word.casefold().replace("’", "'").rstrip(".").replace(".", "")


def build_vocabulary() -> Vocabulary:
    """The reference tables' names plus the everyday words above, as word tuples (three small queries)."""
    phrases: dict[tuple[str, ...], Meaning] = {}

    def add(text: str, meaning: Meaning) -> None:
        words = words_of(text)
        if words and len(words) <= MAX_PHRASE_WORDS:
            phrases.setdefault(words, meaning)

    treatments = list(TreatmentType.objects.values_list("slug", "name", "short_name"))
    conditions = list(Condition.objects.values_list("slug", "name", "group"))
    carriers = list(InsuranceCarrier.objects.values_list("slug", "name"))
    in_tables = {
        "treatment": {row[0] for row in treatments},
        "condition": {row[0] for row in conditions},
        "insurance": {row[0] for row in carriers},
    }
    # Everyday words first, so they win over a table name that happens to be the same words.
    everyday_words = {"treatment": TREATMENT_WORDS, "condition": CONDITION_WORDS, "insurance": INSURANCE_WORDS}
    for parameter, everyday in everyday_words.items():
        for slug, synonyms in everyday.items():
            for synonym in synonyms if slug in in_tables[parameter] else []:
                add(synonym, Meaning(parameter, (slug,)))
    for group, synonyms in CONDITION_GROUP_WORDS.items():
        if in_group := tuple(slug for slug, _, its_group in conditions if its_group == group):
            for synonym in synonyms:
                add(synonym, Meaning("condition", in_group))
    for slug, name, short_name in treatments:
        for text in (name, short_name, slug, re.sub(r"\(.*?\)", "", name)):
            add(text, Meaning("treatment", (slug,)))
    for slug, name, _ in conditions:
        for text in (name, slug, re.sub(r"\(.*?\)", "", name)):
            add(text, Meaning("condition", (slug,)))
    for slug, name in carriers:
        add(name, Meaning("insurance", (slug,)))
        add(slug, Meaning("insurance", (slug,)))
    for code, name in US_STATES.items():
        add(name, Meaning("state", (code,)))
        if code in STATE_CODES:
            add(code, Meaning("state", (code,)))
    words = {word for phrase in phrases for word in phrase}
    correctable = sorted(word for word in words if len(word) >= 5 and word.isalpha() and word not in FILLER)
    return Vocabulary(phrases, words, correctable)


def vocabulary() -> Vocabulary:
    """The vocabulary, kept in each process until the reference data changes: as it is, since the
    local cache would unpickle it for every query string read, a quarter of the reading's time."""
    return kept_in_process("keyword-vocabulary", build_vocabulary, depends_on=(REFERENCE,))


def typo_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbors) that turn a into b."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def corrected(word: str, known: Vocabulary) -> str:
    """The known word a longer unknown word is a small typo of ("spravto"), else the word itself."""
    if word in known.words or len(word) < 6 or not word.isalpha() or word in NEVER_CORRECTED or word in FILLER:
        return word
    allowed = 1 if len(word) <= 8 else 2
    # A word more letters longer or shorter than the edits allowed cannot be the one meant.
    near = [known_word for known_word in known.correctable if abs(len(known_word) - len(word)) <= allowed]
    for candidate in difflib.get_close_matches(word, near, n=3, cutoff=0.75):
        if typo_distance(word, candidate) <= allowed:
            return candidate
    return word
