"""The worklist: plain rows gathered in a fixed number of queries (whatever the caseload size), classified by the
pure rules.classify(), and the Dutch reason per signal.

Adding a signal that needs a fact from another record: keep the fact on the Resident row (facts.py: a field, its
subquery, and the signal or service call that refreshes it), read it in `build_rows`, and the detector in
rules.SIGNALS does the rest; give it a label and a reason text below.
"""
import datetime as dt
import uuid
from collections import defaultdict
from functools import lru_cache
from html import escape

from django.db import connections
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.residents.models import Resident

from . import rules
from .facts import FACT_FIELDS
from .models import Task

SIGNAL_LABELS = {
    "overdue_contact": gettext_lazy("Contact te laat"),
    "no_contact_since_placement": gettext_lazy("Geen contact sinds plaatsing"),
    "returned_by_partner": gettext_lazy("Teruggemeld door partner"),
    "task_due": gettext_lazy("Taak te doen"),
    "plan_review_due": gettext_lazy("Plan evalueren"),
    "exemption_review_due": gettext_lazy("Ontheffing loopt af"),
    "no_plan": gettext_lazy("Nog geen plan van aanpak"),
    "ladder_due": gettext_lazy("Participatieladder meten"),
    "not_seen_for_a_year": gettext_lazy("Een jaar niet gezien"),
}

RESIDENT_FIELDS = ("pk", "public_id", "first_name", "name_prefix", "last_name", "next_contact_on", "next_contact_rule",
                   "last_contact_on", "current_caseworker_id")


@lru_cache(maxsize=4096)
def _formatted(day, fmt, language):
    return date_format(day, fmt)


def _d(day, fmt="j F Y", language=None):
    """A date in the active language (pass it when known); cached, because a worklist repeats the same few hundred
    dates."""
    return _formatted(day, fmt, language or get_language()) if day else ""


@lru_cache(maxsize=1)
def _resident_url_prefix():
    placeholder = uuid.UUID(int=0)
    return reverse("guidance:resident", args=[placeholder]).replace(f"{placeholder}/", "")


@lru_cache(maxsize=8)
def _reason_texts(language):
    """The reason sentences in the active language (the argument is the cache key), translated once per process
    rather than once per signal per row."""
    return {
        "overdue_contact": _("Contact had uiterlijk op %(date)s moeten zijn (%(days)s dagen te laat). Regel: %(rule)s."),
        "no_contact_since_placement": _("Geplaatst op %(date)s en sindsdien geen contact (%(days)s dagen)."),
        "returned_by_partner": _("Teruggemeld door de partner op %(date)s; nog geen contact daarna."),
        "task_due": _("Taak: %(title)s (uiterlijk %(date)s)."),
        "task_more": _("En nog %(n)s andere taken."),
        "plan_review_overdue": _("De evaluatie van het plan van aanpak was op %(date)s."),
        "plan_review_due": _("Het plan van aanpak wordt geëvalueerd op %(date)s."),
        "exemption_review_overdue": _("Een ontheffing had op %(date)s opnieuw bekeken moeten worden of is afgelopen."),
        "exemption_review_due": _("Een ontheffing moet uiterlijk %(date)s opnieuw bekeken worden of loopt dan af."),
        "no_plan_draft": _("Het plan van aanpak is nog niet ondertekend (eerste gesprek op %(date)s)."),
        "no_plan": _("Nog geen plan van aanpak na het eerste gesprek op %(date)s."),
        "ladder_never": _("De participatieladder is nog nooit gemeten."),
        "ladder_due": _("De participatieladder is voor het laatst gemeten op %(date)s (meet minstens twee keer per "
                        "jaar)."),
        "never_seen": _("Nog nooit gesproken."),
        "not_seen_for_a_year": _("Al meer dan een jaar niet gesproken (laatste contact %(date)s)."),
        "never": _("nooit"),
    }


def reason(signal, language=None):
    """One line in Dutch (B1) that says why this resident is on the worklist."""
    language = language or get_language()
    texts = _reason_texts(language)
    d = signal.detail
    code = signal.code
    on = _formatted(signal.on, "j F Y", language) if signal.on else ""
    if code == "overdue_contact":
        return texts[code] % {"date": on, "days": d["days"], "rule": d["rule"] or "–"}
    if code == "no_contact_since_placement":
        return texts[code] % {"date": on, "days": d["days"]}
    if code == "returned_by_partner":
        return texts[code] % {"date": on}
    if code == "task_due":
        text = texts[code] % {"title": d["title"], "date": on}
        if d["more"]:
            text += " " + texts["task_more"] % {"n": d["more"]}
        return text
    if code == "plan_review_due":
        return texts["plan_review_overdue" if d["overdue"] else code] % {"date": on}
    if code == "exemption_review_due":
        return texts["exemption_review_overdue" if d["overdue"] else code] % {"date": on}
    if code == "no_plan":
        return texts["no_plan_draft" if d["draft"] else code] % {"date": on}
    if code == "ladder_due":
        return texts["ladder_never"] if d["never"] else texts[code] % {"date": on}
    if code == "not_seen_for_a_year":
        return texts["never_seen"] if d["never"] else texts[code] % {"date": on}
    return str(SIGNAL_LABELS.get(code, code))


def build_rows(residents, today):
    """WorklistRows for the residents in `residents` (a queryset) that are in active guidance. Two queries, however
    many residents: the residents with their worklist facts (kept on the row, see facts.py), and the open tasks that
    are due.

    This runs on every worklist view (a caseload of 350, many times a day), so the two statements are plain SQL
    built once per process (_sql_texts); only the ids of `residents` are compiled by Django per call, so the access
    rules stay in that queryset. Rows are read as the driver returns them: Django's per-value converters and query
    compiler were half of the time of the view."""
    active = residents.filter(guidance_status="active")
    using = active.db
    connection = connections[using]
    people_sql, tasks_sql = _sql_texts(using)
    ids_sql, ids_params = active.values("pk").order_by().query.get_compiler(using).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(tasks_sql.replace("{ids}", ids_sql),
                       (*ids_params, str(Task.Status.OPEN), connection.ops.adapt_datefield_value(today)))
        tasks = defaultdict(list)
        for resident_id, kind, title, due_on in cursor.fetchall():
            tasks[resident_id].append(rules.DueTask(kind, title, _date(due_on)))
        cursor.execute(people_sql.replace("{ids}", ids_sql), ids_params)
        people = cursor.fetchall()
    rows = []
    no_tasks = ()
    for (pk, public_id, first, prefix, last, next_on, next_rule, last_contact, caseworker_id, first_conversation,
         signed_review, has_draft, last_ladder, placed_on, returned_on, exemption_due) in people:
        signed_review = _date(signed_review)
        due = tasks.get(pk)
        rows.append(rules.WorklistRow(
            resident_id=pk, name=f"{first} {prefix} {last}" if prefix else f"{first} {last}",
            next_contact_on=_date(next_on), next_contact_rule=next_rule, last_contact_on=_date(last_contact),
            first_conversation_on=_date(first_conversation), has_signed_plan=signed_review is not None,
            has_draft_plan=bool(has_draft), plan_review_on=signed_review, last_ladder_on=_date(last_ladder),
            due_tasks=tuple(due) if due else no_tasks, placed_on=_date(placed_on), returned_on=_date(returned_on),
            exemption_due_on=_date(exemption_due),
            extra={"public_id": public_id, "caseworker_id": caseworker_id},
        ))
    return rows


@lru_cache(maxsize=4)
def _sql_texts(using):
    """The two statements of build_rows, from the models' table and column names, with `{ids}` where the SQL of the
    residents' ids goes. Parameters: the people query takes (*ids), the task query (*ids, open, today).

    The people query reads one table: the per-resident facts (first conversation, signed plan's review date, draft,
    last ladder measurement, latest placement and return by a partner, first exemption review) are kept on the
    Resident row by facts.py."""
    qn = connections[using].ops.quote_name

    def table(model):
        return qn(model._meta.db_table)

    def col(alias, model, name):
        return f"{alias}.{qn(model._meta.get_field(name).column)}"

    columns = ", ".join(col("r", Resident, "id" if name == "pk" else name) for name in RESIDENT_FIELDS + FACT_FIELDS)
    people = f"SELECT {columns} FROM {table(Resident)} r WHERE r.{qn('id')} IN ({{ids}})"
    tasks = (
        f"SELECT {col('t', Task, 'resident')}, {col('t', Task, 'kind')}, {col('t', Task, 'title')}, "
        f"{col('t', Task, 'due_on')} FROM {table(Task)} t "
        f"WHERE {col('t', Task, 'resident')} IN ({{ids}}) AND {col('t', Task, 'status')} = %s "
        f"AND {col('t', Task, 'due_on')} <= %s ORDER BY {col('t', Task, 'due_on')}, {col('t', Task, 'id')}"
    )
    return people, tasks


def _date(value):
    """A date column as the driver returns it: a date (PostgreSQL) or an ISO string (SQLite)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _public_id(value):
    """A UUID column as the driver returns it: a UUID (PostgreSQL) or 32 hex digits (SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


# One worklist row and one reason, as HTML. A long worklist is read many times a day; a template loop per row and per
# reason was the largest part of rendering it, so rows are made here, once, with every value escaped.
ROW_HTML = ('<tr id="resident-{public_id}"><td><a href="{url}">{name}</a></td>'
            '<td><ul class="worklist__reasons">{reasons}</ul></td><td>{next_contact}</td><td>{last_contact}</td></tr>')
REASON_HTML = '<li><span class="badge badge--signal badge--{code}">{label}</span> {text}</li>'


def _labels():
    """The signal labels in the active language, as plain strings (translated once per call, not per row)."""
    return {code: str(label) for code, label in SIGNAL_LABELS.items()}


def present(item, labels=None, language=None):
    """A worklist item as a plain dict of ready strings for the template, with the whole table row as `html`
    (escaped here): dates, links and reasons are formatted once rather than by template filters."""
    labels = labels or _labels()
    language = language or get_language()
    row = item.row
    public_id = _public_id(row.extra["public_id"])
    reasons = [{"code": s.code, "label": labels[s.code], "text": reason(s, language)} for s in item.signals]
    values = {
        "public_id": public_id,
        "url": f"{_resident_url_prefix()}{public_id}/",
        "name": row.name,
        "next_contact": _d(row.next_contact_on, "j M Y", language) or "–",
        "last_contact": _d(row.last_contact_on, "j M Y", language) or _reason_texts(language)["never"],
        "top": item.top.code,
        "reasons": reasons,
    }
    values["reasons_html"] = reasons_html(reasons)
    values["html"] = mark_safe(ROW_HTML.format(  # noqa: S308 (every value is escaped)
        public_id=public_id, url=escape(values["url"]), name=escape(row.name), reasons=values["reasons_html"],
        next_contact=escape(values["next_contact"]), last_contact=escape(values["last_contact"]),
    ))
    return values


def reasons_html(reasons):
    """The reasons of one row as list items, escaped."""
    return mark_safe("".join(  # noqa: S308 (every value is escaped)
        REASON_HTML.format(code=escape(r["code"]), label=escape(r["label"]), text=escape(r["text"])) for r in reasons
    ))


def groups(items, *, per_group=None):
    """Items grouped by their most urgent signal, in the order of urgency; each group keeps its own order."""
    by_code = defaultdict(list)
    for item in items:
        by_code[item.top.code].append(item)
    labels = _labels()
    language = get_language()
    result = []
    for code in rules.SIGNAL_CODES:
        members = by_code.get(code, [])
        if members:
            shown = members if per_group is None else members[:per_group]
            result.append({"code": code, "label": labels[code], "count": len(members),
                           "items": [present(i, labels, language) for i in shown], "more": len(members) - len(shown)})
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
