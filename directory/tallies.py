"""Counts kept with the data: the Tally, YearTally and DistrictTally rows, rebuilt after every change, and what they
answer.

Counting 100,000 mutuals for the listing's facets or the statistics reads every row of the selection each time; the
tallies hold the same counts grouped by status, region, legal form, sector and funding type (a few thousand rows at
most, however many mutuals), so those pages add up a few hundred. They are rebuilt from the data in one transaction
once a change to directory data is committed (the data version's `changed` signal), and by `manage.py
rebuild_tallies`. Every reader first checks that they were counted for the current data version and year
(`fresh()`); if not (a rebuild not yet done, or failed), it counts from the data as before: never a wrong number.
The district tallies hold the statistics' districts reached: the active mutuals named in each district, by sector.

The listing's facets come from the tallies only for the selections they can answer exactly: by at most one sector,
at most one funding type, any regions and legal forms, and a status; anything else (a search, a buyer, a value range,
an area…) is counted from the data.
"""

import logging
import threading
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import DecimalField, Max, Min, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from mutuals_site.ops import dataversion
from mutuals_site.ops.models import DataVersion

from .models import Contract, DistrictTally, Mutual, Tally, TallyState, YearTally

logger = logging.getLogger(__name__)

STATE_ID = 1
# The filters whose facet counts the tallies answer; "sort" chooses no mutuals.
TALLIED_FILTERS = {"sector", "region", "legal_form", "funding", "status", "sort"}


def this_year():
    return timezone.localdate().year


def fresh():
    """Return whether the tallies were counted for the data as it is now (version and year): one small query."""
    version = DataVersion.objects.filter(pk=dataversion.ROW_ID).values("version")
    return TallyState.objects.filter(pk=STATE_ID, year=this_year(), version=Subquery(version)).exists()


def rebuild():
    """Count the tallies again from the data, for the data version of that moment, in one transaction."""
    with transaction.atomic():
        # One rebuild at a time: a second waits here, then counts the first one's data and anything newer.
        state, _ = TallyState.objects.select_for_update().get_or_create(
            pk=STATE_ID, defaults={"version": -1, "year": 0}
        )
        version = DataVersion.objects.filter(pk=dataversion.ROW_ID).values_list("version", flat=True).first() or 0
        year = this_year()
        if (state.version, state.year) == (version, year):
            return False
        for model in (Tally, YearTally, DistrictTally):
            model.objects.all().delete()
        with connection.cursor() as cursor:
            for sql, params in counting_sql(year):
                cursor.execute(sql, params)
        state.version, state.year = version, year
        state.save()
    return True


# Whether this thread is answering a request, and whether a change committed during it waits for a rebuild.
requests = threading.local()


def rebuild_after_commit(**kwargs):
    """Once a change to directory data is committed, count the tallies again (readers count from the data till then).

    During a request, once its response has been sent (request_finished), so that an editor's save does not wait
    for it and the several changes of one request are counted once; elsewhere (commands, the shell) at once.
    """
    transaction.on_commit(rebuild_soon)


def rebuild_soon():
    if getattr(requests, "answering", False):
        requests.changed = True
    else:
        rebuild_quietly()


def request_started(**kwargs):
    if getattr(requests, "changed", False):  # The last request's response was never closed: count them now.
        rebuild_quietly()
    requests.answering, requests.changed = True, False


def request_finished(**kwargs):
    changed = getattr(requests, "changed", False)
    requests.answering, requests.changed = False, False
    if changed:
        rebuild_quietly()


def rebuild_quietly():
    try:
        rebuild()
    except Exception:  # The readers count from the data while the tallies are stale: slower, never wrong.
        logger.exception("The tallies could not be counted again; pages count from the data until they are.")


def counting_sql(year):
    """Return the SQL and parameters that count every tally and year tally row, and the tables they fill.

    Plain SQL that PostgreSQL and SQLite both run: each published mutual's contracts are summed once per funding type
    (`funded`) and once in all (`valued`), then joined to the mutuals and grouped, so no count needs DISTINCT. A
    contract counts in the known annual value as in stats.contract_values(): with an annual equivalent, not ended
    before `year`, of a mutual still trading then (ContractQuerySet.current_condition()).
    """
    quote = connection.ops.quote_name
    mutual = (
        Mutual.objects.published()
        .order_by()
        .values("id", "status", "region_id", "legal_form", "year_spun_out", "status_year", "latitude", "longitude")
    )
    mutual_sql, mutual_params = mutual.query.sql_with_params()
    contract, sectors = quote(Contract._meta.db_table), quote(Mutual.sectors.through._meta.db_table)
    trading = "(m.status = %s OR m.status_year >= %s)"
    common = f"""WITH m AS ({mutual_sql}),
        funded AS (
            SELECT mutual_id, funding_type,
                SUM(CASE WHEN (end_year IS NULL OR end_year >= %s) THEN annual_value_gbp END) AS total
            FROM {contract} GROUP BY mutual_id, funding_type
        ),
        valued AS (SELECT mutual_id, SUM(total) AS total FROM funded GROUP BY mutual_id)
    """
    params = [*mutual_params, year]
    value = f"SUM(CASE WHEN {trading} THEN {{t}}.total END), COUNT(CASE WHEN {trading} THEN {{t}}.total END)"
    value_params = [Mutual.Status.ACTIVE, year] * 2

    def part(sector, funding, joins, group):
        table = "f" if "funded f" in joins else "v"
        sql = (
            f"SELECT m.status, m.region_id, m.legal_form, {sector}, {funding}, COUNT(*), {value.format(t=table)},"
            " COUNT(m.latitude), MIN(m.latitude), MIN(m.longitude), MAX(m.latitude), MAX(m.longitude)"
            f" FROM m {joins} GROUP BY m.status, m.region_id, m.legal_form{group}"
        )
        return sql, value_params

    by_sector = f"LEFT JOIN {sectors} s ON s.mutual_id = m.id"
    parts = [
        part("%s", "%s", "LEFT JOIN valued v ON v.mutual_id = m.id", ""),
        part("COALESCE(s.sector_id, %s)", "%s", f"{by_sector} LEFT JOIN valued v ON v.mutual_id = m.id", ", s.sector_id"),
        part("%s", "COALESCE(f.funding_type, %s)", "LEFT JOIN funded f ON f.mutual_id = m.id", ", f.funding_type"),
        part("COALESCE(s.sector_id, %s)", "COALESCE(f.funding_type, %s)", f"{by_sector} LEFT JOIN funded f ON f.mutual_id = m.id", ", s.sector_id, f.funding_type"),
    ]  # fmt: skip
    keys = [
        [Tally.ANY_SECTOR, Tally.ANY_FUNDING],
        [Tally.NO_SECTOR, Tally.ANY_FUNDING],
        [Tally.ANY_SECTOR, Tally.NO_FUNDING],
        [Tally.NO_SECTOR, Tally.NO_FUNDING],
    ]
    tally_columns = (
        "status, region_id, legal_form, sector, funding, count, value, valued, located, south, west, north, east"
    )
    tally_sql = f"{common} INSERT INTO {quote(Tally._meta.db_table)} ({tally_columns}) " + " UNION ALL ".join(
        sql for sql, _ in parts
    )
    tally_params = params + [
        p for (_, part_params), key in zip(parts, keys, strict=True) for p in [*key, *part_params]
    ]
    year_sql = (
        f"{common} INSERT INTO {quote(YearTally._meta.db_table)} (status, year_spun_out, count, value, valued)"
        f" SELECT m.status, m.year_spun_out, COUNT(*), {value.format(t='v')}"
        f" FROM m LEFT JOIN valued v ON v.mutual_id = m.id GROUP BY m.status, m.year_spun_out"
    )
    return [(tally_sql, tally_params), (year_sql, params + value_params), reach_sql()]


def reach_sql():
    """Return the SQL and parameters that count the district tallies: the active published mutuals named in each
    district, in all and by sector, and those working everywhere (no district), in all and by sector."""
    quote = connection.ops.quote_name
    active = Mutual.objects.published().filter(status=Mutual.Status.ACTIVE).order_by().values("id", "area_scope")
    active_sql, active_params = active.query.sql_with_params()
    links, sectors = quote(Mutual.districts.through._meta.db_table), quote(Mutual.sectors.through._meta.db_table)
    named, in_sector = f"JOIN {links} l ON l.mutual_id = a.id", f"JOIN {sectors} s ON s.mutual_id = a.id"
    everywhere = "WHERE a.area_scope IN (%s, %s)"
    sql = (
        f"WITH a AS ({active_sql}) INSERT INTO {quote(DistrictTally._meta.db_table)} (sector, district_id, count)"
        f" SELECT %s, l.district_id, COUNT(*) FROM a {named} GROUP BY l.district_id"
        f" UNION ALL SELECT s.sector_id, l.district_id, COUNT(*) FROM a {named} {in_sector} GROUP BY s.sector_id, l.district_id"
        f" UNION ALL SELECT %s, NULL, COUNT(*) FROM a {everywhere}"
        f" UNION ALL SELECT s.sector_id, NULL, COUNT(*) FROM a {in_sector} {everywhere} GROUP BY s.sector_id"
    )  # fmt: skip
    scopes = list(Mutual.SCOPES_EVERYWHERE)
    return sql, [*active_params, Tally.ANY_SECTOR, Tally.ANY_SECTOR, *scopes, *scopes]


# The listing's facets


def usable_for(filterset):
    """Return whether the tallies answer this selection and are up to date; asked once per selection."""
    if not hasattr(filterset, "tallies_usable"):
        filterset.tallies_usable = can_count(filterset) and fresh()
    return filterset.tallies_usable


def can_count(filterset):
    """Return whether the tallies answer this selection's facet counts exactly."""
    chosen = {name: values for name, values in filterset.selection_key() if values}
    return (
        set(chosen) <= TALLIED_FILTERS and len(chosen.get("sector", [])) <= 1 and len(chosen.get("funding", [])) <= 1
    )


def selection_rows(filterset, all_statuses):
    """Return the tally rows that hold the selection's mutuals once each (see can_count())."""
    data = filterset.cleaned_data
    sectors, funding = list(data.get("sector") or []), list(data.get("funding") or [])
    regions, legal_forms = [region.pk for region in data.get("region") or []], list(data.get("legal_form") or [])
    status = data.get("status") or Mutual.Status.ACTIVE
    rows = Tally.objects.filter(
        sector=sectors[0].pk if sectors else Tally.ANY_SECTOR, funding=funding[0] if funding else Tally.ANY_FUNDING
    )
    if regions:
        rows = rows.filter(region__in=regions)
    if legal_forms:
        rows = rows.filter(legal_form__in=legal_forms)
    return rows if status == all_statuses else rows.filter(status=status)


def extent(filterset, all_statuses):
    """Return the same as MutualQuerySet.extent() for the selection, from the tallies (see can_count())."""
    box = selection_rows(filterset, all_statuses).aggregate(
        located=Sum("located"), south=Min("south"), west=Min("west"), north=Max("north"), east=Max("east")
    )
    located = box["located"] or 0
    bounds = [[box["south"], box["west"]], [box["north"], box["east"]]] if located else None
    return {"located": located, "bounds": bounds}


def facet_counts(filterset, all_statuses):
    """Return the same counts as facets.counts(filterset), from the tallies (see can_count())."""
    data = filterset.cleaned_data
    sectors, funding = list(data.get("sector") or []), list(data.get("funding") or [])
    regions, legal_forms = [region.pk for region in data.get("region") or []], list(data.get("legal_form") or [])
    sector = sectors[0].pk if sectors else Tally.ANY_SECTOR
    funding = funding[0] if funding else Tally.ANY_FUNDING
    status = data.get("status") or Mutual.Status.ACTIVE
    conditions = {
        "region": Q(region__in=regions) if regions else Q(),
        "legal_form": Q(legal_form__in=legal_forms) if legal_forms else Q(),
        "status": Q() if status == all_statuses else Q(status=status),
    }

    def count(facet, field, *key, **keys):
        others = [condition for name, condition in conditions.items() if name != facet]
        rows = Tally.objects.filter(*others, *key, **keys).order_by().values(field).annotate(n=Sum("count"))
        return {row[field]: row["n"] for row in rows if row["n"]}

    return {
        "sector": count("sector", "sector", funding=funding, sector__gt=0),
        "region": count("region", "region", sector=sector, funding=funding),
        "legal_form": count("legal_form", "legal_form", sector=sector, funding=funding),
        "funding": count(
            "funding", "funding", Q(sector=sector) & ~Q(funding__in=[Tally.ANY_FUNDING, Tally.NO_FUNDING])
        ),
        "status": count("status", "status", sector=sector, funding=funding),
    }


# The statistics of every published mutual


def of_every_published_mutual():
    """Return the tallies (a Tallied) when they were counted for the data as it is now, else None: count from the data."""
    return Tallied() if fresh() else None


class Tallied:
    """The statistics' counts and values by one dimension, from the tallies: the same answers as stats.Counted."""

    def __init__(self):
        self.cache = {}

    def rows(self, key, field):
        if key not in self.cache:
            if field == "year_spun_out":
                queryset = YearTally.objects.all()
            elif field == "funding":
                queryset = Tally.objects.filter(sector=Tally.ANY_SECTOR).exclude(funding=Tally.ANY_FUNDING)
            elif field == "sector":
                queryset = Tally.objects.filter(funding=Tally.ANY_FUNDING).exclude(sector=Tally.ANY_SECTOR)
            else:
                queryset = Tally.objects.filter(sector=Tally.ANY_SECTOR, funding=Tally.ANY_FUNDING)
            money = DecimalField(max_digits=20, decimal_places=2)
            self.cache[key] = list(
                queryset.order_by()
                .values(field, "status")
                .annotate(n=Sum("count"), total=Cast(Sum("value"), money), n_valued=Sum("valued"))
            )
        return self.cache[key]

    def counts(self, field):
        """Return {value of `field`: (mutuals, active mutuals)}, as stats.Counted.counts()."""
        key = FIELDS[field]
        totals = defaultdict(lambda: [0, 0])
        for row in self.rows(key, key):
            value = self.key_value(key, row[key])
            totals[value][0] += row["n"]
            if row["status"] == Mutual.Status.ACTIVE:
                totals[value][1] += row["n"]
        return {value: tuple(pair) for value, pair in totals.items() if pair[0]}

    def values(self, field):
        """Return {value of `field`: (known annual value, mutuals with one)}, as stats.Counted.values()."""
        key = FIELDS[field]
        totals = {}
        for row in self.rows(key, key):
            if not row["n_valued"]:
                continue
            value = self.key_value(key, row[key])
            total, valued = totals.get(value, (0, 0))
            totals[value] = (total + (row["total"] or 0), valued + row["n_valued"])
        return totals

    def unfunded(self):
        """Return how many mutuals have no funding recorded, and how many of them are active."""
        counts = self.counts("funding_type")
        return counts.get(Tally.NO_FUNDING, (0, 0))

    def reach(self):
        """Return the districts reached, as stats.Counted.reach(): ({sector id: districts}, districts, {sector id:
        mutuals working everywhere}, mutuals working everywhere)."""
        rows = DistrictTally.objects.filter(count__gt=0).order_by().values("sector", "district")
        districts = defaultdict(int)
        everywhere = {}
        for row in rows.annotate(n=Sum("count")):
            if row["district"] is None:
                everywhere[row["sector"]] = row["n"]
            else:
                districts[row["sector"]] += 1
        any_sector = Tally.ANY_SECTOR
        return (
            {sector: n for sector, n in districts.items() if sector != any_sector},
            districts.get(any_sector, 0),
            {sector: n for sector, n in everywhere.items() if sector != any_sector},
            everywhere.get(any_sector, 0),
        )

    @staticmethod
    def key_value(key, value):
        if key == "sector":
            return None if value == Tally.NO_SECTOR else value
        return value


# stats.py's names for the dimensions, and the tallies' columns.
FIELDS = {
    "sectors": "sector",
    "region": "region",
    "legal_form": "legal_form",
    "status": "status",
    "year_spun_out": "year_spun_out",
    "funding_type": "funding",
}
