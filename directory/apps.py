from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from mutuals_site.ops import dataversion

        from . import tallies
        from .db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="directory.sqlite_functions")
        # Counts kept with the data are counted again once a change is committed.
        dataversion.changed.connect(tallies.rebuild_after_commit, dispatch_uid="directory.tallies")
        request_started.connect(tallies.request_started, dispatch_uid="directory.tallies.started")
        request_finished.connect(tallies.request_finished, dispatch_uid="directory.tallies.finished")
