"""The dossier is split into tabs, each its own page, so that no page renders the whole history at once.

Other apps add a tab by listing it here; a tab whose URL does not exist (yet) is left out.
"""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from meedoen.accounts.models import Role
from meedoen.policy.services import active_profile

DOSSIER_TABS = [
    ("guidance", _("Begeleiding"), "guidance:resident"),
    ("contact", _("Uitnodigingen en brieven"), "outreach:resident"),
    ("offer", _("Aanbod"), "offer:resident"),
    ("obligations", _("Verplichtingen"), "obligations:resident"),
    ("money", _("Inkomsten en uitkering"), "money:resident"),
]


def dossier_tabs(resident):
    tabs = []
    for key, label, url_name in DOSSIER_TABS:
        try:
            tabs.append({"key": key, "label": label, "url": reverse(url_name, args=[resident.public_id])})
        except NoReverseMatch:
            continue
    return tabs


def dossier_context(request, resident, tab):
    """Context shared by every dossier tab: header, tabs, the profile in force, whether the user may edit."""
    return {
        "resident": resident,
        "profile": active_profile(resident.municipality),
        "dossier_tab": tab,
        "dossier_tabs": dossier_tabs(resident),
        "can_edit": request.user.role in (Role.CASEWORKER, Role.TEAM_LEAD),
    }
