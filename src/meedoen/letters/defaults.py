"""The default letter texts shipped with Meedoen (template_data/), loaded into LetterTemplate rows.

Called by a data migration, by the demo seeder and by `manage.py load_letter_templates`; safe to call again.
"""
from pathlib import Path

from django.db import transaction
from django.db.models import Max

DATA_DIR = Path(__file__).resolve().parent / "template_data"
TONES = ("inviting", "neutral", "obligating")


def parse_template_file(text):
    """`subject: ...` on the first line, a line `---`, then the body."""
    head, sep, body = text.partition("\n---\n")
    if not sep or not head.startswith("subject:"):
        raise ValueError("A letter template file starts with 'subject: ...' and a line '---'.")
    return head.removeprefix("subject:").strip(), body.strip() + "\n"


def shipped_templates():
    """Yield (kind, tone, profile_key, subject, body) for every file in template_data/."""
    from .models import LetterKind

    kinds = set(LetterKind.values)
    for tone in TONES:
        for path in sorted((DATA_DIR / tone).glob("*.html")):
            if path.stem in kinds:
                yield (path.stem, tone, "", *parse_template_file(path.read_text(encoding="utf-8")))
    for profile_dir in sorted((DATA_DIR / "profiles").glob("*/")):
        for path in sorted(profile_dir.glob("*.html")):
            if path.stem in kinds:
                yield (path.stem, "", profile_dir.name, *parse_template_file(path.read_text(encoding="utf-8")))


def load_default_templates(template_model=None):
    """Create version 1 of every shipped text that has no template yet; returns the number of versions made.

    A shipped text that changed in a newer Meedoen becomes a new version only where the active version is still the
    unchanged shipped text: a municipality's own edits are never overwritten. `template_model` is the historical
    model when called from a migration.
    """
    if template_model is None:
        from .models import LetterTemplate as template_model

    made = 0
    with transaction.atomic():
        for kind, tone, profile_key, subject, body in shipped_templates():
            slot = template_model.objects.filter(kind=kind, tone=tone, profile_key=profile_key)
            active = slot.filter(is_active=True).first()
            if active is None:
                if slot.exists():
                    continue  # an administrator took every version of this slot out of use
                template_model.objects.create(
                    kind=kind, tone=tone, profile_key=profile_key, version=1, is_active=True, subject=subject,
                    body=body, is_shipped_default=True,
                )
                made += 1
            elif active.is_shipped_default and (active.subject, active.body) != (subject, body):
                last = slot.aggregate(v=Max("version"))["v"]
                slot.filter(pk=active.pk).update(is_active=False)
                template_model.objects.create(
                    kind=kind, tone=tone, profile_key=profile_key, version=last + 1, is_active=True,
                    subject=subject, body=body, is_shipped_default=True, based_on_id=active.pk,
                )
                made += 1
    return made
