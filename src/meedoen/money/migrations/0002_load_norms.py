"""Load the shipped norm tables and income rules (money/norms/*.json). Later tables are loaded with
`manage.py load_norms`, or by another data migration like this one."""
from django.db import migrations


def load(apps, schema_editor):
    from meedoen.money import norms

    norms.load_all(NormTable=apps.get_model("money", "NormTable"), IncomeRule=apps.get_model("money", "IncomeRule"),
                   MonthlyCalculation=apps.get_model("money", "MonthlyCalculation"))


class Migration(migrations.Migration):
    dependencies = [("money", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
