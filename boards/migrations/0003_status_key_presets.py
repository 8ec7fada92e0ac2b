from django.db import migrations

from boards.status_presets import install_presets


def install(apps, schema_editor):
    install_presets(apps.get_model("boards", "StatusKey"), apps.get_model("boards", "StatusOption"))


class Migration(migrations.Migration):
    dependencies = [("boards", "0002_plans_statistics_budget")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
