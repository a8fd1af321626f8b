"""Create the "Editors" group: it may edit the directory's data and read its history, but not users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# Editors retire a mutual (status, unpublish) rather than delete it; only superusers delete mutuals,
# regions and sectors. Contract values and sources may be deleted: history keeps them.
PERMISSIONS = {
    "region": ["add", "change", "view"],
    "sector": ["add", "change", "view"],
    "commissioner": ["add", "change", "delete", "view"],
    "mutual": ["add", "change", "view"],
    "contract": ["add", "change", "delete", "view"],
    "source": ["add", "change", "delete", "view"],
    "publishedfigure": ["add", "change", "delete", "view"],
    "correction": ["change", "delete", "view"],
    "historicalcommissioner": ["view"],
    "historicalmutual": ["view"],
    "historicalcontract": ["view"],
    "historicalsource": ["view"],
}


def create_editors(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can hold them.
    app_config = apps.get_app_config("directory")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)
    group.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0003_editing_rules"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
