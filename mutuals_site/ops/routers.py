"""Send public reads to a read replica (DATABASE_REPLICA_URL), and everything else to the primary."""

from contextvars import ContextVar

from .cache import request_is_public

# Whether the request being handled is a public read; outside requests (commands, shells) it is not.
public_read = ContextVar("public_read", default=False)


class PublicReadsRouter:
    """Read from "replica" while answering a public request (see PublicReadsMiddleware); write to "default" always.

    The admin, signed-in users and every request that may write go to the primary, so an editor sees their change at
    once; the public sees it once the replica has it, as the data version is read from the replica too.
    """

    def db_for_read(self, model, **hints):
        return "replica" if public_read.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PublicReadsMiddleware:
    """Mark a public request (GET or HEAD without a session, messages or Authorization) for the router."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = public_read.set(request_is_public(request))
        try:
            return self.get_response(request)
        finally:
            public_read.reset(token)
