"""What search engines read: schema.org descriptions of the directory's records."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import Mutual

# The characters that could end or confuse a <script> element, escaped as JSON allows.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def organization(record):
    """Return a schema.org Organization for a published mutual's record, holding only the facts the directory knows."""
    closed = record["status"] == Mutual.Status.CLOSED
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": record["name"],
        "url": record["url"],
        "description": record["summary"],
        "sameAs": [record["website"]] if record["website"] else None,
        "foundingDate": str(record["year_spun_out"]) if record["year_spun_out"] else None,
        "dissolutionDate": str(record["status_year"]) if closed and record["status_year"] else None,
        "identifier": (
            {"@type": "PropertyValue", "propertyID": "Org-ID", "value": record["org_id"]} if record["org_id"] else None
        ),
        "areaServed": area_served(record["areas"]),
    }
    address = {"addressLocality": record["town"], "postalCode": record["postcode"]}
    if any(address.values()):
        data["address"] = {"@type": "PostalAddress", **address, "addressCountry": "GB"}
    return without_blanks(data)


def area_served(areas):
    """Return where the mutual works as schema.org places: its districts, or England for a national mutual; None where
    not known, and for a multi-regional one, whose regions are not recorded."""
    if areas is None:
        return None
    if areas["scope"] == Mutual.AreaScope.NATIONAL:
        return {"@type": "Country", "name": "England"}
    return [{"@type": "AdministrativeArea", "name": district["name"]} for district in areas["districts"]] or None


def without_blanks(data):
    return {
        key: without_blanks(value) if isinstance(value, dict) else value
        for key, value in data.items()
        if value not in (None, "", [])
    }


def json_ld(data):
    """Return `data` in a <script type="application/ld+json"> element, escaped so no value can end it."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
