"""Search mutuals by words: PostgreSQL's English full-text search, or stemmed words on SQLite, ranked either way."""

import difflib
from functools import reduce
from operator import add, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

from .db import WORD, Stems, fold, stem

# Where words are looked for, most telling first: a match in the name ranks above one in the summary, and so on.
WEIGHTED_FIELDS = [("name", "A"), ("summary", "B"), ("services", "C"), ("town", "D"), ("parent_body", "D")]
POINTS = {"A": 8, "B": 4, "C": 2, "D": 1}
MAX_WORDS = 10
# English words too common to search for (PostgreSQL's "english" configuration drops these and more).
STOP_WORDS = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "in", "is", "it", "of", "on", "or", "the", "to"}
CLOSEST = 3
# Suggestions are computed in Python on SQLite: past this many names it is not worth the wait.
MAX_NAMES_COMPARED = 5000


def search_document():
    """Return the weighted tsvector PostgreSQL searches; its GIN index (mutual_search_idx) is built from this."""
    return reduce(add, (SearchVector(field, weight=weight, config="english") for field, weight in WEIGHTED_FIELDS))


def search_words(text):
    """Return the stems of the words worth searching for in `text` (at most ten words)."""
    words = [word for word in WORD.findall(fold(text)) if word not in STOP_WORDS][:MAX_WORDS]
    return [stem(word) for word in words]


def matching(mutuals, text):
    """Return (the mutuals matching every word of `text`, an expression ranking them best first)."""
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="english", search_type="websearch")
        document = search_document()
        return mutuals.alias(search_document=document).filter(search_document=query), SearchRank(
            F("search_document"), query
        )
    stems = search_words(text)
    if not stems:
        return mutuals.none(), Value(0)
    stemmed = {field: Stems(field) for field, _ in WEIGHTED_FIELDS}
    aliases = {f"stems_{field}": expression for field, expression in stemmed.items()}
    mutuals = mutuals.alias(**aliases)
    for word in stems:
        mutuals = mutuals.filter(reduce(or_, (Q(**{f"stems_{field}__contains": f" {word} "}) for field in stemmed)))
    rank = reduce(
        add,
        (
            Case(
                When(**{f"stems_{field}__contains": f" {word} "}, then=Value(POINTS[weight])),
                default=Value(0),
                output_field=IntegerField(),
            )
            for word in stems
            for field, weight in WEIGHTED_FIELDS
        ),
    )
    return mutuals, rank


def closest_names(mutuals, text):
    """Return up to three of `mutuals` whose names look most like `text`, for "did you mean" when nothing matches."""
    text = text.strip()[:100]
    if not text:
        return []
    if connection.vendor == "postgresql":
        return list(
            mutuals.annotate(similarity=TrigramWordSimilarity(text, "name"))
            .filter(similarity__gte=0.3)
            .order_by("-similarity", "name")[:CLOSEST]
        )
    candidates = list(mutuals.order_by().values_list("pk", "name")[: MAX_NAMES_COMPARED + 1])
    if len(candidates) > MAX_NAMES_COMPARED:
        return []
    wanted = fold(text)
    scores = []
    for pk, name in candidates:
        words = [fold(name), *WORD.findall(fold(name))]
        score = max(difflib.SequenceMatcher(None, wanted, word).ratio() for word in words)
        if score >= 0.6:
            scores.append((-score, name, pk))
    chosen = [pk for _, _, pk in sorted(scores)[:CLOSEST]]
    by_pk = mutuals.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]
