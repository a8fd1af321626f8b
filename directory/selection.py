"""What a query string selects: for a page, in words and removable tags; for the data formats, strictly or not at all."""

from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma

from .filters import MutualFilter, shorten
from .formats import gbp_short
from .models import Mutual

# Regions named after a compass point read "in the North West"; the others "in London".
COMPASS = ("North", "South", "East", "West")
STATUS_WORDS = {
    Mutual.Status.CLOSED: "closed",
    Mutual.Status.MERGED: "merged",
    Mutual.Status.RETURNED_IN_HOUSE: "returned-in-house",
}


@dataclass
class Tag:
    label: str
    query: str  # The listing's query string without this value.


@dataclass
class TagGroup:
    label: str
    tags: list = field(default_factory=list)


@dataclass
class Selection:
    """What a filtered list holds, said in words: "health mutuals in London", with the filters as tags."""

    phrase: str
    groups: list
    count: int

    @property
    def title(self):
        return self.phrase[:1].upper() + self.phrase[1:]

    @property
    def counted(self):
        """Return the phrase with its count: "3 health mutuals in London"."""
        if self.count == 1:
            return f"1 {self.phrase.replace('mutuals', 'mutual', 1)}"
        return f"{intcomma(self.count)} {self.phrase}"


def listed(words, conjunction="or"):
    """Return words joined as "a, b or c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def region_name(region):
    return f"the {region.name}" if region.name.startswith(COMPASS) else region.name


def describe(filterset, count):
    """Return the `count` mutuals a listing's FilterSet selects in words and tags, from the values in force only."""
    data = filterset.cleaned_data
    query = filterset.query_in_force()

    def without(name, value=None):
        remaining = query.copy()
        if value is None:
            remaining.pop(name, None)
        else:
            remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
        encoded = remaining.urlencode()
        return f"?{encoded}" if encoded else "?"

    def group(label, name, tags):
        return TagGroup(label, [Tag(text, without(name, value)) for text, value in tags])

    groups = []
    if data.get("q"):
        groups.append(group("Search", "q", [(f"“{data['q']}”", None)]))
    sectors = list(data.get("sector") or [])
    regions = list(data.get("region") or [])
    districts = list(data.get("area") or [])
    if sectors:
        groups.append(group("Sector", "sector", [(sector.name, sector.slug) for sector in sectors]))
    if regions:
        groups.append(group("Region", "region", [(region.name, region.slug) for region in regions]))
    if districts:
        groups.append(group("Area", "area", [(district.name, district.slug) for district in districts]))
    others = []
    for name in ("legal_form", "funding"):
        if data.get(name):
            labels = dict(filterset.filters[name].extra["choices"])
            others.append(group(filterset.filters[name].label, name, [(labels[v], v) for v in data[name]]))
    if data.get("commissioner"):
        others.append(group("Buyer", "commissioner", [(c.name, c.slug) for c in data["commissioner"]]))
    value = [
        (f"from {gbp_short(data[name])}" if name == "value_min" else f"up to {gbp_short(data[name])}", name)
        for name in ("value_min", "value_max")
        if data.get(name) is not None
    ]
    if value:
        others.append(TagGroup("Annual value", [Tag(text, without(name)) for text, name in value]))
    years = [
        (f"in or after {data[name]}" if name == "spun_out_from" else f"in or before {data[name]}", name)
        for name in ("spun_out_from", "spun_out_to")
        if data.get(name) is not None
    ]
    if years:
        others.append(TagGroup("Spun out", [Tag(text, without(name)) for text, name in years]))
    if data.get("ending_within") is not None:
        months = data["ending_within"]
        others.append(
            group("Contract ending", "ending_within", [(f"within {months} month{'s' * (months != 1)}", None)])
        )
    status = data.get("status")
    if "status" not in filterset.defaulted and status and status != Mutual.Status.ACTIVE:
        label = "All, including closed" if status not in Mutual.Status.values else Mutual.Status(status).label
        groups.append(group("Status", "status", [(label, None)]))
    groups.extend(others)

    noun = f"{listed([s.name.lower() for s in sectors])} mutuals" if sectors else "public service mutuals"
    if status in STATUS_WORDS and "status" not in filterset.defaulted:
        noun = f"{STATUS_WORDS[status]} {noun}"
    phrase = noun
    if regions:
        phrase += f" in {listed([region_name(region) for region in regions])}"
    if districts:
        phrase += f"{',' if regions else ''} working in {listed([d.name for d in districts])}"
    if data.get("q"):
        phrase += f" matching “{data['q']}”"
    if others:
        phrase += f", filtered by {listed([g.label.lower() for g in others], 'and')}"
    if status and status not in Mutual.Status.values:
        phrase += ", of every status"
    return Selection(phrase, groups, count)


class InvalidSelection(ValueError):
    """Query parameters that a data format cannot ignore quietly."""

    def __init__(self, problems):
        self.problems = problems
        self.errors = [
            {"parameter": name, "message": f"Invalid {name} “{shorten(value)}”: {reason}"}
            for name, value, reason in problems
        ]
        self.messages = [error["message"] for error in self.errors]
        super().__init__("; ".join(self.messages))


def strict_selection(data, queryset):
    """Return the filtered queryset for data formats and the API; raise InvalidSelection naming bad parameters."""
    filterset = MutualFilter(data, queryset=queryset)
    if filterset.problems:
        raise InvalidSelection(filterset.problems)
    return filterset.qs
