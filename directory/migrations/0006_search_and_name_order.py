"""Full-text search and people's name order on PostgreSQL: its trigram extension, a GIN index, a collated index.

None of this exists on SQLite, which searches stemmed words and folds names with functions of its own (directory/db.py).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Collate

from directory.db import PEOPLES_COLLATION, AddIndexOnPostgreSQL, SortName
from directory.search import search_document


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_performance_indexes"),
    ]

    operations = [
        *(
            migrations.AlterModelOptions(name=model, options={"ordering": [models.OrderBy(SortName("name"))]})
            for model in ("commissioner", "mutual", "region", "sector")
        ),
        # Does nothing on other databases; used for "did you mean" when a search finds nothing.
        TrigramExtension(),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                AddIndexOnPostgreSQL(
                    model_name="mutual",
                    index=GinIndex(search_document(), name="mutual_search_idx"),
                ),
                AddIndexOnPostgreSQL(
                    model_name="mutual",
                    index=models.Index(
                        models.F("is_published"),
                        models.F("status"),
                        Collate("name", PEOPLES_COLLATION),
                        name="mutual_listing_name_idx",
                    ),
                ),
            ],
        ),
    ]
