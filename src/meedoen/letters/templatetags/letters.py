"""`{% load letters %}{% resident_letters resident %}`: the dossier's list of letters, in one query."""
from django import template

register = template.Library()

LIMIT = 50


@register.inclusion_tag("letters/_resident_letters.html")
def resident_letters(resident, limit=LIMIT):
    return {"resident": resident, "resident_letters": list(resident.letters.without_content()[:limit])}
