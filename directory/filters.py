import unicodedata
from datetime import timedelta
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef
from django.http import QueryDict
from django.utils import timezone

from .db import by_name
from .models import Commissioner, Contract, District, Mutual, Region, Sector
from .search import matching

MAX_MONEY = 10**12 - 1
ALL_STATUSES = "all"
RELEVANCE = "relevance"
SORTS = {
    RELEVANCE: ("Best match", None),  # Only with a search: ordered by search.matching()'s rank.
    "name": ("Name, A to Z", [by_name()]),
    "-name": ("Name, Z to A", [by_name(descending=True)]),
    "value": (
        "Annual value, highest first",
        [F("annual_value_order").desc(nulls_last=True), by_name()],
    ),
    "staff": (
        "Staff, most first",
        [F("staff_count").desc(nulls_last=True), by_name()],
    ),
    "spun_out": (
        "Year spun out, earliest first",
        [F("year_spun_out").asc(nulls_last=True), by_name()],
    ),
    "-spun_out": (
        "Year spun out, latest first",
        [F("year_spun_out").desc(nulls_last=True), by_name()],
    ),
}


CHOICE_FILTERS = (
    django_filters.ChoiceFilter,
    django_filters.MultipleChoiceFilter,
    django_filters.ModelMultipleChoiceFilter,
)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class LenientFilterSet(django_filters.FilterSet):
    """Filter with the parameters that make sense and list the ones ignored, instead of failing."""

    defaults = {}

    def __init__(self, data=None, *args, **kwargs):
        data = without_empty_values(data)
        self.ignored = []
        for name, filter_ in self.base_filters.items():
            values = data.getlist(name)
            if isinstance(filter_, CHOICE_FILTERS) and values:
                known = self.known_values(filter_, values)
                for value in values:
                    if value not in known:
                        self.ignored.append((name, value, "it is not one of the options."))
                data.setlist(name, [value for value in values if value in known])
        self.defaulted = {name for name in self.defaults if not data.get(name)}
        for name in self.defaulted:
            data[name] = self.defaults[name]
        super().__init__(data, *args, **kwargs)

    @staticmethod
    def known_values(filter_, values):
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            return set(filter_.queryset.filter(slug__in=values).values_list("slug", flat=True))
        return {str(value) for value, _ in filter_.extra["choices"]}

    @property
    def cleaned_data(self):
        """Return the values of the parameters that made sense."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def problems(self):
        """Return (parameter, value, reason) for every parameter value that makes no sense."""
        problems = list(self.ignored)
        for name, errors in self.errors.items():
            problems.extend((name, self.data.get(name, ""), error) for error in errors)
        return problems

    @property
    def messages(self):
        """Return a sentence for every parameter value that was ignored."""
        messages = []
        for name, value, reason in self.problems:
            label = self.filters[name].label.lower() if name in self.filters else name
            messages.append(f"Ignored {label} “{shorten(value)}”: {reason}")
        return messages

    def query_in_force(self):
        """Return the parameters that made sense, as the request gave them: no ignored values, no defaults."""
        query = QueryDict(mutable=True)
        self.form.is_valid()
        for name in self.filters:
            if name not in self.errors and name not in self.defaulted and self.data.getlist(name):
                query.setlist(name, self.data.getlist(name))
        return query

    def selection_without(self, name):
        """Return the selection with every valid filter applied except `name` (and sorting)."""
        queryset = self.queryset.all()
        for other, value in self.cleaned_data.items():
            if other not in (name, "sort"):
                queryset = self.filters[other].filter(queryset, value)
        return queryset


def without_empty_values(data):
    """Return a mutable copy of the query as chosen: control and invisible characters, which no one types and nothing
    echoes, removed; then empty values, which mean "not chosen", never "ignored", left out."""
    cleaned = QueryDict(mutable=True)
    if data is not None and not isinstance(data, QueryDict):
        data = QueryDict(urlencode(data, doseq=True))
    for name, values in (data or QueryDict()).lists():
        chosen = [value for value in map(visible, values) if value.strip()]
        if chosen:
            cleaned.setlist(name, chosen)
    return cleaned


def visible(text):
    """Return text without control or invisible (format) characters."""
    return "".join(character for character in text if unicodedata.category(character)[0] != "C")


def shorten(text, length=40):
    """Return text fit to quote back: without control or invisible characters, and at most `length` long."""
    text = visible(text)
    return text if len(text) <= length else text[: length - 1] + "…"


class MutualFilter(LenientFilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=200)
    sector = django_filters.ModelMultipleChoiceFilter(
        queryset=Sector.objects.all(),
        to_field_name="slug",
        method="in_sectors",
        label="Sector",
    )
    region = django_filters.ModelMultipleChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="in_regions",
        label="Region",
    )
    area = django_filters.ModelMultipleChoiceFilter(
        queryset=District.objects.only("pk", "name", "slug"),
        to_field_name="slug",
        method="serving_areas",
        label="Area",
    )
    legal_form = django_filters.MultipleChoiceFilter(
        choices=Mutual.LegalForm.choices, field_name="legal_form", label="Legal form"
    )
    funding = django_filters.MultipleChoiceFilter(
        choices=Contract.FundingType.choices, method="with_funding", label="Funding"
    )
    commissioner = django_filters.ModelMultipleChoiceFilter(
        queryset=Commissioner.objects.with_published_contracts(),
        to_field_name="slug",
        method="with_commissioner",
        label="Buyer",
    )
    value_min = django_filters.NumberFilter(
        method="annual_value_at_least",
        label="Annual value from (£)",
        min_value=0,
        max_value=MAX_MONEY,
        decimal_places=2,
    )
    value_max = django_filters.NumberFilter(
        method="annual_value_at_most",
        label="Annual value up to (£)",
        min_value=0,
        max_value=MAX_MONEY,
        decimal_places=2,
    )
    spun_out_from = IntegerFilter(
        field_name="year_spun_out",
        lookup_expr="gte",
        label="Spun out in or after",
        min_value=1900,
        max_value=2100,
    )
    spun_out_to = IntegerFilter(
        field_name="year_spun_out",
        lookup_expr="lte",
        label="Spun out in or before",
        min_value=1900,
        max_value=2100,
    )
    ending_within = IntegerFilter(
        method="contract_ending_within",
        label="Contract ending within (months)",
        min_value=0,
        max_value=600,
    )
    status = django_filters.ChoiceFilter(
        choices=[*Mutual.Status.choices, (ALL_STATUSES, "All, including closed")],
        method="with_status",
        label="Status",
        empty_label=None,
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="sort_by",
        label="Sort by",
        empty_label=None,
    )

    defaults = {"status": Mutual.Status.ACTIVE}

    class Meta:
        model = Mutual
        fields = []

    def search(self, queryset, name, value):
        queryset, self.search_rank = matching(queryset, value)
        return queryset.order_by(self.search_rank.desc(), by_name())

    def in_sectors(self, queryset, name, sectors):
        if not sectors:
            return queryset
        memberships = Mutual.sectors.through.objects.filter(mutual=OuterRef("pk"), sector__in=sectors)
        return queryset.filter(Exists(memberships))

    def in_regions(self, queryset, name, regions):
        # By key, so the listing needs no join to regions and no DISTINCT.
        return queryset.filter(region__in=regions) if regions else queryset

    def serving_areas(self, queryset, name, districts):
        # Named in any of the districts, or working across regions or nationally (MutualQuerySet.serving).
        return queryset.serving(districts) if districts else queryset

    def with_funding(self, queryset, name, types):
        if not types:
            return queryset
        return queryset.filter(Exists(Contract.objects.filter(mutual=OuterRef("pk"), funding_type__in=types)))

    def with_commissioner(self, queryset, name, commissioners):
        if not commissioners:
            return queryset
        return queryset.filter(Exists(Contract.objects.filter(mutual=OuterRef("pk"), commissioner__in=commissioners)))

    def annual_value_at_least(self, queryset, name, value):
        return with_annual_value(queryset).filter(annual_value__gte=value)

    def annual_value_at_most(self, queryset, name, value):
        return with_annual_value(queryset).filter(annual_value__lte=value)

    def contract_ending_within(self, queryset, name, months):
        today = timezone.localdate()
        horizon = today + timedelta(days=round(months * 30.44))
        ending = Contract.objects.filter(mutual=OuterRef("pk")).current().ending_between(today.year, horizon.year)
        return queryset.filter(Exists(ending))

    def with_status(self, queryset, name, value):
        return queryset if value == ALL_STATUSES else queryset.with_status(value)

    def sort_by(self, queryset, name, value):
        if value == RELEVANCE:
            rank = getattr(self, "search_rank", None)
            return queryset.order_by(rank.desc(), by_name()) if rank is not None else queryset.order_by(by_name())
        if value == "value":
            queryset = queryset.with_annual_value_order()
        return queryset.order_by(*SORTS[value][1])

    def sort_options(self):
        """Return (value, label, selected) of each order that makes sense: "Best match" only with a search."""
        searching = bool(self.cleaned_data.get("q"))
        chosen = self.cleaned_data.get("sort") or self.default_sort()
        return [
            (value, label, value == chosen) for value, (label, _) in SORTS.items() if searching or value != RELEVANCE
        ]

    def default_sort(self):
        return RELEVANCE if self.cleaned_data.get("q") else "name"

    def selection_key(self):
        """Return the valid filters as plain, sorted values: the same selection gives the same key, whatever the page or order."""
        key = []
        for name, value in sorted(self.cleaned_data.items()):
            if name == "sort" or value in (None, "", []):
                continue
            values = value if isinstance(value, list | tuple) or hasattr(value, "model") else [value]
            key.append((name, sorted(str(getattr(v, "pk", v)) for v in values)))
        return key


def with_annual_value(queryset):
    return queryset if "annual_value" in queryset.query.annotations else queryset.with_annual_value()


class DistrictFilter(django_filters.FilterSet):
    """The areas index's search: the districts whose name holds what was typed (a name too long is ignored)."""

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Search the councils", max_length=100
    )
