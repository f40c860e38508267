"""Load the shipped default letter texts (template_data/) as version 1 of each template."""
from django.db import migrations


def load(apps, schema_editor):
    from meedoen.letters.defaults import load_default_templates

    load_default_templates(apps.get_model("letters", "LetterTemplate"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
