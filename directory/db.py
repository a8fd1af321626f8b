"""Database functions the directory needs on both PostgreSQL and SQLite, and indexes only PostgreSQL can have."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.migrations.operations import AddIndex
from django.db.models.functions import Collate, Lower

# ICU's root collation: case and accents matter only between otherwise equal names, as in a printed index.
PEOPLES_COLLATION = "und-x-icu"
WORD = re.compile(r"\w+")
STEMMER = snowballstemmer.stemmer("english")


def fold(text):
    """Return text without capitals or accents, for sorting as people do."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


@lru_cache(maxsize=4096)
def stem(word):
    return STEMMER.stemWord(word)


def stems(text):
    """Return the English stems of text's words, as ' stem stem … ', so ' stem ' finds a whole word."""
    if not text:
        return " "
    return " " + " ".join(stem(word) for word in WORD.findall(fold(text))) + " "


def register_sqlite_functions(sender, connection, **kwargs):
    """Give an SQLite connection the functions PostgreSQL has built in: ICU-like folding and English stemming."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("directory_fold", 1, fold, deterministic=True)
        connection.connection.create_function("directory_stems", 1, stems, deterministic=True)


class SortName(models.Func):
    """Text as people sort it, ignoring capitals and accents: ICU's collation on PostgreSQL, folded text on SQLite."""

    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra):
        return Lower(*self.source_expressions).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection, **extra):
        return Collate(*self.source_expressions, PEOPLES_COLLATION).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="directory_fold", **extra)


class Stems(models.Func):
    """The English stems of a text column, ' stem stem … ' (SQLite only: PostgreSQL searches its own way)."""

    function = "directory_stems"
    output_field = models.TextField()


def by_name(field="name", descending=False):
    """Return the order of `field` as people sort names."""
    key = SortName(field)
    return key.desc() if descending else key.asc()


class AddIndexOnPostgreSQL(AddIndex):
    """Add an index on PostgreSQL only, e.g. one using its full-text search or ICU collations; a no-op elsewhere.

    Used inside SeparateDatabaseAndState, with the index left out of the model's Meta, which every database reads.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class FieldConstraintMixin:
    """A constraint that says which field breaks it, so forms show its message beside that field.

    The database sees the plain constraint: the field is a matter for validation only, so it is left out of
    deconstruct() and migrations do not change when a rule names its field.
    """

    def __init__(self, *args, field=None, **kwargs):
        self.field = field
        super().__init__(*args, **kwargs)

    def clone(self):
        # Django clones Meta.constraints through deconstruct(), which leaves the field out.
        copy = super().clone()
        copy.field = self.field
        return copy

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            if self.field is None or (exclude and self.field in exclude):
                raise
            raise ValidationError({self.field: error.error_list}) from None


class FieldCheck(FieldConstraintMixin, models.CheckConstraint):
    """A rule on a row, stated once: the database refuses a row that breaks it, and a form says so at `field`."""

    def deconstruct(self):
        _, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs


class FieldUnique(FieldConstraintMixin, models.UniqueConstraint):
    """A uniqueness rule stated once, its message shown at `field`."""

    def deconstruct(self):
        _, args, kwargs = super().deconstruct()
        return "django.db.models.UniqueConstraint", args, kwargs
