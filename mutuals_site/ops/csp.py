import re
from functools import cache

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

PLACEHOLDER = "csp-nonce-placeholder"
PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@cache  # Emptied when tests change settings (ops.apps).
def site_policy(with_nonce):
    """Return the site-wide policy, with a placeholder for the nonce if asked."""
    return build_policy(nonce=PLACEHOLDER if with_nonce else None)


@cache  # Emptied when tests change settings (ops.apps).
def embed_pattern():
    return re.compile(settings.EMBED_URLS_REGEX)


def embeddable(path):
    """Return whether the page at `path` may be framed by other sites (EMBED_URLS_REGEX)."""
    return bool(embed_pattern().match(path))


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once rather than twice for every response.

    Responses that django-csp's decorators give a policy of their own, a report-only policy, and DEBUG all take
    django-csp's own path; so do the pages other sites may frame (EMBED_URLS_REGEX), whose frame-ancestors is
    EMBED_FRAME_ANCESTORS and which lose X-Frame-Options.
    """

    def process_response(self, request, response):
        if embeddable(request.path_info):
            # By path, here outside the page cache, so that a cached copy is framable too, and every other page not.
            response._csp_replace = {
                **getattr(response, "_csp_replace", {}),
                "frame-ancestors": settings.EMBED_FRAME_ANCESTORS,
            }
            del response["X-Frame-Options"]
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if settings.DEBUG or report_only or any(hasattr(response, attribute) for attribute in PER_RESPONSE):
            return super().process_response(request, response)
        excluded = request.path_info.startswith(
            tuple(settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES", ()))
        )
        if HEADER not in response and not getattr(response, "_csp_exempt", False) and not excluded:
            nonce = getattr(request, "_csp_nonce", None)
            response[HEADER] = site_policy(bool(nonce)).replace(PLACEHOLDER, nonce or "")
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
