"""How the directory writes numbers for people: pounds in full or short."""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

NOT_KNOWN = "not known"


def gbp(value):
    """Format pounds as £1,234,567 (pence only when there are some), or 'not known'."""
    if value is None or value == "":
        return NOT_KNOWN
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return f"£{intcomma(f'{value:.{places}f}')}"


def gbp_short(value):
    """Format pounds as £1.6bn, £240m or £750k, or 'not known'."""
    if value is None or value == "":
        return NOT_KNOWN
    value = Decimal(value)
    for size, suffix in ((Decimal(10**9), "bn"), (Decimal(10**6), "m"), (Decimal(10**3), "k")):
        if value >= size:
            return f"£{value / size:.1f}".removesuffix(".0") + suffix
    return gbp(value)
