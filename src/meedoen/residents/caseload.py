"""Caseload figures for team leads: workload against the profile's norms, and continuity. No outflow rankings
(DESIGN §4.9): team leads see workload, follow-up and continuity, not a league table of people."""
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from meedoen.accounts.models import Role, User

from .models import CaseworkerAssignment


def weighted_load(intensive: int, light: int, norms: dict) -> float:
    """Share of a full caseload: each intensive resident counts 1/norm_intensive, each light one 1/norm_light."""
    return intensive / norms["intensive"] + light / norms["light"]


@dataclass
class CaseworkerLoad:
    caseworker: User
    total: int
    intensive: int
    light: int
    load: float
    changes_12m: int

    @property
    def load_percent(self):
        return round(self.load * 100)

    @property
    def over_norm(self):
        return self.load > 1.0


def team_overview(team, profile):
    since = timezone.localdate() - timedelta(days=365)
    caseworkers = (
        User.objects.filter(team=team, role=Role.CASEWORKER, is_active=True)
        .annotate(
            total=Count("caseload", distinct=True),
            intensive=Count("caseload", filter=Q(caseload__intensity="intensive"), distinct=True),
        )
        .order_by("last_name", "first_name")
    )
    # Changes of caseworker in the last 12 months for residents now on each caseload: a current assignment that
    # started in that period and followed an earlier one (a first assignment is no change).
    earlier = CaseworkerAssignment.objects.filter(resident=OuterRef("resident"), started_on__lte=OuterRef("started_on"))
    changes = dict(
        CaseworkerAssignment.objects.filter(caseworker__team=team, started_on__gte=since, ended_on__isnull=True)
        .filter(Exists(earlier.exclude(pk=OuterRef("pk"))))
        .values_list("caseworker")
        .annotate(n=Count("id"))
    )
    rows = []
    for cw in caseworkers:
        light = cw.total - cw.intensive
        rows.append(
            CaseworkerLoad(cw, cw.total, cw.intensive, light, weighted_load(cw.intensive, light, profile.caseload_norms),
                           changes.get(cw.pk, 0))
        )
    return rows
