import re
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import geo
from .db import FieldCheck, FieldUnique, by_name

# England's bounding box, Isles of Scilly to Berwick-upon-Tweed, Land's End to Lowestoft.
ENGLAND_LATITUDE = (49.8, 55.9)
ENGLAND_LONGITUDE = (-6.5, 1.8)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class Register(models.TextChoices):
    """The registers a mutual's number is on, by their Org-ID list codes (https://org-id.guide/)."""

    COMPANIES_HOUSE = "GB-COH", "Companies House"
    FCA_MUTUALS = "GB-MPR", "FCA Mutuals Public Register"
    CHARITY_COMMISSION = "GB-CHC", "Charity Commission for England and Wales"


# Each register's numbers: (pattern, examples). A number given without its register (in the research files and the
# CSV import) belongs to the first register here whose pattern it fits: the FCA's first, because Companies House also
# lists societies under their IP and RS numbers, the FCA's register being theirs. So a plain number of up to six
# digits is read as the FCA's, and an older, six-digit charity number needs its register chosen in the form.
REGISTRATION_NUMBERS = {
    Register.FCA_MUTUALS: (r"^(IP|RS)?[0-9]{1,6}R?$", "IP27793R or 31151R"),
    Register.COMPANIES_HOUSE: (r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$", "07733466 or SC123456"),
    Register.CHARITY_COMMISSION: (r"^[0-9]{6,7}$", "1170092"),
}
ORG_ID_PATTERN = rf"^({'|'.join(Register.values)})-"


def register_by_form(number):
    """Return the register whose numbers look like `number` (see REGISTRATION_NUMBERS), or None."""
    return next(
        (register for register, (pattern, _) in REGISTRATION_NUMBERS.items() if re.match(pattern, number)), None
    )


UK_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"
WEB_ADDRESS = r"^https?://"
WEB_ADDRESS_MESSAGE = "Enter a full web address starting with http:// or https://, e.g. https://www.example.org/."

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def year_field(verbose_name, help_text):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
        help_text=help_text,
    )


def year_in_range(field):
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": EARLIEST_YEAR, f"{field}__lte": LATEST_YEAR})


def web_address(field, required=False):
    """Return a condition that `field` holds an http(s) address (or is empty, unless `required`)."""
    condition = Q(**{f"{field}__regex": WEB_ADDRESS})
    return condition if required else Q(**{field: ""}) | condition


# One or more http(s) addresses, one a line.
WEB_ADDRESS_LINES = r"^https?://\S+(\nhttps?://\S+)*$"


def web_addresses(text):
    """Return the web addresses in `text`, which separates them by lines, spaces or semicolons."""
    return [address for address in re.split(r"\s*;\s*(?=https?://)|\s+", text.strip()) if address]


def validate_web_addresses(text):
    """Check that each line of `text` is one http(s) address."""
    check = URLValidator(schemes=["http", "https"])
    for line in text.split("\n"):
        try:
            check(line)
        except ValidationError:
            raise ValidationError(
                f"{WEB_ADDRESS_MESSAGE} Put each on a line of its own: “{line[:80]}” is not one."
            ) from None


class WebAddressField(models.URLField):
    """A URL field that takes only http and https addresses, with a message an editor understands."""

    default_validators = [URLValidator(schemes=["http", "https"], message=WEB_ADDRESS_MESSAGE)]

    def formfield(self, **kwargs):
        return super().formfield(
            **{"assume_scheme": "https", "error_messages": {"invalid": WEB_ADDRESS_MESSAGE}, **kwargs}
        )


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class GroupQuerySet(models.QuerySet):
    def with_active_counts(self):
        """Annotate `active_count`: how many published, active mutuals each group has."""
        # Conditions on the joined rows rather than `mutuals__in=<subquery>`: for regions one index-only pass, half the
        # time at 100k mutuals (sectors, joined through their link table, take about as long either way).
        active = MutualQuerySet.published_condition("mutuals__") & Q(mutuals__status=Mutual.Status.ACTIVE)
        # Meta.ordering is dropped from queries that group, so order explicitly.
        return self.annotate(active_count=Count("mutuals", filter=active)).order_by(by_name())

    def with_any_of(self, mutuals):
        """Return the groups that at least one of `mutuals` belongs to."""
        # A subquery that stops at the first row per group: a handful of index probes instead of reading every
        # mutual (a join with DISTINCT took 0.1-0.3 s at 100k mutuals).
        first = mutuals.filter(**{self.model.mutuals.field.name: OuterRef("pk")}).order_by().values("pk")[:1]
        return self.alias(any_mutual=Subquery(first)).filter(any_mutual__isnull=False)


class Group(models.Model):
    """A way mutuals are grouped (a region or a sector), known by its slug."""

    objects = NaturalKeyManager.from_queryset(GroupQuerySet)()

    class Meta:
        abstract = True
        ordering = [by_name()]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Region(Group):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^E12[0-9]{6}$", "An English region's ONS code looks like E12000007.")],
        help_text="The Office for National Statistics code of the region, e.g. E12000007 for London.",
    )

    def get_absolute_url(self):
        return reverse("directory:region-detail", kwargs={"slug": self.slug})


class Sector(Group):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the sector's page.")

    def get_absolute_url(self):
        return reverse("directory:sector-detail", kwargs={"slug": self.slug})


class DistrictQuerySet(models.QuerySet):
    def with_box_containing(self, latitude, longitude):
        """Return the districts whose bounding box holds the point (edges included), by name."""
        return self.filter(west__lte=longitude, east__gte=longitude, south__lte=latitude, north__gte=latitude)

    def with_active_counts(self):
        """Annotate `active_count`: how many published, active mutuals name each district among their areas."""
        active = MutualQuerySet.published_condition("mutuals__") & Q(mutuals__status=Mutual.Status.ACTIVE)
        return self.annotate(active_count=Count("mutuals", filter=active))

    def for_area_list(self):
        """Return the districts the areas index lists: name, slug and active count, A to Z, without boundaries."""
        return self.only("name", "slug").with_active_counts().order_by(by_name())

    def for_picker(self):
        """Return (slug, name) of every district, A to Z, for the "find mutuals in your area" menu."""
        return self.order_by(by_name()).values_list("slug", "name")


class District(models.Model):
    """One of England's local authority districts (ONS, May 2024), with its boundary as GeoJSON text."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="The Office for National Statistics' name, e.g. 'Kingston upon Hull, City of'.",
    )
    slug = models.SlugField(max_length=100, unique=True)
    geometry = models.TextField(
        help_text="The boundary as a GeoJSON Polygon or MultiPolygon in longitude and latitude (WGS84)."
    )
    # The boundary's bounding box, computed on save, so the database can pick the few districts that may hold a point.
    west = models.FloatField(editable=False, db_index=True)
    south = models.FloatField(editable=False, db_index=True)
    east = models.FloatField(editable=False, db_index=True)
    north = models.FloatField(editable=False, db_index=True)

    objects = NaturalKeyManager.from_queryset(DistrictQuerySet)()

    class Meta:
        ordering = [by_name()]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("directory:area-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        try:
            geo.polygons_of(self.geometry)
        except geo.GeometryError as error:
            raise ValidationError({"geometry": str(error)}) from None

    def save(self, *args, **kwargs):
        self.west, self.south, self.east, self.north = geo.bounds(geo.polygons_of(self.geometry))
        super().save(*args, **kwargs)


class MutualQuerySet(models.QuerySet):
    @staticmethod
    def published_condition(prefix=""):
        """Return the condition for a mutual (reached through `prefix`, e.g. "mutuals__") that the public may see."""
        return Q(**{f"{prefix}is_published": True})

    def published(self):
        """Return the mutuals the public may see: the one place publication is decided."""
        return self.filter(self.published_condition())

    def with_status(self, *statuses):
        """Return mutuals in any of the given lifecycle statuses."""
        return self.filter(status__in=statuses)

    def in_sector(self, sector):
        """Return mutuals working in the sector, primary or not."""
        return self.filter(sectors=sector)

    def in_region(self, region):
        """Return mutuals based in the region."""
        return self.filter(region=region)

    def named_in(self, districts):
        """Return mutuals whose areas name any of the districts (local and county mutuals)."""
        served = Mutual.districts.through.objects.filter(mutual=OuterRef("pk"), district__in=districts)
        return self.filter(Exists(served))

    def working_everywhere(self):
        """Return mutuals that work across regions or nationally, whose areas name no districts."""
        return self.filter(area_scope__in=Mutual.SCOPES_EVERYWHERE)

    def serving(self, districts):
        """Return mutuals that serve any of the districts: named there, or working across regions or nationally."""
        served = Mutual.districts.through.objects.filter(mutual=OuterRef("pk"), district__in=districts)
        return self.filter(Exists(served) | Q(area_scope__in=Mutual.SCOPES_EVERYWHERE))

    def with_annual_value(self, year=None):
        """Annotate `annual_value`: the sum of annual equivalents of contracts current in `year`."""
        contracts = Contract.objects.filter(mutual=OuterRef("pk")).current(year)
        total = contracts.order_by().values("mutual").annotate(total=Sum("annual_value_gbp")).values("total")
        return self.annotate(annual_value=Subquery(total, output_field=models.DecimalField(**MONEY_FIELD)))

    def with_next_contract_end(self, year=None):
        """Annotate `next_contract_end`: the earliest end year, `year` or later, of the contracts current then."""
        ends = Contract.objects.filter(mutual=OuterRef("pk"), end_year__isnull=False).current(year)
        return self.annotate(next_contract_end=Subquery(ends.order_by("end_year").values("end_year")[:1]))

    def with_annual_value_order(self, year=None):
        """Alias `annual_value_order`, the same sum as with_annual_value(), computed to sort by."""
        # Summed over a join and grouped, because PostgreSQL runs with_annual_value()'s subquery for every selected
        # mutual before sorting by it: 1.3 s for 100k mutuals, about twice as long as this.
        not_ended = ContractQuerySet.not_ended_condition(year, prefix="contracts__")
        return self.alias(
            current_contracts=models.FilteredRelation("contracts", condition=not_ended),
            annual_value_order=Sum(
                "current_contracts__annual_value_gbp", filter=ContractQuerySet.trading_condition(year)
            ),
        )

    def count_by(self, field):
        """Return {value of `field`: number of mutuals}."""
        rows = self.order_by().values(field).annotate(count=Count("pk"))
        return {row[field]: row["count"] for row in rows}

    def count_by_funding(self):
        """Return {funding type: number of mutuals with funding of that type}."""
        rows = (
            Contract.objects.filter(mutual__in=self.values("pk"))
            .order_by()
            .values("funding_type")
            .annotate(count=Count("mutual", distinct=True))
        )
        return {row["funding_type"]: row["count"] for row in rows}

    def headline_figures(self):
        """Return the count, sectors, regions and known annual contract value of these mutuals."""
        value = (
            Contract.objects.filter(mutual__in=self.values("pk"))
            .current()
            .filter(annual_value_gbp__isnull=False)
            .aggregate(total=Sum("annual_value_gbp"), mutuals=Count("mutual", distinct=True))
        )
        counts = self.aggregate(total=Count("pk"), active=Count("pk", filter=Q(status=Mutual.Status.ACTIVE)))
        return {
            "mutuals": counts["total"],
            "active": counts["active"],
            "sectors": Sector.objects.with_any_of(self).count(),
            "regions": Region.objects.with_any_of(self).count(),
            "annual_value": value["total"],
            "mutuals_with_value": value["mutuals"],
        }

    def extent(self):
        """Return how many of these mutuals have a location, and the box [[south, west], [north, east]] around them."""
        box = self.order_by().aggregate(
            located=Count("latitude"),
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )
        bounds = [[box["south"], box["west"]], [box["north"], box["east"]]] if box["located"] else None
        return {"located": box["located"], "bounds": bounds}

    def with_last_changed(self):
        """Annotate `last_changed`: when an editor last changed the mutual, its contract values or its sources."""

        def latest(history, **link):
            dates = history.objects.filter(**link).order_by().values(*link).annotate(latest=Max("history_date"))
            return Coalesce(Subquery(dates.values("latest")), F("updated_at"))

        return self.annotate(
            last_changed=Greatest(
                latest(Mutual.history.model, id=OuterRef("pk")),
                latest(Contract.history.model, mutual_id=OuterRef("pk")),
                latest(Source.history.model, mutual_id=OuterRef("pk")),
            )
        )

    def for_listing(self):
        """Return mutuals with what a listing row shows: region, sectors and annual value."""
        return self.select_related("region", "primary_sector").prefetch_related("sectors").with_annual_value()

    def for_map(self):
        """Return mutuals with only what a map marker, its popup and the map's list show."""
        return (
            self.select_related("region", "primary_sector")
            .prefetch_related(models.Prefetch("sectors", Sector.objects.only("name", "slug")))
            .only(
                "slug",
                "name",
                "town",
                "status",
                "latitude",
                "longitude",
                "location_basis",
                "location_note",
                "region__slug",
                "region__name",
                "region__ons_code",
                "primary_sector__slug",
                "primary_sector__name",
            )
        )

    def for_area_page(self):
        """Return mutuals with what an area's page shows of each, A to Z."""
        return self.select_related("region", "primary_sector").order_by(by_name())

    def area_page_counts(self, district):
        """Return how many of these mutuals serving the district work everywhere (active ones), and have ended."""
        active = Q(status=Mutual.Status.ACTIVE)
        return self.serving([district]).aggregate(
            everywhere=Count("pk", filter=active & Q(area_scope__in=Mutual.SCOPES_EVERYWHERE)),
            ended=Count("pk", filter=~active),
        )

    def for_detail_page(self):
        """Return mutuals with everything their own page shows, the districts it works in with their boundaries."""
        return self.for_detail(districts=District.objects.all())

    def for_detail(self, districts=None):
        """Return mutuals with everything their record holds (their page, the API, the downloads); `districts` is the
        QuerySet their districts are read with, by default without boundaries."""
        if districts is None:
            districts = District.objects.only("name", "slug")
        return (
            self.select_related("region", "primary_sector")
            .prefetch_related(
                "sectors",
                "sources",
                models.Prefetch("contracts", Contract.objects.select_related("commissioner")),
                models.Prefetch("districts", districts),
            )
            .with_annual_value()
        )


class Mutual(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        MERGED = "merged", "Merged or absorbed"
        RETURNED_IN_HOUSE = "returned-in-house", "Returned in-house"

    class Evidence(models.TextChoices):
        PSM = "psm", "Staff-owned or staff-controlled mutual"
        UNCONFIRMED = (
            "staff-control-unconfirmed",
            "Spin-out; staff ownership or control not confirmed",
        )
        BORDERLINE = "borderline", "Borderline case"

    class LegalForm(models.TextChoices):
        CIC = "community-interest-company", "Community interest company"
        CBS = "community-benefit-society", "Community benefit society"
        COOPERATIVE = "co-operative", "Co-operative"
        CLG = "company-limited-by-guarantee", "Company limited by guarantee"
        CLS = "company-limited-by-shares", "Company limited by shares"
        CHARITY = "charity", "Charity"

    Register = Register

    class VerifiedBy(models.TextChoices):
        RESEARCHERS = "researchers", "the directory's researchers"
        EDITOR = "editor", "an editor"

    class LocationBasis(models.TextChoices):
        ADDRESS = "address", "Street address"
        POSTCODE = "postcode", "Postcode centre"
        TOWN_CENTRE = "town-centre", "Town centre (approximate)"

    class AreaScope(models.TextChoices):
        LOCAL = "local", "Local"
        COUNTY = "county", "County"
        MULTI_REGIONAL = "multi-regional", "Multi-regional"
        NATIONAL = "national", "National"

    class AreaBasis(models.TextChoices):
        SOURCE = "source", "A source names the areas"
        PARENT_BODY = "parent-body", "The area of the public body it spun out of"
        CONTRACT = "contract", "The area of a buyer of its services"

    # Local and county mutuals name their districts; multi-regional and national ones work across regions, unlisted.
    SCOPES_WITH_DISTRICTS = (AreaScope.LOCAL, AreaScope.COUNTY)
    SCOPES_EVERYWHERE = (AreaScope.MULTI_REGIONAL, AreaScope.NATIONAL)

    name = models.CharField(
        max_length=200,
        help_text="The organisation's name as it uses it, e.g. 'Accelerate CIC'; unique, ignoring capitals.",
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        error_messages={"unique": "Another mutual already has this slug; the page address must be unique."},
        help_text="Part of the page's address, filled in from the name; never change it once published.",
    )
    summary = models.TextField(
        blank=True,
        help_text="One sentence, in our own words, on what the mutual does. Needed before publishing.",
    )
    services = models.TextField(
        blank=True,
        help_text="A fuller description of the services it delivers, if known.",
    )

    sectors = models.ManyToManyField(
        Sector,
        related_name="mutuals",
        help_text="Every sector it works in, the primary one included.",
    )
    primary_sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="primary_mutuals",
        help_text="The sector it is mainly known for; must be one of its sectors.",
    )
    sector_detail = models.CharField(max_length=300, blank=True, help_text="The sector as the sources describe it.")

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mutuals",
        help_text="The ONS region it is based in; leave empty if not known.",
    )
    town = models.CharField(
        "town or area", max_length=200, blank=True, help_text="Where it works, e.g. 'Tower Hamlets'."
    )
    postcode = models.CharField(
        max_length=10,
        blank=True,
        validators=[RegexValidator(UK_POSTCODE, "Enter a UK postcode in capitals with one space, e.g. E8 4SA.")],
        help_text="Postcode of the registered office, in capitals with one space, e.g. E8 4SA.",
    )
    latitude = models.FloatField(
        null=True,
        blank=True,
        help_text="Decimal degrees, e.g. 51.525; must be inside England. Pick it on the map or type it.",
    )
    longitude = models.FloatField(
        null=True,
        blank=True,
        help_text="Decimal degrees, e.g. -0.033 (west of Greenwich is negative); must be inside England.",
    )
    location_basis = models.CharField(
        "how the location was found",
        max_length=20,
        choices=LocationBasis,
        blank=True,
        help_text="Anything but a street address is shown to the public as approximate.",
    )
    location_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Which place the coordinates stand for, e.g. 'town centre (Leeds)'.",
    )

    area_scope = models.CharField(
        "scope of its work",
        max_length=20,
        choices=AreaScope,
        blank=True,
        help_text=(
            "Where it delivers its services. Local: the districts it serves; county: every district of a county; "
            "multi-regional or national: no districts. Leave empty if not known."
        ),
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="mutuals",
        verbose_name="districts it serves",
        help_text="The local authority districts where it delivers its services, for a local or county scope.",
    )
    area_basis = models.CharField(
        "how its areas were found",
        max_length=20,
        choices=AreaBasis,
        blank=True,
        help_text="Needed with a scope; shown wherever its areas are.",
    )
    area_basis_detail = models.TextField(
        "how its areas were found, in words",
        blank=True,
        help_text="E.g. 'Kingston and Richmond from launch (1 Apr 2014); Windsor and Maidenhead from 1 Aug 2017'.",
    )
    area_source_urls = models.TextField(
        "sources of its areas",
        blank=True,
        validators=[validate_web_addresses],
        help_text="The pages that show where it works, one address per line, e.g. a CQC inspection page.",
    )
    area_quote = models.TextField(
        "the source's words on its areas",
        blank=True,
        help_text="The sentence of that page that names the areas.",
    )

    website = WebAddressField(
        max_length=300,
        blank=True,
        help_text="The organisation's own site, e.g. https://www.example.org/.",
    )
    legal_form = models.CharField(
        max_length=40,
        choices=LegalForm,
        blank=True,
        help_text="As registered; leave empty if not known.",
    )
    ownership_detail = models.CharField(
        "legal form and ownership, as sources put it",
        max_length=500,
        blank=True,
        help_text="How staff own or control it, in the sources' words (e.g. 'employees 75.1%').",
    )
    register = models.CharField(
        max_length=6,
        choices=Register,
        blank=True,
        help_text="Where its registration number is registered.",
    )
    registration_number = models.CharField(
        max_length=12,
        blank=True,
        help_text=" ".join(
            f"{register.label}: e.g. {example}." for register, (_, example) in REGISTRATION_NUMBERS.items()
        ),
    )

    year_spun_out = year_field("year spun out", "The year it left the public sector.")
    parent_body = models.CharField(
        "spun out from",
        max_length=300,
        blank=True,
        help_text="The public body it spun out of.",
    )

    staff_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Only where the sources give one unambiguous figure.",
    )
    staff_count_detail = models.CharField(
        "staff count, as sources put it",
        max_length=300,
        blank=True,
        help_text="The sources' own words, e.g. '30 (CQC, 2018); 7 at start'.",
    )
    turnover_gbp = models.DecimalField(
        "annual turnover (£)",
        null=True,
        blank=True,
        help_text="Pounds, without commas or the £ sign, e.g. 1250000.",
        **MONEY_FIELD,
    )
    turnover_period = models.CharField(
        "turnover year, as sources put it",
        max_length=200,
        blank=True,
        help_text="The year or accounting period the turnover is for, e.g. 'year to March 2024'.",
    )

    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.ACTIVE,
        help_text="Closed, merged and returned-in-house mutuals stay in the directory, shown as such.",
    )
    status_year = year_field("year of status change", "When it closed, merged or returned in-house.")
    status_note = models.TextField(
        blank=True,
        help_text="What happened, in a sentence, with its source listed below.",
    )
    evidence = models.CharField(
        "evidence of staff ownership or control",
        max_length=30,
        choices=Evidence,
        default=Evidence.UNCONFIRMED,
        help_text="How strongly the sources show that staff own or control it; shown on the public page.",
    )
    notes = models.TextField(blank=True, help_text="Caveats from the sources, shown on the public page.")

    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Drafts are never shown publicly. Publishing needs a summary and at least one source.",
    )
    last_verified = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked this record against its sources.",
    )
    last_verified_by = models.CharField(
        "last verified by",
        max_length=20,
        choices=VerifiedBy,
        default=VerifiedBy.RESEARCHERS,
        help_text="Who checked it, as a role: set to an editor when an editor marks it verified or changes the date.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = MutualQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sectors, districts])

    class Meta:
        ordering = [by_name()]
        # Each rule once: the database refuses a row that breaks it, and a form says so beside the field.
        constraints = [
            FieldUnique(
                Lower("name"),
                name="mutual_name_unique_ignoring_case",
                field="name",
                violation_error_message="A mutual with this name already exists (names are compared ignoring capitals).",
            ),
            FieldCheck(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="mutual_location_has_both_coordinates",
                field="longitude",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            FieldCheck(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=ENGLAND_LATITUDE[0], latitude__lte=ENGLAND_LATITUDE[1]),
                name="mutual_latitude_in_england",
                field="latitude",
                violation_error_message=f"Latitude must be between {ENGLAND_LATITUDE[0]} and {ENGLAND_LATITUDE[1]} (England).",
            ),
            FieldCheck(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=ENGLAND_LONGITUDE[0], longitude__lte=ENGLAND_LONGITUDE[1]),
                name="mutual_longitude_in_england",
                field="longitude",
                violation_error_message=f"Longitude must be between {ENGLAND_LONGITUDE[0]} and {ENGLAND_LONGITUDE[1]} (England).",
            ),
            FieldCheck(
                condition=web_address("website"),
                name="mutual_website_is_web_address",
                field="website",
                violation_error_message=WEB_ADDRESS_MESSAGE,
            ),
            FieldCheck(
                condition=Q(postcode="") | Q(postcode__regex=UK_POSTCODE),
                name="mutual_postcode_format",
                field="postcode",
                violation_error_message="Enter a UK postcode in capitals with one space, e.g. E8 4SA.",
            ),
            FieldCheck(
                condition=Q(is_published=False) | ~Q(summary=""),
                name="mutual_published_has_summary",
                field="summary",
                violation_error_message="A published mutual needs a summary: write one, or leave it as a draft.",
            ),
            FieldCheck(
                condition=Q(turnover_gbp__isnull=True) | Q(turnover_gbp__gte=0),
                name="mutual_turnover_not_negative",
                field="turnover_gbp",
                violation_error_message="Turnover cannot be negative.",
            ),
            FieldCheck(condition=year_in_range("year_spun_out"), name="mutual_year_spun_out_plausible"),
            FieldCheck(condition=year_in_range("status_year"), name="mutual_status_year_plausible"),
            FieldCheck(
                condition=Q(register="", registration_number="") | (~Q(register="") & ~Q(registration_number="")),
                name="mutual_register_and_number_together",
                field="registration_number",
                violation_error_message="Give both the register and the registration number, or neither.",
            ),
            *(
                FieldCheck(
                    condition=~Q(register=register) | Q(registration_number__regex=pattern),
                    name=f"mutual_{register.lower().replace('-', '_')}_number_format",
                    field="registration_number",
                    violation_error_message=f"This is not a {register.label} number; they look like {example}.",
                )
                for register, (pattern, example) in REGISTRATION_NUMBERS.items()
            ),
            FieldCheck(
                condition=Q(area_scope="", area_basis="", area_basis_detail="", area_source_urls="", area_quote="")
                | ~Q(area_scope=""),
                name="mutual_areas_have_a_scope",
                field="area_scope",
                violation_error_message="Choose the scope of its work: how its areas were found describes them.",
            ),
            FieldCheck(
                condition=Q(area_scope="") | ~Q(area_basis=""),
                name="mutual_areas_have_a_basis",
                field="area_basis",
                violation_error_message="Say how its areas were found: a source, the parent body's area or a contract's.",
            ),
            FieldCheck(
                condition=Q(area_source_urls="") | Q(area_source_urls__regex=WEB_ADDRESS_LINES),
                name="mutual_area_sources_are_web_addresses",
                field="area_source_urls",
                violation_error_message=WEB_ADDRESS_MESSAGE,
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "status", "name"], name="mutual_listing_idx"),
            # Covers the listing's facet counts and selection subqueries: index-only scans on PostgreSQL.
            models.Index(
                fields=["is_published", "status"], include=["id", "region", "legal_form"], name="mutual_facets_idx"
            ),
            models.Index(fields=["year_spun_out"], name="mutual_year_idx"),
            models.Index(fields=["staff_count"], name="mutual_staff_idx"),
            models.Index(fields=["latitude", "longitude"], name="mutual_location_idx"),
            # The few that work across regions or nationally, for the statistics' districts reached (partial index).
            models.Index(
                fields=["status", "is_published"],
                condition=Q(area_scope__in=["multi-regional", "national"]),
                name="mutual_everywhere_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:mutual-detail", kwargs={"slug": self.slug})

    def rule_errors(self, *fields):
        """Return {field: message} for the rules on `fields` alone that this record breaks (the model's constraints)."""
        others = {field.name for field in self._meta.concrete_fields} - set(fields)
        try:
            self.validate_constraints(exclude=others)
        except ValidationError as error:
            return {name: " ".join(messages) for name, messages in error.message_dict.items()}
        return {}

    def district_error(self, districts):
        """Return what is wrong with `districts` as the districts it serves, given its scope, or ''."""
        if self.area_scope in self.SCOPES_WITH_DISTRICTS and not districts:
            return f"Choose the districts a {self.area_scope} mutual serves."
        if not self.area_scope and districts:
            return "Choose the scope of its work (local or county) for these districts, or remove them."
        if self.area_scope and self.area_scope not in self.SCOPES_WITH_DISTRICTS and districts:
            return (
                f"A {self.get_area_scope_display().lower()} mutual works across regions: leave the districts empty, "
                "or choose a local or county scope."
            )
        return ""

    def publication_problems(self):
        """Return why this record may not be published yet: an empty list when it may."""
        problems = []
        if not self.summary.strip():
            problems.append("it has no summary")
        if not self.sources.exists():
            problems.append("it has no sources")
        return problems

    @property
    def org_id(self):
        """Return the Org-ID identifier, e.g. GB-COH-07733466, or '' if unregistered."""
        if not (self.register and self.registration_number):
            return ""
        return f"{self.register}-{self.registration_number}"

    @property
    def place(self):
        """Return where it is based in words, each name once: 'Batley, Yorkshire and The Humber', 'London'."""
        names = [self.town, self.region.name if self.region else ""]
        return ", ".join(
            name for i, name in enumerate(names) if name and name.lower() not in map(str.lower, names[:i])
        )

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def works_everywhere(self):
        """Return whether it works across regions or nationally, so serves every district without naming them."""
        return self.area_scope in self.SCOPES_EVERYWHERE

    @property
    def area_sources(self):
        """Return the pages that show where it works, as the sources partial lists them."""
        return [AreaSource(url) for url in self.area_source_urls.split()]

    @property
    def location_is_approximate(self):
        return self.has_location and self.location_basis != self.LocationBasis.ADDRESS

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def status_colour(self):
        """Return the colour of its status tag (GOV.UK Frontend's tag modifiers)."""
        return STATUS_COLOURS[self.status]

    @property
    def evidence_tag(self):
        """Return the words of a tag saying the evidence is weak, or '' when it shows a staff-controlled mutual."""
        return EVIDENCE_TAGS.get(self.evidence, "")

    @property
    def evidence_caveat(self):
        """Return a sentence on what the sources do not show, or '' when they show a staff-controlled mutual."""
        return EVIDENCE_CAVEATS.get(self.evidence, "")


class AreaSource:
    """A page that shows where a mutual works (one line of Mutual.area_source_urls), listed like a Source."""

    backs = "where it works"

    def __init__(self, url):
        self.url = url

    @property
    def label(self):
        return urlsplit(self.url).hostname.removeprefix("www.")


STATUS_COLOURS = {
    Mutual.Status.ACTIVE: "green",
    Mutual.Status.CLOSED: "grey",
    Mutual.Status.MERGED: "purple",
    Mutual.Status.RETURNED_IN_HOUSE: "orange",
}
EVIDENCE_TAGS = {
    Mutual.Evidence.UNCONFIRMED: "Staff control not confirmed",
    Mutual.Evidence.BORDERLINE: "Borderline case",
}
EVIDENCE_CAVEATS = {
    Mutual.Evidence.UNCONFIRMED: "The sources we read show it spun out of the public sector, but not that its staff "
    "own or control it.",
    Mutual.Evidence.BORDERLINE: "A borderline case: the sources show it is owned mainly by councils, schools or a "
    "private partner, or that it pre-dates the mutuals programme.",
}


class CommissionerQuerySet(models.QuerySet):
    def with_published_contracts(self):
        """Return buyers with at least one contract with a published mutual."""
        # The first such contract of each buyer, looked up buyer by buyer: as EXISTS, PostgreSQL joined every contract
        # to every published mutual first (0.1 s at 100k mutuals for a few dozen buyers).
        published = Contract.objects.filter(
            MutualQuerySet.published_condition("mutual__"), commissioner=OuterRef("pk")
        )
        return self.alias(published_contract=Subquery(published.order_by().values("pk")[:1])).filter(
            published_contract__isnull=False
        )

    def with_totals(self, year=None):
        """Annotate the published mutuals, contracts and known annual value of current contracts of each buyer."""
        published = Q(contracts__mutual__in=Mutual.objects.published().values("pk"))
        current = ContractQuerySet.current_condition(year, prefix="contracts__")
        return self.annotate(
            mutual_count=Count("contracts__mutual", filter=published, distinct=True),
            contract_count=Count("contracts", filter=published, distinct=True),
            annual_value=Sum("contracts__annual_value_gbp", filter=published & current),
        )

    def for_index(self):
        """Return the buyers the public index lists, with their totals, in order of kind and name."""
        kinds = [kind for kind, _ in Commissioner.Kind.choices]
        order = models.Case(*(models.When(kind=kind, then=position) for position, kind in enumerate(kinds)))
        return self.with_published_contracts().with_totals().order_by(order, "name")

    def for_api(self):
        """Return the buyers of published mutuals with those contracts, for the API's list of buyers."""
        published = Contract.objects.filter(mutual__in=Mutual.objects.published())
        return self.filter(Exists(published.filter(commissioner=OuterRef("pk")))).prefetch_related(
            models.Prefetch("contracts", published.select_related("mutual"), to_attr="published_contracts")
        )

    def for_detail(self):
        """Return buyers with their totals and their contracts with published mutuals, for a buyer's page."""
        contracts = (
            Contract.objects.filter(mutual__in=Mutual.objects.published().values("pk"))
            .select_related("mutual")
            .order_by(by_name("mutual__name"), F("end_year").desc(nulls_last=True), "service")
        )
        return (
            self.with_published_contracts()
            .with_totals()
            .prefetch_related(models.Prefetch("contracts", contracts, to_attr="published_contracts"))
        )


CommissionerManager = NaturalKeyManager.from_queryset(CommissionerQuerySet)


class Commissioner(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        NHS = "nhs", "NHS body"
        CENTRAL_GOVERNMENT = "central-government", "Central government"
        OTHER = "other", "Other funder"

    name = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)

    objects = CommissionerManager()
    history = HistoricalRecords()

    class Meta:
        ordering = [by_name()]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("directory:commissioner-detail", kwargs={"slug": self.slug})


class ContractQuerySet(models.QuerySet):
    @staticmethod
    def current_condition(year=None, prefix=""):
        """Return the condition for a contract (reached through `prefix`) current in `year` (this year by default).

        Current: not ended before that year, and held by a mutual still trading then (see trading_condition()).
        """
        return ContractQuerySet.not_ended_condition(year, prefix) & ContractQuerySet.trading_condition(
            year, f"{prefix}mutual__"
        )

    @staticmethod
    def not_ended_condition(year=None, prefix=""):
        """Return the condition for a contract (reached through `prefix`) not ended before `year`."""
        year = year or timezone.localdate().year
        return Q(**{f"{prefix}end_year__isnull": True}) | Q(**{f"{prefix}end_year__gte": year})

    @staticmethod
    def trading_condition(year=None, prefix=""):
        """Return the condition for a mutual (reached through `prefix`) still trading in `year`.

        A mutual that closed, merged or returned in-house holds no current contracts after that year, nor at all when
        the year is not known.
        """
        year = year or timezone.localdate().year
        return Q(**{f"{prefix}status": Mutual.Status.ACTIVE}) | Q(**{f"{prefix}status_year__gte": year})

    def current(self, year=None):
        """Return contracts that have not ended before `year` (this year by default)."""
        return self.filter(self.current_condition(year))

    def ending_between(self, first_year, last_year):
        """Return contracts whose end year falls between the two years, inclusive."""
        return self.filter(end_year__gte=first_year, end_year__lte=last_year)


class Contract(models.Model):
    class ValueBasis(models.TextChoices):
        ANNUAL = "annual", "A year"
        WHOLE_LIFE = "whole-life", "Whole life of the contract"
        UNKNOWN = "unknown", "Not known"

    class FundingType(models.TextChoices):
        PUBLIC_CONTRACT = "public-contract", "Public contract"
        GRANT = "grant", "Grant"
        PERSONAL_BUDGETS = "personal-budgets", "Personal budgets"
        SERVICE_USER_FEES = "service-user-fees", "Service-user fees"
        TRADING = "trading", "Trading or commercial income"
        OTHER = "other", "Other"

    mutual = models.ForeignKey(Mutual, on_delete=models.CASCADE, related_name="contracts")
    commissioner = models.ForeignKey(
        Commissioner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text="The body that buys the service or gives the funding.",
    )
    service = models.CharField(max_length=500, help_text="What the money pays for.")
    value_gbp = models.DecimalField(
        "value (£)",
        null=True,
        blank=True,
        help_text="Pounds, without commas or the £ sign; leave empty if the source gives none.",
        **MONEY_FIELD,
    )
    value_basis = models.CharField(
        max_length=20,
        choices=ValueBasis,
        default=ValueBasis.UNKNOWN,
        help_text="Whether the value is for one year or the contract's whole life.",
    )
    annual_value_gbp = models.DecimalField(
        "annual equivalent (£)",
        null=True,
        blank=True,
        editable=False,
        help_text="Computed: the annual value, or a whole-life value divided by the years between start and end.",
        **MONEY_FIELD,
    )
    start_year = year_field("start year", "The year the contract or funding started.")
    end_year = year_field("end year", "The year it ends or ended, if known.")
    funding_type = models.CharField(max_length=30, choices=FundingType, default=FundingType.PUBLIC_CONTRACT)
    funding_detail = models.CharField(max_length=300, blank=True, help_text="The funding as the source describes it.")
    source_url = WebAddressField(
        "source",
        max_length=500,
        blank=True,
        help_text="The page that states the value, e.g. a contract notice.",
    )
    source_quote = models.TextField(blank=True, help_text="The source's own words for the value.")

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("end_year").desc(nulls_last=True), "service"]
        constraints = [
            FieldCheck(
                condition=Q(value_gbp__isnull=True) | Q(value_gbp__gte=0),
                name="contract_value_not_negative",
                field="value_gbp",
                violation_error_message="A contract value cannot be negative.",
            ),
            FieldCheck(
                condition=Q(start_year__isnull=True) | Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="contract_ends_after_it_starts",
                field="end_year",
                violation_error_message="The end year cannot be before the start year.",
            ),
            models.CheckConstraint(
                condition=year_in_range("start_year"),
                name="contract_start_year_plausible",
            ),
            models.CheckConstraint(condition=year_in_range("end_year"), name="contract_end_year_plausible"),
            models.CheckConstraint(
                condition=web_address("source_url"),
                name="contract_source_is_web_address",
                violation_error_message=WEB_ADDRESS_MESSAGE,
            ),
        ]
        indexes = [
            models.Index(fields=["end_year"], name="contract_end_year_idx"),
            models.Index(fields=["funding_type", "mutual"], name="contract_funding_idx"),
            models.Index(fields=["annual_value_gbp"], name="contract_annual_value_idx"),
        ]

    def __str__(self):
        return f"{self.service} ({self.mutual})"

    def save(self, *args, **kwargs):
        self.annual_value_gbp = self.compute_annual_value()
        super().save(*args, **kwargs)

    def compute_annual_value(self):
        """Return the value for one year where the data allows it, else None."""
        if self.value_gbp is None:
            return None
        if self.value_basis == self.ValueBasis.ANNUAL:
            return self.value_gbp
        if self.value_basis == self.ValueBasis.WHOLE_LIFE and self.term_years:
            return (self.value_gbp / Decimal(self.term_years)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return None

    @property
    def term_years(self):
        """Return the years between start and end year, or None if not both known and apart."""
        if self.start_year and self.end_year and self.end_year > self.start_year:
            return self.end_year - self.start_year
        return None

    @property
    def value_basis_words(self):
        """Return what the value covers, as a table cell says it: 'a year', 'whole life' or 'basis not known'."""
        return VALUE_BASIS_WORDS[self.value_basis]

    @property
    def annual_value_is_derived(self):
        return self.annual_value_gbp is not None and self.value_basis != self.ValueBasis.ANNUAL


VALUE_BASIS_WORDS = {
    Contract.ValueBasis.ANNUAL: "a year",
    Contract.ValueBasis.WHOLE_LIFE: "whole life",
    Contract.ValueBasis.UNKNOWN: "basis not known",
}


class Source(models.Model):
    mutual = models.ForeignKey(Mutual, on_delete=models.CASCADE, related_name="sources")
    url = WebAddressField("address", max_length=500, help_text="The page's full address, e.g. https://www.gov.uk/….")
    title = models.CharField(max_length=300, blank=True, help_text="The page's own title, if known.")
    backs = models.CharField(
        "what it backs",
        max_length=300,
        blank=True,
        help_text="Which facts this source supports, e.g. 'spin-out year, staff count'. Leave empty for the record in general.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Sources are listed in this order.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mutual", "url"],
                name="source_url_unique_per_mutual",
                violation_error_message="This source is already listed for this mutual.",
            ),
            models.CheckConstraint(
                condition=web_address("url", required=True),
                name="source_is_web_address",
                violation_error_message=WEB_ADDRESS_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def label(self):
        """Return the page's title where known, else the name of the site it is on, e.g. 'gov.uk'."""
        return self.title or urlsplit(self.url).hostname.removeprefix("www.")


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        """Return the reports an editor has yet to finish: new ones and those being checked."""
        return self.filter(status__in=[Correction.Status.NEW, Correction.Status.CHECKING])


class Correction(models.Model):
    """What a reader tells the editors: a mistake on a record, or a mutual the directory does not list."""

    class Kind(models.TextChoices):
        MISTAKE = "mistake", "Mistake on a record"
        MISSING = "missing-mutual", "Mutual we don't list"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CHECKING = "checking", "Checking"
        ADDED = "added", "Added or corrected"
        DECLINED = "declined", "Declined"

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.MISTAKE)
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.NEW,
        help_text="Checking while you look into it; added (or corrected) once the directory shows it; declined when "
        "the sources do not bear it out.",
    )
    mutual = models.ForeignKey(
        Mutual,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The record the report is about; empty for a suggested mutual or the directory in general.",
    )
    name = models.CharField(
        "the mutual's name", max_length=200, blank=True, help_text="For a suggested mutual: its name."
    )
    website = models.URLField("its website", max_length=300, blank=True)
    message = models.TextField("what is wrong or missing", max_length=4000)
    source_url = models.URLField("a source that shows it", max_length=500, blank=True)
    email = models.EmailField("your email, if you would like a reply", blank=True)
    editor_note = models.TextField(
        "editors' note", blank=True, help_text="For the editors only: what was checked, what was changed or why not."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CorrectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "reader's report"
        indexes = [models.Index(fields=["status", "-created_at"], name="correction_queue_idx")]

    def __str__(self):
        if self.kind == self.Kind.MISSING:
            subject = f"Suggested mutual: {self.name or 'name not given'}"
        else:
            subject = f"Mistake on {self.mutual.name if self.mutual else 'the directory'}"
        return f"{subject} ({self.created_at:%d %b %Y})"


class PublishedFigureQuerySet(models.QuerySet):
    HEADLINE = ("mutuals_count", "services_value")

    def headline(self):
        """Return the most recent published count of mutuals and value of their services, by figure."""
        latest = {}
        for figure in self.filter(figure__in=self.HEADLINE).order_by("position"):
            latest.setdefault(figure.figure, figure)
        return latest


class PublishedFigure(models.Model):
    """A figure about the whole sector that others have published, shown beside the directory's own."""

    figure = models.SlugField(
        max_length=60,
        help_text="What is counted, e.g. mutuals_count or services_value.",
    )
    value = models.DecimalField(**MONEY_FIELD)
    unit = models.CharField(max_length=60, help_text="E.g. organisations, GBP a year, percent.")
    as_of = models.CharField(
        "as of",
        max_length=200,
        help_text="The date the figure describes, as the source gives it.",
    )
    scope = models.CharField(max_length=300)
    source_url = models.URLField("source", max_length=500)
    wording = models.TextField(help_text="The source's own words.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Newer or more authoritative figures first.")

    objects = PublishedFigureQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.figure}: {self.value} {self.unit} ({self.as_of})"


class Tally(models.Model):
    """How many published mutuals, and their known annual value, share a status, region, legal form, sector and type
    of funding: counts kept with the data (directory/tallies.py rebuilds them after every change), so the listing's
    facets and the statistics add up a few hundred rows instead of counting every mutual.

    `sector` is a sector's id, ANY_SECTOR (0: every mutual once, whatever its sectors) or NO_SECTOR (-1: mutuals with
    none); `funding` a funding type, ANY_FUNDING ("": every mutual once) or NO_FUNDING (mutuals with no contract). A
    mutual in two sectors is counted in each sector's rows and once in the ANY_SECTOR rows, and likewise for funding.
    `value` sums the annual equivalents of its current contracts (of that funding type, in a funding's rows) and
    `valued` counts the mutuals with one.
    """

    ANY_SECTOR, NO_SECTOR = 0, -1
    ANY_FUNDING, NO_FUNDING = "", "none"

    status = models.CharField(max_length=20)
    region = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    legal_form = models.CharField(max_length=40)
    sector = models.IntegerField()
    funding = models.CharField(max_length=30)
    count = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    valued = models.PositiveIntegerField()
    # How many have a location, and the box around them (for the map of a large selection).
    located = models.PositiveIntegerField()
    south = models.FloatField(null=True)
    west = models.FloatField(null=True)
    north = models.FloatField(null=True)
    east = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["sector", "funding"], name="tally_key_idx")]

    def __str__(self):
        return f"{self.count} mutuals: {self.status}, region {self.region_id}, {self.legal_form}, {self.sector}, {self.funding}"


class YearTally(models.Model):
    """How many published mutuals of a status spun out in a year, and their known annual value (see Tally)."""

    status = models.CharField(max_length=20)
    year_spun_out = models.PositiveSmallIntegerField(null=True)
    count = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    valued = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.count} mutuals: {self.status}, spun out {self.year_spun_out}"


class DistrictTally(models.Model):
    """How many active published mutuals of a sector (or of any, Tally.ANY_SECTOR) name a district among their areas,
    or, with no district, work across regions or nationally: the statistics' districts reached, kept with the data as
    Tally is."""

    sector = models.IntegerField()
    district = models.ForeignKey(District, null=True, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    count = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.count} active mutuals of sector {self.sector} in district {self.district_id}"


class TallyState(models.Model):
    """The data version and year the tallies were counted for: they are used only while both are still current."""

    version = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"tallies of data version {self.version}, {self.year}"
