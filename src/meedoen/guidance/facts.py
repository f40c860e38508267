"""Worklist facts: per-resident dates the worklist needs, kept on the Resident row (issue 3, the worklist at a caseload
of 350 must cost at most 5× a plain page).

The worklist used to work these out on every view with a correlated subquery per fact and per resident (first
conversation, signed plan's review date, draft plan, last ladder measurement, latest placement and return by a
partner, first exemption review). They change only when one of those records changes, so they are stored:

- `refresh(resident_ids)` recomputes the facts of some residents in one UPDATE statement. Saving or deleting a
  Conversation, ActionPlan, LadderMeasurement, Referral or Exemption through the ORM calls it (signals, connected in
  GuidanceConfig.ready), and so do the services that change those records with queryset.update().
- `refresh_municipality(municipality)` recomputes everyone, for rows written in bulk (the demo, imports) and as the
  nightly safety net (task `refresh_worklist_facts`). It writes only rows whose facts differ.
- `stale(residents)` lists residents whose stored facts differ from the records; tests use it to prove the facts
  stay true after every service flow.

The SQL is built once per database alias from the models' table and column names; the statements are the same on
SQLite and PostgreSQL.
"""
from __future__ import annotations

from functools import lru_cache

from django.db import connections, router, transaction

from meedoen.residents.models import Resident

# Resident fields kept here, in the order of FACT_SUBQUERIES.
FACT_FIELDS = (
    "first_conversation_on",
    "signed_plan_review_on",
    "has_draft_plan",
    "last_ladder_on",
    "last_placed_on",
    "last_returned_on",
    "exemption_due_on",
)
CHUNK = 500


def _models(apps=None):
    """(Resident, Conversation, ActionPlan, LadderMeasurement, Referral, Exemption): the live models, or the
    historical ones of a data migration's `apps`."""
    if apps is not None:
        return tuple(apps.get_model(label) for label in (
            "residents.Resident", "guidance.Conversation", "guidance.ActionPlan", "assessment.LadderMeasurement",
            "referrals.Referral", "obligations.Exemption"))
    from meedoen.assessment.models import LadderMeasurement
    from meedoen.obligations.models import Exemption
    from meedoen.referrals.models import Referral

    from .models import ActionPlan, Conversation

    return Resident, Conversation, ActionPlan, LadderMeasurement, Referral, Exemption


# Status values, as stored (the historical models of a migration have no TextChoices classes).
SIGNED, DRAFT, EXEMPTION_ACTIVE = "signed", "draft", "active"


@lru_cache(maxsize=8)
def _subqueries(using, models):
    """One scalar subquery per fact, correlated to the resident row aliased `r`, and their parameters."""
    _Resident, Conversation, ActionPlan, LadderMeasurement, Referral, Exemption = models
    qn = connections[using].ops.quote_name

    def table(model):
        return qn(model._meta.db_table)

    def col(alias, model, name):
        return f"{alias}.{qn(model._meta.get_field(name).column)}"

    rid = f"r.{qn('id')}"
    review, ends = col("e", Exemption, "review_on"), col("e", Exemption, "ends_on")
    parts = [
        (f"(SELECT MIN({col('c', Conversation, 'held_on')}) FROM {table(Conversation)} c "
         f"WHERE {col('c', Conversation, 'resident')} = {rid})", ()),
        # A resident has at most one signed plan and one draft (unique constraints).
        (f"(SELECT MAX({col('p', ActionPlan, 'review_on')}) FROM {table(ActionPlan)} p "
         f"WHERE {col('p', ActionPlan, 'resident')} = {rid} AND {col('p', ActionPlan, 'status')} = %s)",
         (SIGNED,)),
        (f"(CASE WHEN EXISTS (SELECT 1 FROM {table(ActionPlan)} p WHERE {col('p', ActionPlan, 'resident')} = {rid} "
         f"AND {col('p', ActionPlan, 'status')} = %s) THEN %s ELSE %s END)",
         (DRAFT, True, False)),
        (f"(SELECT MAX({col('m', LadderMeasurement, 'measured_on')}) FROM {table(LadderMeasurement)} m "
         f"WHERE {col('m', LadderMeasurement, 'resident')} = {rid})", ()),
        (f"(SELECT MAX({col('f', Referral, 'placed_on')}) FROM {table(Referral)} f "
         f"WHERE {col('f', Referral, 'resident')} = {rid})", ()),
        (f"(SELECT MAX({col('f', Referral, 'returned_on')}) FROM {table(Referral)} f "
         f"WHERE {col('f', Referral, 'resident')} = {rid})", ()),
        # The first review or end date of an exemption in force (obligations app).
        (f"(SELECT MIN(CASE WHEN {review} IS NOT NULL AND ({ends} IS NULL OR {review} < {ends}) THEN {review} "
         f"ELSE {ends} END) FROM {table(Exemption)} e "
         f"WHERE {col('e', Exemption, 'resident')} = {rid} AND {col('e', Exemption, 'status')} = %s)",
         (EXEMPTION_ACTIVE,)),
    ]
    return parts


@lru_cache(maxsize=8)
def _statements(using, models):
    """(update_sql, select_sql, params): both statements take the subqueries' parameters, then those of `{where}`.
    The UPDATE recomputes the residents in `{where}`; the SELECT returns (id, stored facts..., computed facts...)."""
    qn = connections[using].ops.quote_name
    parts = _subqueries(using, models)
    resident = models[0]
    columns = [qn(resident._meta.get_field(name).column) for name in FACT_FIELDS]
    sets = ", ".join(f"{column} = {sql}" for column, (sql, _params) in zip(columns, parts))
    params = tuple(p for _sql, ps in parts for p in ps)
    table = qn(resident._meta.db_table)
    # PostgreSQL cannot alias the target of an UPDATE as in a SELECT without AS; both accept `table AS r`.
    update = f"UPDATE {table} AS r SET {sets} WHERE {{where}}"
    select = (f"SELECT r.{qn('id')}, {', '.join(f'r.{c}' for c in columns)}, "
              f"{', '.join(sql for sql, _params in parts)} FROM {table} r WHERE {{where}}")
    return update, select, params


def _using():
    return router.db_for_write(Resident)


def refresh(resident_ids, *, apps=None, using=None) -> None:
    """Recompute the facts of these residents (ids), in one statement per CHUNK ids."""
    ids = sorted({int(pk) for pk in resident_ids if pk is not None})
    if not ids:
        return
    using = using or _using()
    update, _select, params = _statements(using, _models(apps))
    qn = connections[using].ops.quote_name
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            where = f"r.{qn('id')} IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(update.replace("{where}", where), (*params, *chunk))


def _diff(where, where_params, using, models):
    """Ids (with stored and computed facts) whose stored facts differ from the records."""
    _update, select, params = _statements(using, models)
    n = len(FACT_FIELDS)
    different = []
    with connections[using].cursor() as cursor:
        cursor.execute(select.replace("{where}", where), (*params, *where_params))
        for row in cursor.fetchall():
            pk, stored, computed = row[0], row[1:1 + n], row[1 + n:]
            stored = tuple(_normal(v) for v in stored)
            computed = tuple(_normal(v) for v in computed)
            if stored != computed:
                different.append((pk, stored, computed))
    return different


def _normal(value):
    """Compare a driver value the same way whether it came from a column or a subquery (SQLite returns booleans as
    0/1 and dates as ISO strings)."""
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def stale(residents=None, *, apps=None) -> list:
    """[(resident_id, stored, computed), ...] for residents (a queryset, default all) whose facts are out of date."""
    models = _models(apps)
    qs = residents if residents is not None else models[0].objects.all()
    using = qs.db
    ids_sql, ids_params = qs.values("pk").order_by().query.get_compiler(using).as_sql()
    qn = connections[using].ops.quote_name
    return _diff(f"r.{qn('id')} IN ({ids_sql})", ids_params, using, models)


def refresh_municipality(municipality) -> int:
    """Recompute the facts of every resident of `municipality` and write the ones that differ; returns how many."""
    changed = [pk for pk, _stored, _computed in stale(Resident.objects.filter(municipality=municipality))]
    refresh(changed)
    return len(changed)


def refresh_everyone(apps=None, using=None) -> int:
    """Every resident whose facts differ (a data migration passes its `apps`); returns how many were written."""
    models = _models(apps)
    qs = models[0].objects.using(using) if using else models[0].objects.all()
    changed = [pk for pk, _stored, _computed in stale(qs, apps=apps)]
    refresh(changed, apps=apps, using=qs.db)
    return len(changed)
