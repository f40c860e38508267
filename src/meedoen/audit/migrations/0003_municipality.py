"""Each audit entry names its municipality (the actor's), so a functioneel beheerder reads only the own trail.
Existing entries take their actor's municipality (entries without an actor stay without one: superusers' view)."""
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    User = apps.get_model("accounts", "User")
    AuditEntry.objects.filter(actor__isnull=False).update(
        municipality_id=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("municipality_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_partition_by_month'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='municipality_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['municipality_id', '-occurred_at'], name='audit_municipality_idx'),
        ),
    ]
