from django.core.management.base import BaseCommand

from directory import tallies
from mutuals_site.ops.progress import Stopwatch


class Command(BaseCommand):
    help = (
        "Count the tallies (the counts kept with the data for the listing's facets and the statistics) again, unless"
        " they are up to date. Every change to directory data does this once committed; this is for by hand."
    )

    def handle(self, verbosity, **options):
        took = Stopwatch()
        counted = tallies.rebuild()
        if verbosity:
            self.stdout.write(f"Counted the tallies again in {took}." if counted else "The tallies were up to date.")
