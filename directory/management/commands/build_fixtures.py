import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mutuals_site.ops.progress import Stopwatch, progress_bar

from .import_research import DEFAULT_DATA_DIR

# Districts before mutuals, which name the districts they serve.
SEED_MODELS = [
    "directory.district",
    "directory.region",
    "directory.sector",
    "directory.commissioner",
    "directory.mutual",
    "directory.contract",
    "directory.source",
    "directory.publishedfigure",
]
DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "fixtures" / "mutuals.json"


class Command(BaseCommand):
    help = "Regenerate fixtures/mutuals.json from the research files, through a fresh SQLite database."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)

    def handle(self, *args, data_dir, output, verbosity, **options):
        took = Stopwatch()
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        with tempfile.TemporaryDirectory() as scratch:
            # A fresh database gives the fixture stable primary keys, whatever the working database holds.
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{Path(scratch) / 'seed.sqlite3'}",
            }
            steps = [
                ["migrate", "--no-input", "--verbosity", "0"],
                ["import_research", "--data-dir", str(data_dir.resolve())],
                [
                    "dumpdata",
                    *SEED_MODELS,
                    "--natural-foreign",
                    "--indent",
                    "1",
                    "--output",
                    str(output.resolve()),
                ],
            ]
            with progress_bar(self, verbosity, total=len(steps) + 1, unit=" steps", desc="build_fixtures") as bar:
                for step in steps:
                    bar.set_postfix_str(step[0])
                    completed = subprocess.run([*manage, *step], env=env, capture_output=True, text=True)
                    if completed.returncode:
                        raise CommandError(f"{' '.join(step[:1])} failed:\n{completed.stderr or completed.stdout}")
                    bar.update()
                bar.set_postfix_str("dates")
                counts = self.stamp_records(output)
                bar.update()
        if verbosity:
            made = ", ".join(f"{n} {model.split('.')[1]}" for model, n in counts.items())
            self.stdout.write(f"Wrote {output}: {sum(counts.values())} records ({made}) in {took}.")

    @staticmethod
    def stamp_records(output):
        """Date each seeded mutual by its research compilation, so rebuilding from the same files changes nothing."""
        records = json.loads(output.read_text(encoding="utf-8"))
        for record in records:
            fields = record["fields"]
            if record["model"] == "directory.mutual" and fields.get("last_verified"):
                fields["created_at"] = fields["updated_at"] = f"{fields['last_verified']}T00:00:00Z"
        output.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return Counter(record["model"] for record in records)
