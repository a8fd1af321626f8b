from django.db import models


class DataVersion(models.Model):
    """The one row whose number changes whenever directory data changes, shared by every server process."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"data version {self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
