from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self):
        from mutuals_site.ops import dataversion

        from .db import register_sqlite_functions
        from .tallies import rebuild_after_commit

        connection_created.connect(register_sqlite_functions, dispatch_uid="directory.sqlite_functions")
        # Counts kept with the data are counted again once a change is committed.
        dataversion.changed.connect(rebuild_after_commit, dispatch_uid="directory.tallies")
