"""Every public address in the URLconf, walked from get_resolver() (never a hand-kept list), its path filled in.

A route whose path parameters cannot be filled fails the test that walks it: a new page is never skipped quietly.
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

NOT_PUBLIC = {"admin"}
# The objects a slug can name; a route names its kind, e.g. "directory:api-mutual-detail" or "commissioner-detail".
SLUG_KINDS = ("mutual", "sector", "region", "commissioner", "area")


def public_routes():
    """Yield (name, parameter names) for every route outside the admin, in URLconf order."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in NOT_PUBLIC:
                    inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                    yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"The route {pattern.pattern} has no name, so no test can reverse it"
                yield f"{namespace}{pattern.name}", sorted(pattern.pattern.regex.groupindex)

    yield from walk(get_resolver().url_patterns, "")


def slug_kind(name):
    kinds = [word for word in name.split(":")[-1].split("-") if word in SLUG_KINDS]
    assert len(kinds) == 1, f"Cannot tell what the slug of {name} names: it should say one of {SLUG_KINDS}"
    return kinds[0]


def path_arguments(name, parameters, values):
    """Return every way to fill the route's parameters from `values`: slugs by kind, other parameters by name."""
    if not parameters:
        return [{}]
    assert parameters in (["slug"], ["section"], ["rest"], ["number"], ["record_id"]), (
        f"No way to fill {name}'s parameters {parameters}"
    )
    key = slug_kind(name) if parameters == ["slug"] else parameters[0]
    options = values.get(key)
    assert options, f"No value for {key}, to fill the route {name}"
    return [{parameters[0]: option} for option in options]


def public_urls(values):
    """Return (route name, address) for every public route and every way of filling its path from `values`.

    `values` maps "mutual", "sector", "region", "commissioner" and "area" (a district) to slugs, "section" to sitemap
    sections, "rest" to paths under the API, "number" to dataset versions and "record_id" to Open Referral identifiers.
    """
    urls = []
    for name, parameters in public_routes():
        urls += [(name, reverse(name, kwargs=kwargs)) for kwargs in path_arguments(name, parameters, values)]
    return urls
