import random
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from directory.models import (
    ENGLAND_LATITUDE,
    ENGLAND_LONGITUDE,
    Commissioner,
    Contract,
    District,
    Mutual,
    Region,
    Sector,
    Source,
)
from mutuals_site.ops import dataversion
from mutuals_site.ops.progress import Stopwatch, progress_bar

PREFIX, SUFFIX = "Synthetic Mutual ", " (test data)"
MARKER = "Synthetic test data made by make_synthetic_mutuals for load tests; remove with --delete."
BATCH = 2000
# How often each area scope is drawn: most mutuals work locally, about one in ten across regions or nationally.
SCOPE_WEIGHTS = {
    Mutual.AreaScope.LOCAL: 70,
    Mutual.AreaScope.COUNTY: 20,
    Mutual.AreaScope.MULTI_REGIONAL: 7,
    Mutual.AreaScope.NATIONAL: 3,
}


def synthetic_mutuals():
    return Mutual.objects.filter(name__startswith=PREFIX, name__endswith=SUFFIX, notes=MARKER)


class Command(BaseCommand):
    help = "Create N clearly synthetic, published mutuals for load tests, or --delete them all. Never for fixtures."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, nargs="?", default=0, help="How many synthetic mutuals to add.")
        parser.add_argument("--delete", action="store_true", help="Delete every synthetic mutual instead.")
        parser.add_argument("--seed", type=int, default=1, help="Seed for the random choices, for repeatable runs.")

    def handle(self, count, delete, seed, verbosity, **options):
        took = Stopwatch()
        if delete:
            deleted = self.delete_all()
            summary = f"Deleted {deleted:,} synthetic mutuals in {took}."
        elif count > 0:
            made = self.create(count, seed, verbosity)
            summary = (
                f"Created {count:,} synthetic mutuals with {made['sectors']:,} sector links, {made['sources']:,} sources"
                f", {made['contracts']:,} contracts and {made['areas']:,} district links in {took};"
                f" {synthetic_mutuals().count():,} in all."
            )
        else:
            raise CommandError("Give a number of mutuals to create, or --delete.")
        dataversion.bump()
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, and (outside a transaction) a visibility map for index-only scans.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (Mutual, Mutual.sectors.through, Source, Contract, Mutual.districts.through):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        if verbosity:
            self.stdout.write(summary)

    def create(self, count, seed, verbosity=1):
        sectors, regions = list(Sector.objects.all()), list(Region.objects.all())
        if not sectors or not regions:
            raise CommandError(
                "Load the seed data first (manage.py loaddata mutuals): synthetic mutuals use its sectors and regions."
            )
        commissioners = list(Commissioner.objects.all()[:50]) or [None]
        districts = list(District.objects.values_list("pk", flat=True))
        start = synthetic_mutuals().count() + 1
        rng = random.Random(seed * 1_000_003 + start)
        made = {"sectors": 0, "sources": 0, "contracts": 0, "areas": 0}
        bar = progress_bar(self, verbosity, total=count, unit=" mutuals", desc="synthetic mutuals")
        for first in range(start, start + count, BATCH):
            numbers = range(first, min(first + BATCH, start + count))
            with transaction.atomic():
                mutuals = Mutual.objects.bulk_create(self.mutual(n, rng, sectors, regions, districts) for n in numbers)
                links = Mutual.sectors.through.objects.bulk_create(
                    Mutual.sectors.through(mutual_id=m.pk, sector_id=sector.pk)
                    for m in mutuals
                    for sector in {m.primary_sector, rng.choice(sectors)}
                )
                sources = Source.objects.bulk_create(
                    Source(
                        mutual=m,
                        url=f"https://example.invalid/synthetic/{m.slug}",
                        title="Synthetic source (test data)",
                    )
                    for m in mutuals
                )
                contracts = Contract.objects.bulk_create(self.contract(m, rng, commissioners) for m in mutuals[::2])
                areas = Mutual.districts.through.objects.bulk_create(
                    link for m in mutuals for link in self.areas(m, rng, districts)
                )
            made["sectors"] += len(links)
            made["sources"] += len(sources)
            made["contracts"] += len(contracts)
            made["areas"] += len(areas)
            bar.update(len(mutuals))
        bar.close()
        return made

    @staticmethod
    def mutual(number, rng, sectors, regions, districts):
        name = f"{PREFIX}{number:06d}{SUFFIX}"
        status = rng.choices(list(Mutual.Status), weights=[85, 7, 4, 4])[0]
        # Without districts loaded, every synthetic mutual works everywhere.
        scopes = {
            scope: weight for scope, weight in SCOPE_WEIGHTS.items() if districts or scope in Mutual.SCOPES_EVERYWHERE
        }
        scope = rng.choices(list(scopes), weights=list(scopes.values()))[0]
        return Mutual(
            area_scope=scope,
            area_basis=Mutual.AreaBasis.SOURCE,
            area_basis_detail="Synthetic areas (test data)",
            area_source_urls=f"https://example.invalid/synthetic/{slugify(name)}/areas",
            name=name,
            slug=slugify(name),
            summary="A made-up organisation for load tests; it does not exist.",
            primary_sector=rng.choice(sectors),
            region=rng.choice(regions),
            town="Synthetic Town",
            latitude=round(rng.uniform(*ENGLAND_LATITUDE), 4),
            longitude=round(rng.uniform(*ENGLAND_LONGITUDE), 4),
            location_basis=Mutual.LocationBasis.TOWN_CENTRE,
            legal_form=rng.choice(list(Mutual.LegalForm)),
            year_spun_out=rng.randint(1995, 2024),
            parent_body="Synthetic Council (test data)",
            staff_count=rng.randint(5, 3000),
            status=status,
            evidence=Mutual.Evidence.UNCONFIRMED,
            notes=MARKER,
            is_published=True,
            last_verified=date(2026, 1, 1),
        )

    @staticmethod
    def areas(mutual, rng, districts):
        """Return the district links of a local mutual (one to three districts) or a county one (two to eight)."""
        if mutual.area_scope not in Mutual.SCOPES_WITH_DISTRICTS:
            return []
        count = rng.randint(1, 3) if mutual.area_scope == Mutual.AreaScope.LOCAL else rng.randint(2, 8)
        chosen = rng.sample(districts, min(count, len(districts)))
        return [Mutual.districts.through(mutual_id=mutual.pk, district_id=district) for district in chosen]

    @staticmethod
    def contract(mutual, rng, commissioners):
        value = Decimal(rng.randint(10, 5000) * 10_000)
        start = rng.randint(2015, 2026)
        return Contract(
            mutual=mutual,
            commissioner=rng.choice(commissioners),
            service="Synthetic services contract (test data)",
            value_gbp=value,
            value_basis=Contract.ValueBasis.ANNUAL,
            annual_value_gbp=value,
            start_year=start,
            end_year=start + rng.randint(1, 7),
            funding_type=rng.choice(list(Contract.FundingType)),
        )

    @staticmethod
    def delete_all():
        """Delete in SQL: the ORM would load every row and write a history record for each."""
        ids = synthetic_mutuals().values("pk")
        total = ids.count()
        with transaction.atomic():
            Mutual.sectors.through.objects.filter(mutual__in=ids)._raw_delete(connection.alias)
            Source.objects.filter(mutual__in=ids)._raw_delete(connection.alias)
            Contract.objects.filter(mutual__in=ids)._raw_delete(connection.alias)
            Mutual.districts.through.objects.filter(mutual__in=ids)._raw_delete(connection.alias)
            Mutual.corrections.rel.related_model.objects.filter(mutual__in=ids).update(mutual=None)
            Mutual.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        return total
