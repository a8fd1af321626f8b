"""The sector in figures: counts and known annual contract value of published mutuals, by dimension."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .db import by_name
from .filters import ALL_STATUSES
from .models import Contract, District, Mutual, Region, Sector

NOT_KNOWN = "Not known"
YEAR_BAND = 5
EVERY_STATUS = {"status": ALL_STATUSES}


@dataclass
class Row:
    """One line of a breakdown: how many mutuals, how many still active, and their known annual value."""

    label: str
    key: str = ""
    count: int = 0
    active: int = 0
    value: Decimal | None = None
    valued: int = 0
    query: dict | None = None
    page_url: str = ""
    count_width: str = "0"
    active_width: str = "0"
    value_width: str = "0"

    @property
    def ended(self):
        return self.count - self.active

    @property
    def listing_query(self):
        """Return the listing's query string for these mutuals of every status, or '' if it cannot select them."""
        return "" if self.query is None else urlencode({**EVERY_STATUS, **self.query})

    @property
    def active_query(self):
        """Return the listing's query string for the active ones, or '' if it cannot select them."""
        if self.query is None:
            return ""
        return urlencode({**{k: v for k, v in self.query.items() if k != "status"}, "status": "active"})


@dataclass
class Breakdown:
    """Mutuals counted and valued by one dimension, ready for a chart and its table."""

    key: str
    title: str
    heading: str
    rows: list
    note: str = ""
    overlapping: bool = False
    totals: dict = field(init=False)

    def __post_init__(self):
        most = max((row.count for row in self.rows), default=0)
        richest = max((row.value or 0 for row in self.rows), default=0)
        for row in self.rows:
            row.count_width = percent(row.count, most)
            row.active_width = percent(row.active, most)
            row.value_width = percent(row.value or 0, richest)
        known = [row.value for row in self.rows if row.value is not None]
        count, active = sum(row.count for row in self.rows), sum(row.active for row in self.rows)
        self.totals = {
            "count": count,
            "active": active,
            "ended": count - active,
            "value": sum(known, Decimal(0)) if known else None,
            "valued": sum(row.valued for row in self.rows),
        }

    @property
    def caption(self):
        return f"Mutuals and known annual value {self.title.lower()}"


def percent(part, whole):
    """Return part as a percentage of whole, as a string for an SVG length (never localised)."""
    return f"{100 * part / whole:.1f}" if whole else "0"


def mutual_counts(mutuals, field):
    """Return {value of `field`: (mutuals, active mutuals)}."""
    rows = (
        mutuals.order_by()
        .values(field)
        .annotate(
            count=Count("pk", distinct=True),
            active=Count("pk", filter=Q(status=Mutual.Status.ACTIVE), distinct=True),
        )
    )
    return {row[field]: (row["count"], row["active"]) for row in rows}


def contract_values(mutuals, field):
    """Return {value of `field`: (known annual value, mutuals with one)} from current contracts' annual equivalents."""
    rows = (
        Contract.objects.filter(mutual__in=mutuals.values("pk"))
        .current()
        .filter(annual_value_gbp__isnull=False)
        .order_by()
        .values(field)
        .annotate(total=Sum("annual_value_gbp"), valued=Count("mutual", distinct=True))
    )
    return {row[field]: (row["total"], row["valued"]) for row in rows}


class Counted:
    """The counts and values of a set of mutuals by one dimension, counted from the data (see tallies.Tallied)."""

    def __init__(self, mutuals):
        self.mutuals = mutuals

    def counts(self, field):
        """Return {value of `field`: (mutuals, active mutuals)}; `field` "funding_type" for their contracts' types."""
        if field == "funding_type":
            contracts = Contract.objects.filter(mutual__in=self.mutuals.values("pk")).order_by()
            active = Q(mutual__status=Mutual.Status.ACTIVE)
            rows = contracts.values("funding_type").annotate(
                count=Count("mutual", distinct=True), active=Count("mutual", filter=active, distinct=True)
            )
            return {row["funding_type"]: (row["count"], row["active"]) for row in rows}
        return mutual_counts(self.mutuals, field)

    def values(self, field):
        """Return {value of `field`: (known annual value of current contracts, mutuals with one)}."""
        return contract_values(self.mutuals, field if field == "funding_type" else f"mutual__{field}")

    def unfunded(self):
        """Return how many mutuals have no funding recorded, and how many of them are active."""
        unfunded = self.mutuals.exclude(pk__in=Contract.objects.values("mutual")).aggregate(
            count=Count("pk"), active=Count("pk", filter=Q(status=Mutual.Status.ACTIVE))
        )
        return unfunded["count"], unfunded["active"]

    @staticmethod
    def reach():
        """Return the districts reached by the active published mutuals named in them, whatever these mutuals are:
        ({sector id: districts}, districts, {sector id: mutuals working everywhere}, mutuals working everywhere)."""
        # Joined rather than `mutual__in` the active ones, which PostgreSQL would list first (every mutual, at 100k).
        named = Mutual.districts.through.objects.filter(
            Mutual.objects.published_condition("mutual__"), mutual__status=Mutual.Status.ACTIVE
        ).order_by()
        by_sector = dict(named.values_list("mutual__sectors").annotate(n=Count("district", distinct=True)))
        everywhere = Mutual.objects.published().with_status(Mutual.Status.ACTIVE).working_everywhere().order_by()
        everywhere_by_sector = dict(everywhere.values_list("sectors").annotate(n=Count("pk", distinct=True)))
        districts = named.aggregate(n=Count("district", distinct=True))["n"]
        return by_sector, districts, everywhere_by_sector, everywhere.count()


def source_for(mutuals, source):
    return source if source is not None else Counted(mutuals)


def make_row(label, key, counts, values, query=None, page_url=""):
    count, active = counts.get(key, (0, 0))
    value, valued = values.get(key, (None, 0))
    return Row(label, str(key or ""), count, active, value, valued, query, page_url)


def by_count(rows):
    """Sort rows by count, largest first, keeping "not known" last."""
    known = sorted((row for row in rows if row.label != NOT_KNOWN), key=lambda row: -row.count)
    return known + [row for row in rows if row.label == NOT_KNOWN and row.count]


def by_sector(mutuals, base_query=None, source=None):
    """Return mutuals and their value by sector; a mutual in several sectors counts in each."""
    rows = group_rows(source_for(mutuals, source), Sector, "sectors", "sector", base_query)
    return Breakdown(
        "sector",
        "By sector",
        "Sector",
        by_count(rows),
        note="A mutual working in several sectors is counted in each of them.",
        overlapping=True,
    )


def by_region(mutuals, base_query=None, source=None):
    """Return mutuals and their value by the region of England they are based in."""
    rows = group_rows(source_for(mutuals, source), Region, "region", "region", base_query)
    return Breakdown("region", "By region", "Region", by_count(rows))


def group_rows(source, model, relation, param, base_query=None):
    counts = source.counts(relation)
    values = source.values(relation)
    rows = []
    for group in model.objects.all():
        row = make_row(group.name, group.pk, counts, values, {**(base_query or {}), param: group.slug})
        row.key, row.page_url = group.slug, group.get_absolute_url()
        rows.append(row)
    rows.append(make_row(NOT_KNOWN, None, counts, values))
    return rows


def by_choice(source, field, choices, base_query=None):
    counts = source.counts(field)
    values = source.values(field)
    rows = [make_row(label, value, counts, values, {**(base_query or {}), field: value}) for value, label in choices]
    rows.append(make_row(NOT_KNOWN, "", counts, values))
    return rows


def by_legal_form(mutuals, base_query=None, source=None):
    """Return mutuals and their value by legal form."""
    rows = by_choice(source_for(mutuals, source), "legal_form", Mutual.LegalForm.choices, base_query)
    return Breakdown("legal-form", "By legal form", "Legal form", by_count(rows))


def by_status(mutuals, base_query=None, source=None):
    """Return mutuals and their value by lifecycle status: the directory's record of survival."""
    source = source_for(mutuals, source)
    counts = source.counts("status")
    values = source.values("status")
    rows = [
        make_row(label, value, counts, values, {**(base_query or {}), "status": value})
        for value, label in Mutual.Status.choices
    ]
    return Breakdown(
        "status",
        "By lifecycle status",
        "Status",
        rows,
        note="Active means the sources we read show no closure, merger or return in-house.",
    )


def by_funding(mutuals, base_query=None, source=None):
    """Return mutuals by the types of funding recorded for them, and current contracts' value by funding type."""
    source = source_for(mutuals, source)
    counts = source.counts("funding_type")
    values = source.values("funding_type")
    rows = [
        make_row(label, value, counts, values, {**(base_query or {}), "funding": value})
        for value, label in Contract.FundingType.choices
    ]
    rows = by_count(rows)
    rows.append(Row("No funding recorded", "none", *source.unfunded()))
    return Breakdown(
        "funding",
        "By funding type",
        "Funding type",
        rows,
        note="A mutual with several types of funding is counted under each.",
        overlapping=True,
    )


def by_spin_out_year(mutuals, base_query=None, source=None):
    """Return mutuals and their value by the five-year period in which they spun out."""
    source = source_for(mutuals, source)
    counts = source.counts("year_spun_out")
    values = source.values("year_spun_out")
    years = [year for year in counts if year is not None]
    rows = []
    if years:
        first = min(years) - min(years) % YEAR_BAND
        for start in range(first, max(years) + 1, YEAR_BAND):
            end = start + YEAR_BAND - 1
            band = Row(
                f"{start}–{end}", str(start), query={**(base_query or {}), "spun_out_from": start, "spun_out_to": end}
            )
            for year in range(start, end + 1):
                count, active = counts.get(year, (0, 0))
                value, valued = values.get(year, (None, 0))
                band.count += count
                band.active += active
                band.valued += valued
                if value is not None:
                    band.value = (band.value or 0) + value
            rows.append(band)
    unknown = make_row(NOT_KNOWN, None, counts, values)
    if unknown.count:
        rows.append(unknown)
    return Breakdown("spin-out-year", "By year of spin-out", "Spun out", rows)


@dataclass
class ReachRow:
    """How many districts have an active mutual named there, and how many active mutuals work everywhere."""

    label: str
    districts: int
    of: int
    everywhere: int
    page_url: str = ""

    @property
    def percent(self):
        return round(100 * self.districts / self.of) if self.of else 0

    @property
    def width(self):
        return percent(self.districts, self.of)


@dataclass
class Reach:
    """England's districts reached by active mutuals named in them, by sector and in all."""

    districts: int
    rows: list
    total: ReachRow


def headline_figures(mutuals, source=None):
    """Return MutualQuerySet.headline_figures() of every published mutual (`mutuals`); from the tallies when `source`
    (tallies.Tallied) is given, adding up a few hundred rows instead of counting every mutual."""
    if source is None:
        return mutuals.headline_figures()
    statuses = source.counts("status")
    values = list(source.values("status").values())
    return {
        "mutuals": sum(count for count, _ in statuses.values()),
        "active": statuses.get(Mutual.Status.ACTIVE, (0, 0))[0],
        "sectors": len([sector for sector in source.counts("sectors") if sector is not None]),
        "regions": len([region for region in source.counts("region") if region is not None]),
        "annual_value": sum(total for total, _ in values) if values else None,
        "mutuals_with_value": sum(valued for _, valued in values),
    }


def with_active_counts(model, source=None):
    """Return every sector or region (`model`), A to Z, each with `active_count`, how many published, active mutuals
    it has (as GroupQuerySet.with_active_counts()); from the tallies when `source` (tallies.Tallied) is given."""
    if source is None:
        return model.objects.with_active_counts()
    counts = source.counts("sectors" if model is Sector else "region")
    groups = list(model.objects.order_by(by_name()))
    for group in groups:
        group.active_count = counts.get(group.pk, (0, 0))[1]
    return groups


def district_reach(source=None):
    """Return how many districts have at least one active published mutual whose areas name them, by sector and
    overall, and how many active published mutuals work across regions or nationally (named in no district, but
    working in all); from the tallies when `source` (tallies.Tallied) is given."""
    by_sector, districts, everywhere_by_sector, everywhere = (source or Counted).reach()
    of = District.objects.count()
    rows = [
        ReachRow(
            sector.name,
            by_sector.get(sector.pk, 0),
            of,
            everywhere_by_sector.get(sector.pk, 0),
            sector.get_absolute_url(),
        )
        for sector in Sector.objects.all()
    ]
    rows.sort(key=lambda row: (-row.districts, -row.everywhere, row.label))
    total = ReachRow("Any sector", districts, of, everywhere)
    return Reach(of, [row for row in rows if row.districts or row.everywhere], total)


def group_figures(mutuals, other, base_query):
    """Return a sector's or a region's figures: its mutuals by status, and by region or sector (`other`)."""
    status = by_status(mutuals, base_query)
    breakdown = {"region": by_region, "sector": by_sector}[other](mutuals, base_query)
    breakdown.rows = [row for row in breakdown.rows if row.count]
    return {"status": status, "breakdown": breakdown, "totals": status.totals}


class Statistics:
    """Every breakdown of a set of mutuals, computed when first read."""

    def __init__(self, mutuals, source=None):
        """`source` (tallies.Tallied) gives the counts and values of every published mutual without counting them."""
        self.mutuals = mutuals
        self.source = source_for(mutuals, source)
        self.year = timezone.localdate().year

    @cached_property
    def status(self):
        return by_status(self.mutuals, source=self.source)

    @cached_property
    def breakdowns(self):
        return [
            by_sector(self.mutuals, source=self.source),
            by_region(self.mutuals, source=self.source),
            by_legal_form(self.mutuals, source=self.source),
            by_funding(self.mutuals, source=self.source),
            by_spin_out_year(self.mutuals, source=self.source),
            self.status,
        ]

    @cached_property
    def reach(self):
        """Districts with an active mutual named there (of every published mutual, whatever `mutuals` is)."""
        return district_reach(self.source)

    @cached_property
    def totals(self):
        totals = dict(self.status.totals)
        totals["ended_percent"] = round(100 * totals["ended"] / totals["count"]) if totals["count"] else 0
        totals["by_status"] = {row.key.replace("-", "_"): row.count for row in self.status.rows}
        return totals

    @cached_property
    def health(self):
        """Return how many mutuals work in health and their share of all, to show how far health dominates."""
        row = next((row for row in self.breakdowns[0].rows if row.key == "health"), None)
        if row is None or not self.totals["count"]:
            return None
        return {"count": row.count, "percent": round(100 * row.count / self.totals["count"])}
