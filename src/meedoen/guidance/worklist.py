"""The worklist: plain rows gathered in a fixed number of queries (whatever the caseload size), classified by the
pure rules.classify(), and the Dutch reason per signal.

Adding a signal (e.g. the partner issue's "no contact since placement" and "returned by a partner"): fill the row
field in `build_rows` with one more query keyed by resident id, and the detector in rules.SIGNALS does the rest;
give it a label and a reason text below.
"""
import datetime as dt
import uuid
from collections import defaultdict
from functools import lru_cache

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.assessment.models import LadderMeasurement

from . import rules
from .models import ActionPlan, Conversation, Task

SIGNAL_LABELS = {
    "overdue_contact": gettext_lazy("Contact te laat"),
    "no_contact_since_placement": gettext_lazy("Geen contact sinds plaatsing"),
    "returned_by_partner": gettext_lazy("Teruggemeld door partner"),
    "task_due": gettext_lazy("Taak te doen"),
    "plan_review_due": gettext_lazy("Plan evalueren"),
    "no_plan": gettext_lazy("Nog geen plan van aanpak"),
    "ladder_due": gettext_lazy("Participatieladder meten"),
    "not_seen_for_a_year": gettext_lazy("Een jaar niet gezien"),
}

RESIDENT_FIELDS = ("pk", "public_id", "first_name", "name_prefix", "last_name", "next_contact_on", "next_contact_rule",
                   "last_contact_on", "current_caseworker_id")


@lru_cache(maxsize=4096)
def _formatted(day, fmt, language):
    return date_format(day, fmt)


def _d(day, fmt="j F Y"):
    """A date in the active language; cached, because a worklist repeats the same few hundred dates."""
    return _formatted(day, fmt, get_language()) if day else ""


@lru_cache(maxsize=1)
def _resident_url_prefix():
    placeholder = uuid.UUID(int=0)
    return reverse("guidance:resident", args=[placeholder]).replace(f"{placeholder}/", "")


def reason(signal):
    """One line in Dutch (B1) that says why this resident is on the worklist."""
    d = signal.detail
    code = signal.code
    if code == "overdue_contact":
        return _("Contact had uiterlijk op %(date)s moeten zijn (%(days)s dagen te laat). Regel: %(rule)s.") % {
            "date": _d(signal.on), "days": d["days"], "rule": d["rule"] or "–"}
    if code == "no_contact_since_placement":
        return _("Geplaatst op %(date)s en sindsdien geen contact (%(days)s dagen).") % {
            "date": _d(signal.on), "days": d["days"]}
    if code == "returned_by_partner":
        return _("Teruggemeld door de partner op %(date)s; nog geen contact daarna.") % {"date": _d(signal.on)}
    if code == "task_due":
        text = _("Taak: %(title)s (uiterlijk %(date)s).") % {"title": d["title"], "date": _d(signal.on)}
        if d["more"]:
            text += " " + _("En nog %(n)s andere taken.") % {"n": d["more"]}
        return text
    if code == "plan_review_due":
        if d["overdue"]:
            return _("De evaluatie van het plan van aanpak was op %(date)s.") % {"date": _d(signal.on)}
        return _("Het plan van aanpak wordt geëvalueerd op %(date)s.") % {"date": _d(signal.on)}
    if code == "no_plan":
        if d["draft"]:
            return _("Het plan van aanpak is nog niet ondertekend (eerste gesprek op %(date)s).") % {
                "date": _d(signal.on)}
        return _("Nog geen plan van aanpak na het eerste gesprek op %(date)s.") % {"date": _d(signal.on)}
    if code == "ladder_due":
        if d["never"]:
            return _("De participatieladder is nog nooit gemeten.")
        return _("De participatieladder is voor het laatst gemeten op %(date)s (meet minstens twee keer per jaar).") % {
            "date": _d(signal.on)}
    if code == "not_seen_for_a_year":
        if d["never"]:
            return _("Nog nooit gesproken.")
        return _("Al meer dan een jaar niet gesproken (laatste contact %(date)s).") % {"date": _d(signal.on)}
    return str(SIGNAL_LABELS.get(code, code))


def build_rows(residents, today):
    """WorklistRows for the residents in `residents` (a queryset) that are in active guidance. Two queries, however
    many residents: the residents with their first conversation, signed plan, draft and last ladder measurement as
    correlated subqueries over indexes, and the open tasks that are due. Rows are read raw (see _raw_rows): this runs
    on every worklist view, and Django's per-value converters were a third of its time."""
    active = residents.filter(guidance_status="active")
    per_resident = {"resident": OuterRef("pk")}
    people = (
        active.annotate(
            first_conversation=Subquery(Conversation.objects.filter(**per_resident).order_by("held_on")
                                        .values("held_on")[:1]),
            signed_review=Subquery(ActionPlan.objects.filter(status=ActionPlan.Status.SIGNED, **per_resident)
                                   .values("review_on")[:1]),
            has_draft=Exists(ActionPlan.objects.filter(status=ActionPlan.Status.DRAFT, **per_resident)),
            last_ladder=Subquery(LadderMeasurement.objects.filter(**per_resident).order_by("-measured_on")
                                 .values("measured_on")[:1]),
        )
        .values_list(*RESIDENT_FIELDS, "first_conversation", "signed_review", "has_draft", "last_ladder")
        .order_by()
    )
    tasks = defaultdict(list)
    for resident_id, kind, title, due_on in _raw_rows(Task.objects.filter(
            resident__in=active.values("pk"), status=Task.Status.OPEN, due_on__lte=today).values_list(
            "resident_id", "kind", "title", "due_on").order_by("due_on", "id")):
        tasks[resident_id].append(rules.DueTask(kind, title, _date(due_on)))
    rows = []
    for (pk, public_id, first, prefix, last, next_on, next_rule, last_contact, caseworker_id, first_conversation,
         signed_review, has_draft, last_ladder) in _raw_rows(people):
        signed_review = _date(signed_review)
        rows.append(rules.WorklistRow(
            resident_id=pk, name=f"{first} {prefix} {last}" if prefix else f"{first} {last}",
            next_contact_on=_date(next_on), next_contact_rule=next_rule, last_contact_on=_date(last_contact),
            first_conversation_on=_date(first_conversation), has_signed_plan=signed_review is not None,
            has_draft_plan=bool(has_draft), plan_review_on=signed_review, last_ladder_on=_date(last_ladder),
            due_tasks=tuple(tasks.get(pk, ())), extra={"public_id": public_id, "caseworker_id": caseworker_id},
        ))
    return rows


def _raw_rows(queryset):
    """The rows of a values_list() queryset as the database driver returns them, without Django's per-value
    converters (a third of the worklist's time at a caseload of 350). Dates are converted by _date(), the public id
    only for the rows that are shown (see present())."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value):
    """A date column as the driver returns it: a date (PostgreSQL) or an ISO string (SQLite)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _public_id(value):
    """A UUID column as the driver returns it: a UUID (PostgreSQL) or 32 hex digits (SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def present(item, labels=None):
    """A worklist item as a plain dict of ready strings for the template: a caseload of 350 is read many times a day,
    so dates, links and reasons are formatted once here rather than by template filters."""
    labels = labels or SIGNAL_LABELS
    public_id = _public_id(item.row.extra["public_id"])
    reasons = [{"code": s.code, "label": labels[s.code], "text": reason(s)} for s in item.signals]
    return {
        "public_id": public_id,
        "url": f"{_resident_url_prefix()}{public_id}/",
        "name": item.row.name,
        "next_contact": _d(item.row.next_contact_on, "j M Y") or "–",
        "last_contact": _d(item.row.last_contact_on, "j M Y") or _("nooit"),
        "top": item.top.code,
        "reasons": reasons,
        "reasons_html": reasons_html(reasons),
    }


def reasons_html(reasons):
    """The reasons of one row as list items, escaped; built here because a template loop per reason per row was the
    largest part of rendering a long worklist."""
    return format_html_join(
        "", '<li><span class="badge badge--signal badge--{}">{}</span> {}</li>',
        ((r["code"], r["label"], r["text"]) for r in reasons),
    )


def groups(items, *, per_group=None):
    """Items grouped by their most urgent signal, in the order of urgency; each group keeps its own order."""
    by_code = defaultdict(list)
    for item in items:
        by_code[item.top.code].append(item)
    labels = {code: str(label) for code, label in SIGNAL_LABELS.items()}  # translated once, not per row
    result = []
    for code in rules.SIGNAL_CODES:
        members = by_code.get(code, [])
        if members:
            shown = members if per_group is None else members[:per_group]
            result.append({"code": code, "label": labels[code], "count": len(members),
                           "items": [present(i, labels) for i in shown], "more": len(members) - len(shown)})
    return result


def team_counts(rows, today, caseworkers):
    """Per caseworker (in the given order, never ranked): residents in guidance, residents on the worklist, and how
    many residents have each signal."""
    per_caseworker = defaultdict(list)
    for row in rows:
        per_caseworker[row.extra["caseworker_id"]].append(row)
    result = []
    for caseworker in caseworkers:
        own = per_caseworker.get(caseworker.pk, [])
        items = rules.classify(own, today)
        counts = rules.count_signals(items)
        result.append({"caseworker": caseworker, "residents": len(own), "on_worklist": len(items),
                       "counts": [counts[code] for code in rules.SIGNAL_CODES]})
    return result
