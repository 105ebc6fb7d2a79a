"""An imported past year was published elsewhere, on a day not known here: the day it was
imported is not its publication day (it showed as "Công bố <import day>")."""

from django.db import migrations


def forget_import_day(apps, schema_editor):
    Campaign = apps.get_model("appraisal", "Campaign")
    Campaign.objects.filter(imported=True).update(published_at=None)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0011_organisation_former_names")]

    operations = [migrations.RunPython(forget_import_day, migrations.RunPython.noop)]
