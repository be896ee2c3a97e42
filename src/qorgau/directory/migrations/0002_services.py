from django.db import migrations

from qorgau.directory.catalogue import load_services


def forwards(apps, schema_editor):
    load_services(apps.get_model("directory", "ServiceType"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
