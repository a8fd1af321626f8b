from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.research_data import FILES, RowError, import_research_files, read_csv
from mutuals_site.ops.progress import Stopwatch, progress_bar

DEFAULT_DATA_DIR = Path(settings.BASE_DIR) / "fixtures" / "research"


class Command(BaseCommand):
    help = (
        "Import England's districts and the researched mutuals, contracts, published figures and areas served, "
        "creating or updating records by name."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help=f"Folder holding the research files: {', '.join(map(str, FILES))} (default {DEFAULT_DATA_DIR}).",
        )

    def handle(self, *args, data_dir, verbosity, **options):
        for name in FILES:
            if not (data_dir / name).is_file():
                raise CommandError(f"{data_dir / name} not found.")
        took = Stopwatch()
        rows = {name.name: len(read_csv(data_dir / name)) for name in FILES if name.suffix == ".csv"}
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
                f" ({rows['mutuals.csv']} mutuals, {rows['contracts.csv']} contracts,"
                f" {rows['published_figures.csv']} published figures and the areas of {len(result.areas)} mutuals"
                f" read) in {took}."
            )
