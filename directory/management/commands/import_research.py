from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.research_data import FILES, RowError, import_research_files

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

    def handle(self, *args, data_dir, **options):
        for name in FILES:
            if not (data_dir / name).is_file():
                raise CommandError(f"{data_dir / name} not found.")
        try:
            with transaction.atomic():
                result = import_research_files(data_dir)
        except RowError as error:
            raise CommandError(f"Nothing imported: {error}") from error
        self.stdout.write(
            f"Created {len(result.created)} and updated {len(result.updated)} records, and read the areas of "
            f"{len(result.areas)} mutuals, from {data_dir}."
        )
