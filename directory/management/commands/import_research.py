from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.research_data import RowError, import_research_files, read_csv
from mutuals_site.ops.progress import Stopwatch, progress_bar

DEFAULT_DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "research"


class Command(BaseCommand):
    help = "Import the researched mutuals, contracts and published figures, creating or updating records by name."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help=f"Folder holding mutuals.csv and contracts.csv (default {DEFAULT_DATA_DIR}).",
        )

    def handle(self, *args, data_dir, verbosity, **options):
        files = ("mutuals.csv", "contracts.csv", "published_figures.csv")
        for name in files:
            if not (data_dir / name).is_file():
                raise CommandError(f"{data_dir / name} not found.")
        took = Stopwatch()
        rows = {name: len(read_csv(data_dir / name)) for name in files}
        try:
            with (
                progress_bar(self, verbosity, total=sum(rows.values()), unit=" rows", desc="research rows") as bar,
                transaction.atomic(),
            ):
                result = import_research_files(data_dir, on_row=bar.update)
        except RowError as error:
            raise CommandError(f"Nothing imported: {error}") from error
        if verbosity:
            self.stdout.write(
                f"Created {len(result.created)} and updated {len(result.updated)} records from {data_dir}"
                f" ({rows['mutuals.csv']} mutuals, {rows['contracts.csv']} contracts and"
                f" {rows['published_figures.csv']} published figures read) in {took}."
            )
