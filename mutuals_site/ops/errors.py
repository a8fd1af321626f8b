"""What counts as the database being unreachable: refused, stopped, or a connection that died mid-request."""

import psycopg
from django.db import InterfaceError, OperationalError

# Django wraps the driver's errors in its own; a few paths (closing a dead connection) let psycopg's through.
DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
