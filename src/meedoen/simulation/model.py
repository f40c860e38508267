"""The policy simulator: a municipality's population month by month under a policy profile, vectorised over residents.

State per resident (one int8 array; see STATES): not approached → invited (a position on the profile's no-show
ladder) → first conversation → active in an activity category (directly, or after a referral that a partner
accepts) / exempt / reached but not active / outreach closed. Anybody may leave bijstand in any month: for paid work,
at the AOW age, or for other reasons. A leaver's place is taken by a newcomer with the same characteristics (the
stock stays the same size, as Rotterdam's roughly did; a newcomer starts not approached).

What the *policy* decides comes from the profile through the live rules (vectorised forms in `vectorised.py`):
who is in the activation group (de knip: score and segment), the contact norms and the follow-up date, the ladder's
steps (letters, home visit, no show-actie, measure proposal, closing), the verordening's measure percentage and
months, whether a refused tegenprestatie is summoned (stance + enforceable obligation), referral outcomes, the
yearly review of exemptions, the appointment minutes and the monthly benefit with measures.
What *people* do is in `assumptions.py`, with uncertainty.

Every month draws one uniform number per resident and two more per resident of the activation group (draw_uniforms).
`run_vectorised` and `run_loop` (a straightforward per-resident Python loop over the same model, calling the live
scalar rules) consume the same numbers, so on the same seed they give identical series: `tests/test_model.py` proves
it, and the bench measures the speed ratio.
"""
from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from meedoen.guidance import rules as guidance_rules
from meedoen.obligations import rules as obligation_rules
from meedoen.outreach import rules as outreach_rules
from meedoen.referrals import rules as referral_rules

from . import assumptions as A
from . import vectorised as vec
from .policy import SimPolicy, resolve
from .population import AOW_AGE_MONTHS, Population

NOT_APPROACHED, INVITED, CONVERSATION, ACTIVE, REFERRED, EXEMPT, INACTIVE, CLOSED, LEFT = range(9)
STATES = ("not_approached", "invited", "conversation", "active", "referred", "exempt", "inactive", "closed", "left")
NEEDS_MORE_NUMBERS = (INVITED, CONVERSATION, INACTIVE)
# Four uniform numbers per resident a month. The states are disjoint, so one number serves different decisions in
# different states; within a state every decision has its own number.
# Random numbers. Every resident gets one uniform number u a month. It decides leaving bijstand (u < threshold),
# and, for a resident who stays, one more event with chance p: u < threshold + p × (1 - threshold) (given that
# u ≥ threshold, that has chance p). So the states with a single decision (not approached: invited?; referred:
# placed?; active: stops?; exempt: exemption continues?; conversation: through a partner?) need no other number.
# Residents of the activation group who are invited, in their first conversation or reached but not active get two
# more numbers (u1, u2) for their other decisions.
U_EXIT = 0
U_RESPOND = U_OUTCOME = 1  # came? / conversation and follow-up outcome
U_BLAME = U_CATEGORY = 2  # blame for a measure / activity category
DAYS_PER_MONTH = 30.4375
NEVER = -10_000
RESPONSE_KINDS = ("invitation", "second_invitation", "registered_letter", "no_show_action_letter", "home_visit")
K = vec.KIND_INDEX
RESPONSE_KIND_INDEXES = [K[k] for k in RESPONSE_KINDS]
BLAME_FULL, BLAME_NONE = vec.BLAME_CODES.index("full"), vec.BLAME_CODES.index("none")
SENT = vec.STATUS_INDEX[referral_rules.SENT]
PLACE, RETURN = vec.ACTION_INDEX["place"], vec.ACTION_INDEX["return"]
PLACED = vec.STATUS_INDEX[referral_rules.PLACED]
EXEMPTION_REVIEW_MONTHS = obligation_rules.TEMPORARY_MAX_MONTHS  # a temporary exemption is reviewed within a year
EPOCH = dt.date(2000, 1, 1)
EVER_INVITED, EVER_REACHED, EVER_ACTIVE = 1, 2, 4
WORK_ITEMS = ("intake", "follow_up", "home_visit", "letter")
PARTNER_REFERRALS = vec.ReferralArrays.for_actor(referral_rules.PROVIDER)

# Monthly series, all about the activation group (the profile's furthest segment) unless the name says "all".
SERIES = ("group_size", "approached", "reached", "ever_active", "active", *(f"active_{c}" for c in A.CATEGORIES),
          "exempt", "closed", "to_work", "to_work_all", "invitations", "no_show_actions", "measure_proposals",
          "measures", "placements", "returned", "contacts", "caseworker_hours", "caseworkers_needed",
          "benefit_eur_all", "measure_eur_all")


def day_of(month: int) -> int:
    return int(math.floor(month * DAYS_PER_MONTH))


def month_of(day):
    return np.rint(np.asarray(day) / DAYS_PER_MONTH).astype(np.int32)


@dataclass
class Static:
    """Per-resident values that do not change during a run: the policy's verdict on each resident and the run's
    behavioural parameters applied to them."""

    n: int
    target: np.ndarray
    norm_days: np.ndarray
    norm_months: np.ndarray
    job: np.ndarray
    job_active: np.ndarray
    exit_threshold: np.ndarray  # leave_other + chance of work
    exit_threshold_active: np.ndarray
    n_target: int
    norm_total: int
    # float32 "stay, and then this event" thresholds (see U_EXIT), per resident
    outreach_threshold: np.ndarray
    partner_threshold: np.ndarray
    places_threshold: np.ndarray
    dropout_threshold: np.ndarray
    keep_threshold: np.ndarray
    exempt: np.ndarray
    accept: float
    accept_follow_up: float
    dropout: np.ndarray
    cum_weights: np.ndarray  # [n, categories] cumulative
    # The same by fit pattern: a resident's row is cum_table[fit_code]. Only 16 patterns exist, so drawing a
    # category reads one small code per resident instead of six rows of floats.
    fit_code: np.ndarray
    cum_table: np.ndarray
    respond: np.ndarray  # by step kind
    norm_cents: np.ndarray
    category: np.ndarray
    sharers: np.ndarray
    age0: np.ndarray
    params: dict


def prepare(population: Population, policy: SimPolicy, params: dict) -> Static:
    months = vec.estimated_months(population.assessment_columns(), policy.weights)
    segment = vec.segment_index(months, population.age_years, policy.segmentation)
    target = segment == len(policy.segment_codes) - 1
    norm_days = vec.contact_norm_days(segment, population.intensive, policy.norm_table)
    effective_norm = np.where(norm_days > 0, norm_days, 365).astype(float)
    norm_months = np.maximum(1, np.rint(effective_norm / DAYS_PER_MONTH)).astype(np.int32)
    job = np.where(target, params["work_furthest"], params["work_closer"])
    job = job * (182.0 / effective_norm) ** params["work_contact_elasticity"]
    if policy.earnings_premium:
        job = job * params["work_premium_effect"]
    c = population
    burden = ((c.physical_health == vec.FACTOR_CODES["physical_health"].index("severe"))
              | (c.mental_health == vec.FACTOR_CODES["mental_health"].index("severe"))
              | (c.social_circumstances == vec.FACTOR_CODES["social_circumstances"].index("crisis"))
              | (c.care_duties == vec.FACTOR_CODES["care_duties"].index("both")))
    exempt = np.minimum(1.0, params["exempt"] * (1.0 + A.EXEMPTION_FIT * burden))
    fits = np.stack([
        np.zeros(len(c), dtype=bool),
        np.isin(c.care_duties, [vec.FACTOR_CODES["care_duties"].index(v) for v in ("informal_care", "both")]),
        np.isin(c.language, [vec.FACTOR_CODES["language"].index(v) for v in ("none", "A1", "A2")]),
        c.physical_health == vec.FACTOR_CODES["physical_health"].index("some"),
        (c.debts == vec.FACTOR_CODES["debts"].index("problematic"))
        | (c.mental_health == vec.FACTOR_CODES["mental_health"].index("severe"))
        | (c.addiction == vec.FACTOR_CODES["addiction"].index("active"))
        | (c.social_circumstances == vec.FACTOR_CODES["social_circumstances"].index("crisis")),
        np.zeros(len(c), dtype=bool),
    ], axis=1)
    weights = np.array([params[name] for name in A.CATEGORY_WEIGHT_NAMES])
    fit_code = (fits[:, 1:-1] * (1 << np.arange(fits.shape[1] - 2))).sum(axis=1).astype(np.uint8)
    patterns = ((np.arange(1 << (fits.shape[1] - 2))[:, None] >> np.arange(fits.shape[1] - 2)) & 1).astype(bool)
    pattern_fits = np.zeros((len(patterns), fits.shape[1]), dtype=bool)
    pattern_fits[:, 1:-1] = patterns
    cum_table = np.cumsum(weights[None, :] * (1.0 + A.CATEGORY_FIT * pattern_fits), axis=1)
    cum = cum_table[fit_code]
    respond = np.zeros(len(vec.STEP_KINDS))
    tone = params["tone_effect_inviting"] if policy.inviting_tone else 1.0
    respond[K["invitation"]] = respond[K["second_invitation"]] = params["respond_invitation"] * tone
    respond[K["registered_letter"]] = params["respond_registered_letter"]
    respond[K["no_show_action_letter"]] = params["respond_action_letter"]
    respond[K["home_visit"]] = params["home_visit_met"]
    respond = np.minimum(respond, 1.0)
    norm_cents = vec.monthly_benefit_cents(c.norm_category(), c.sharers(), np.zeros(len(c), dtype=np.int64),
                                           np.zeros(len(c), dtype=np.int64), policy.norms)["norm"]
    exit_threshold = (params["leave_other"] + job).astype(np.float32)
    exit_threshold_active = (params["leave_other"] + job * params["work_active_effect"]).astype(np.float32)
    dropout = np.minimum(1.0, params["dropout"] * (effective_norm / 182.0) ** params["follow_up_elasticity"])

    def then(threshold, chance):
        base = threshold.astype(np.float64)
        return (base + chance * (1.0 - base)).astype(np.float32)

    return Static(
        n=len(c), target=target, norm_days=norm_days, norm_months=norm_months, job=job,
        job_active=job * params["work_active_effect"],
        # float32 like the uniforms: a float32 comparison, exactly reproduced by the loop on the same values.
        exit_threshold=exit_threshold, exit_threshold_active=exit_threshold_active,
        outreach_threshold=then(exit_threshold, params["outreach_rate"]),
        partner_threshold=then(exit_threshold, params["via_partner"]),
        places_threshold=then(exit_threshold, params["partner_places"]),
        dropout_threshold=then(exit_threshold_active, dropout),
        keep_threshold=then(exit_threshold, params["exemption_continues"]),
        n_target=int(np.count_nonzero(target)), norm_total=int(norm_cents.sum()), exempt=exempt,
        accept=min(1.0, params["accept"] * policy.accept_multiplier(params)),
        accept_follow_up=min(1.0, params["accept_follow_up"] * policy.accept_multiplier(params)),
        dropout=dropout,
        cum_weights=cum, fit_code=fit_code, cum_table=cum_table, respond=respond, norm_cents=norm_cents,
        category=c.norm_category(), sharers=c.sharers(), age0=c.age_months.astype(np.int32), params=params)


@dataclass
class State:
    state: np.ndarray
    pos: np.ndarray
    due: np.ndarray
    cat: np.ndarray
    active_cat: np.ndarray  # cat while ACTIVE, else -1 (for counting)
    measure_left: np.ndarray
    measure_pct: np.ndarray
    last_measure: np.ndarray
    repeat: np.ndarray
    aow_month: np.ndarray  # the month the resident reaches the AOW age
    threshold: np.ndarray  # float32 chance of leaving this month, for the state at the start of the month
    flags: np.ndarray  # uint8 bits: EVER_INVITED, EVER_REACHED, EVER_ACTIVE (since entering bijstand)
    measured: np.ndarray  # indexes of residents with a measure in force (measure_left > 0)
    # Running counts over the activation group, kept up to date at every change (cheaper than recounting the group
    # every month): residents with each flag, active per category, exempt, closed.
    tally: dict = field(default_factory=lambda: {EVER_INVITED: 0, EVER_REACHED: 0, EVER_ACTIVE: 0, "exempt": 0,
                                                  "closed": 0})
    by_category: np.ndarray = field(default_factory=lambda: np.zeros(len(A.CATEGORIES), dtype=np.int64))
    buffers: dict = field(default_factory=dict)  # draw_uniforms' arrays, reused every month

    @classmethod
    def initial(cls, n, age0, threshold):
        z = np.zeros(n, dtype=np.int32)
        return cls(aow_month=(AOW_AGE_MONTHS - age0).astype(np.int32), threshold=threshold.copy(),
                   active_cat=np.full(n, -1, dtype=np.int8), state=np.zeros(n, dtype=np.int8),
                   pos=np.zeros(n, dtype=np.int8), due=z.copy(),
                   cat=np.full(n, -1, dtype=np.int8),
                   measure_left=z.copy(), measure_pct=z.copy(), last_measure=np.full(n, NEVER, np.int32),
                   repeat=z.copy(), flags=np.zeros(n, np.uint8), measured=np.zeros(0, np.intp))


def _set_flag(st: State, idx, bit: int) -> None:
    """Set `bit` for these residents and keep the tally of residents with that bit up to date."""
    st.tally[bit] += int(np.count_nonzero((st.flags[idx] & bit) == 0))
    st.flags[idx] |= bit


def _enter_active(st: State, static: Static, idx) -> None:
    st.active_cat[idx] = st.cat[idx]
    st.threshold[idx] = static.exit_threshold_active[idx]
    st.by_category += np.bincount(st.cat[idx].astype(np.intp), minlength=len(A.CATEGORIES))
    _set_flag(st, idx, EVER_ACTIVE)


def _draw_category(static: Static, idx, u):
    """The first category whose cumulative weight exceeds u × total (the number of cumulative weights ≤ it)."""
    rows = static.cum_table[static.fit_code[idx]]
    x = u * rows[:, -1]
    return np.count_nonzero(x[:, None] >= rows[:, :-1], axis=1).astype(np.int8)


def _schedule(st: State, static: Static, idx, t, placed=False):
    """A contact happens in month t: set the next one with the follow-up rule (vectorised). (The model keeps no
    date of last contact: the follow-up rule needs only this one, month t.)"""
    today = day_of(t)
    due_day = vec.next_contact_day(last_contact=today, started=today, norm_days=static.norm_days[idx],
                                   placed=today if placed else None)  # scalars broadcast over the residents
    st.due[idx] = month_of(due_day)


def _step_vectorised(st: State, static: Static, policy: SimPolicy, t: int, rng: np.random.Generator, out: dict):
    s = st.state  # the state at the start of the month; decisions below read it, writes go to `new`
    new = s.copy()
    nt = static.n_target  # the activation group comes first (target_first): its residents are s[:nt]
    # The few residents in the smaller states (all but not approached, active and closed), found in one pass and
    # split by state below: cheaper than a pass over the whole activation group per state.
    head = s[:nt]
    others = np.flatnonzero((head != NOT_APPROACHED) & (head != ACTIVE) & (head != CLOSED))
    others_state = head[others]
    more = (others_state == INVITED) | (others_state == CONVERSATION) | (others_state == INACTIVE)
    U = draw_uniforms(rng, static.n, others[more], nt, st.buffers)
    # np.float64 thresholds: a float32 uniform is compared in float64, exactly as in the per-resident loop.
    p = {name: np.float64(value) for name, value in static.params.items()}
    ladder = policy.ladder
    work_items = dict.fromkeys(WORK_ITEMS, 0)  # appointments and letters this month, for the caseworker hours
    target = static.target

    # Leaving bijstand: the AOW age, other reasons (u < leave_other), paid work (u below leave_other + the chance of
    # work). The place is taken by a newcomer. One uniform per resident decides all three.
    aow = st.aow_month <= t
    exits = U[U_EXIT] < st.threshold  # the threshold of each resident's state at the start of the month
    gone = exits | aow
    g = np.flatnonzero(gone)
    work_idx = g[exits[g] & ~aow[g] & ~(U[U_EXIT][g] < p["leave_other"])]
    out["to_work"][t] = int(np.count_nonzero(work_idx < nt))
    out["to_work_all"][t] = len(work_idx)

    # Only the activation group moves between states; everyone else can only leave. LEFT marks the leavers.
    code = s[:nt].copy()
    code[g[g < nt]] = LEFT

    # Split the staying ones by state: a stable sort keeps each state's residents in index order.
    staying_ = ~gone[others]
    others, others_state = others[staying_], others_state[staying_]
    order = np.argsort(others_state, kind="stable")
    by_state = others[order]
    bounds = np.concatenate(([0], np.cumsum(np.bincount(others_state.astype(np.intp), minlength=len(STATES)))))

    def staying(state):
        return by_state[bounds[state]:bounds[state + 1]]

    # Outreach: the activation group is invited, as far as capacity allows.
    inv = np.flatnonzero((code == NOT_APPROACHED) & (U[U_EXIT][:nt] < static.outreach_threshold[:nt]))
    new[inv] = INVITED
    st.pos[inv] = ladder.start
    st.due[inv] = t + 1
    _set_flag(st, inv, EVER_INVITED)
    out["invitations"][t] = len(inv)
    work_items["letter"] += len(inv)

    # The invited whose step is due: they come, or the ladder takes its next step.
    idx = staying(INVITED)
    idx = idx[st.due[idx] <= t]
    kind = ladder.kind_at(st.pos[idx])
    met = U[U_RESPOND][idx] < static.respond[kind]
    came = idx[met]
    out["contacts"][t] += len(came)
    new[came] = CONVERSATION
    _set_flag(st, came, EVER_REACHED)
    st.due[came] = t + 1
    work_items["intake"] += len(came)
    missed = idx[~met]
    nxt = ladder.next_position(st.pos[missed], np.ones(len(missed), dtype=bool))
    end = missed[nxt < 0]
    st.pos[end] = ladder.start
    st.due[end] = t + static.norm_months[end]  # no (more) steps: staff decide; invited again after the norm
    go, nxt = missed[nxt >= 0], nxt[nxt >= 0]
    nkind = ladder.kind_at(nxt)
    respond_step = np.isin(nkind, RESPONSE_KIND_INDEXES)
    step_idx = go[respond_step]
    st.pos[step_idx] = nxt[respond_step]
    st.due[step_idx] = t + 1
    home = nkind[respond_step] == K["home_visit"]
    work_items["home_visit"] += int(np.count_nonzero(home))
    work_items["letter"] += int(np.count_nonzero(~home))
    out["no_show_actions"][t] = int(np.count_nonzero((nkind == K["no_show_action_letter"]) & target[go]))
    proposal = go[nkind == K["measure_proposal"]]
    out["measure_proposals"][t] = int(np.count_nonzero(target[proposal]))
    work_items["letter"] += len(proposal)
    if policy.measures is not None and len(proposal):
        blame = np.where(U[U_BLAME][proposal] < p["blame_share"], BLAME_FULL, BLAME_NONE)
        recent = (t - st.last_measure[proposal]) < policy.repeat_window_months
        repeats = np.where(recent, st.repeat[proposal], 0)
        pct, months = policy.measures.decide(blame, repeats)
        hit = pct > 0
        m_idx = proposal[hit]
        st.measure_left[m_idx] = months[hit]
        st.measured = np.union1d(st.measured, m_idx)
        st.measure_pct[m_idx] = pct[hit]
        st.repeat[m_idx] = repeats[hit] + 1
        st.last_measure[m_idx] = t
        out["measures"][t] = int(np.count_nonzero(target[m_idx]))
    st.pos[proposal] = ladder.start
    st.due[proposal] = t + 1
    closed = go[nkind == K["close_outreach"]]
    new[closed] = CLOSED
    st.tally["closed"] += len(closed)
    other = go[nkind == K["pay_not_earned"]]
    st.pos[other] = ladder.start
    st.due[other] = t + static.norm_months[other]

    # The first conversation: exemption, an activity (perhaps through a partner), or a refusal.
    idx = staying(CONVERSATION)
    pe = static.exempt[idx]
    u = U[U_OUTCOME][idx]
    ex = u < pe
    start = ~ex & (u < pe + (1.0 - pe) * np.float64(static.accept))
    refuse = ~ex & ~start
    e_idx = idx[ex]
    new[e_idx] = EXEMPT
    st.tally["exempt"] += len(e_idx)
    st.due[e_idx] = t + EXEMPTION_REVIEW_MONTHS
    s_idx = idx[start]
    st.cat[s_idx] = _draw_category(static, s_idx, U[U_CATEGORY][s_idx])
    partner = U[U_EXIT][s_idx] < static.partner_threshold[s_idx]
    new[s_idx[partner]] = REFERRED
    direct = s_idx[~partner]
    new[direct] = ACTIVE
    _enter_active(st, static, direct)  # "did a tegenprestatie": actually started, not only referred
    _schedule(st, static, direct, t)
    r_idx = idx[refuse]
    if policy.summons_on_refusal:  # won't, under drang or dwang: a summons to which the ladder applies
        new[r_idx] = INVITED
        st.pos[r_idx] = ladder.start
        st.due[r_idx] = t + 1
    else:
        new[r_idx] = INACTIVE
        _schedule(st, static, r_idx, t)

    # Referrals: the partner places the resident, or returns them with advice (referrals.rules.next_status).
    idx = staying(REFERRED)
    action = np.where(U[U_EXIT][idx] < static.places_threshold[idx], PLACE, RETURN)
    status = PARTNER_REFERRALS.next_status(np.full(len(idx), SENT), action)
    placed = idx[status == PLACED]
    returned = idx[status != PLACED]
    new[placed] = ACTIVE
    _enter_active(st, static, placed)
    _schedule(st, static, placed, t, placed=True)
    new[returned] = INACTIVE
    _schedule(st, static, returned, t)
    out["placements"][t] = int(np.count_nonzero(target[placed]))
    out["returned"][t] = int(np.count_nonzero(target[returned]))

    # Active: some stop (less often with more frequent contact); follow-up contacts when due.
    # (Large groups: contiguous masks over the activation group are faster than gathering their indexes.)
    is_active = code == ACTIVE
    stopped = np.flatnonzero(is_active & (U[U_EXIT][:nt] < static.dropout_threshold[:nt]))
    new[stopped] = INACTIVE
    st.threshold[stopped] = static.exit_threshold[stopped]
    st.by_category -= np.bincount(st.active_cat[stopped].astype(np.intp), minlength=len(A.CATEGORIES))
    st.active_cat[stopped] = -1
    due = np.flatnonzero(is_active & (st.due[:nt] <= t))
    out["contacts"][t] += len(due)
    work_items["follow_up"] += len(due)
    _schedule(st, static, due, t)

    # Reached but not active: at each follow-up contact the offer is made again.
    idx = staying(INACTIVE)
    idx = idx[st.due[idx] <= t]
    out["contacts"][t] += len(idx)
    work_items["follow_up"] += len(idx)
    restart = idx[U[U_OUTCOME][idx] < np.float64(static.accept_follow_up)]
    new[restart] = ACTIVE
    st.cat[restart] = _draw_category(static, restart, U[U_CATEGORY][restart])
    _enter_active(st, static, restart)
    _schedule(st, static, idx, t)

    # Exemptions are reviewed within a year.
    idx = staying(EXEMPT)
    idx = idx[st.due[idx] <= t]
    out["contacts"][t] += len(idx)
    work_items["follow_up"] += len(idx)
    keep = U[U_EXIT][idx] < static.keep_threshold[idx]
    st.due[idx[keep]] = t + EXEMPTION_REVIEW_MONTHS
    ended = idx[~keep]
    new[ended] = INACTIVE
    st.tally["exempt"] -= len(ended)
    _schedule(st, static, ended, t)

    # Money: the norm of everyone on bijstand this month, less the measures in force (art. 18 lid 2).
    m_idx = st.measured
    money = vec.monthly_benefit_cents(static.category[m_idx], static.sharers[m_idx],
                                      np.zeros(len(m_idx), dtype=np.int64), st.measure_pct[m_idx], policy.norms)
    measure_cents = int(money["measure"].sum())
    out["benefit_eur_all"][t] = (static.norm_total - measure_cents) // 100
    out["measure_eur_all"][t] = measure_cents // 100
    st.measure_left[m_idx] -= 1

    # Leavers are replaced by newcomers (same characteristics and starting age, not approached).
    g_group = g[g < nt]
    for bit in (EVER_INVITED, EVER_REACHED, EVER_ACTIVE):
        st.tally[bit] -= int(np.count_nonzero(st.flags[g_group] & bit))
    left_active = st.active_cat[g_group]
    st.by_category -= np.bincount(left_active[left_active >= 0].astype(np.intp), minlength=len(A.CATEGORIES))
    st.tally["exempt"] -= int(np.count_nonzero(s[g_group] == EXEMPT))
    st.tally["closed"] -= int(np.count_nonzero(s[g_group] == CLOSED))
    # Outside the activation group a resident's state never changes, so a newcomer there needs only its AOW month.
    st.aow_month[g] = AOW_AGE_MONTHS - static.age0[g] + t + 1
    new[g_group] = NOT_APPROACHED
    g_active = g_group[s[g_group] == ACTIVE]
    st.threshold[g_active] = static.exit_threshold[g_active]
    # A newcomer's other fields (pos, due, cat, measure_pct, repeat) are set before they are read again: at the
    # invitation, the start of an activity or a measure (repeat counts only after a recent last_measure).
    for arr, value in ((st.active_cat, -1), (st.measure_left, 0), (st.last_measure, NEVER), (st.flags, 0)):
        arr[g_group] = value
    st.measured = m_idx[st.measure_left[m_idx] > 0]
    st.state = new

    out["group_size"][t] = nt
    out["approached"][t] = st.tally[EVER_INVITED]
    out["reached"][t] = st.tally[EVER_REACHED]
    out["ever_active"][t] = st.tally[EVER_ACTIVE]
    for k, category in enumerate(A.CATEGORIES):
        out[f"active_{category}"][t] = st.by_category[k]
    out["active"][t] = int(st.by_category.sum())
    out["exempt"][t] = st.tally["exempt"]
    out["closed"][t] = st.tally["closed"]
    _caseworker_time(out, t, work_items, policy, static.params)


def _caseworker_time(out, t, work_items, policy, params):
    """Hours: appointments at the profile's minutes per kind (outreach.rules.appointment_kinds), letters at an
    assumed number of minutes, plus overhead; caseworkers needed at the assumed productive hours a month."""
    minutes = (work_items["intake"] * policy.minutes["intake"] + work_items["follow_up"] * policy.minutes["follow_up"]
               + work_items["home_visit"] * policy.minutes["home_visit"]
               + work_items["letter"] * params["ladder_step_minutes"])
    hours = minutes / 60.0 * (1.0 + params["overhead"])
    out["caseworker_hours"][t] = hours
    out["caseworkers_needed"][t] = hours / params["productive_hours_per_month"]


def _new_output(months):
    return {name: np.zeros(months, dtype=np.float64 if name.startswith("caseworker") else np.int64)
            for name in SERIES}


def target_first(population: Population, policy: SimPolicy) -> Population:
    """The population with the activation group (the profile's furthest segment, by the live knip) first, in the
    original order within each part. Only the activation group changes state, so the step works on s[:n_target]."""
    months = vec.estimated_months(population.assessment_columns(), policy.weights)
    segment = vec.segment_index(months, population.age_years, policy.segmentation)
    target = segment == len(policy.segment_codes) - 1
    if target[:np.count_nonzero(target)].all():
        return population
    return population.take(np.argsort(~target, kind="stable"))


def draw_uniforms(rng: np.random.Generator, n: int, more: np.ndarray, n_target: int,
                  buffers: dict | None = None) -> list[np.ndarray]:
    """A month's uniform numbers (float32: half the cost of float64, 24 bits, precise enough for monthly chances):
    one per resident, then two more for each resident listed in `more` (ascending), placed at their index in two
    arrays of the activation group's size (the other places are never read).

    `buffers` (the run's State.buffers) are reused month after month instead of three fresh arrays of this size per
    month; the numbers are the same either way."""
    if buffers is None:
        buffers = {}
    if "exit" not in buffers:
        buffers.update(exit=np.empty(n, dtype=np.float32), u1=np.empty(n_target, dtype=np.float32),
                       u2=np.empty(n_target, dtype=np.float32))
    exit_numbers = rng.random(n, dtype=np.float32, out=buffers["exit"])
    extra = rng.random((2, len(more)), dtype=np.float32)
    u1, u2 = buffers["u1"], buffers["u2"]
    u1[more] = extra[0]
    u2[more] = extra[1]
    return [exit_numbers, u1, u2]



def run_streams(seed: int, run: int):
    """The two random streams of run `run` under `seed`: parameters and transitions (SeedSequence.spawn)."""
    child = np.random.SeedSequence(seed).spawn(run + 1)[run]
    params_seq, transitions_seq = child.spawn(2)
    return np.random.default_rng(params_seq), np.random.default_rng(transitions_seq)


def run_vectorised(population: Population, policy: SimPolicy, months: int, *, seed: int = 0, run: int = 0,
                   uncertain: bool = True, centrals: dict | None = None) -> dict:
    params_rng, rng = run_streams(seed, run)
    params = A.draw_parameters(params_rng, centrals or A.central_values(), uncertain)
    static = prepare(target_first(population, policy), policy, params)
    st = State.initial(static.n, static.age0, static.exit_threshold)
    out = _new_output(months)
    for t in range(months):
        _step_vectorised(st, static, policy, t, rng, out)
    out["params"] = params
    return out


# -- the same model as a straightforward per-resident loop (baseline and cross-check) --------------------------------

def _date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def run_loop(population: Population, policy: SimPolicy, profile_data: dict, months: int, *, seed: int = 0,
             run: int = 0, uncertain: bool = True, centrals: dict | None = None) -> dict:
    """The model of run_vectorised, resident by resident, calling the live scalar rules (next_step, decide_measure,
    next_contact, next_status) for every event. Same seed, same random numbers, same series."""
    params_rng, rng = run_streams(seed, run)
    p = A.draw_parameters(params_rng, centrals or A.central_values(), uncertain)
    population = target_first(population, policy)
    static = prepare(population, policy, p)
    n = static.n
    ladder_steps = list(profile_data.get("no_show_ladder") or [])
    start_pos = outreach_rules.start_position(ladder_steps)
    measure_settings = (profile_data.get("extra") or {}).get("measures") or {}
    measure_category = measure_settings.get("ladder_category") or (
        measure_settings["categories"][0]["code"] if measure_settings.get("categories") else None)
    out = _new_output(months)
    state = [0] * n
    pos, due, cat, entry = [0] * n, [0] * n, [-1] * n, [0] * n
    last_contact = [None] * n
    measure_left, measure_pct, last_measure, repeat = [0] * n, [0] * n, [NEVER] * n, [0] * n
    invited, reached, ever_active = [False] * n, [False] * n, [False] * n
    target = static.target.tolist()
    age0 = population.age_months.astype(int).tolist()
    threshold, threshold_active = static.exit_threshold.tolist(), static.exit_threshold_active.tolist()
    exempt_p = static.exempt.tolist()
    outreach_thr, partner_thr = static.outreach_threshold.tolist(), static.partner_threshold.tolist()
    places_thr, dropout_thr = static.places_threshold.tolist(), static.dropout_threshold.tolist()
    keep_thr = static.keep_threshold.tolist()
    n_target = static.n_target
    norm_days, norm_months = static.norm_days.tolist(), static.norm_months.tolist()
    cum = static.cum_weights.tolist()
    total_w = [row[-1] for row in cum]
    respond = static.respond.tolist()
    norm_cents = static.norm_cents.tolist()

    def schedule(i, t, placed=False):
        today = _date(day_of(t))
        result = guidance_rules.next_contact(
            last_contact_on=today, started_on=today, norm_days=norm_days[i] or None,
            placed_on=today if placed else None)
        last_contact[i] = today
        due[i] = int(round((result.due_on - EPOCH).days / DAYS_PER_MONTH))

    def draw_category(i, u):
        x = u * total_w[i]
        k = sum(1 for c in cum[i] if x >= c)
        return min(k, len(A.CATEGORIES) - 1)

    for t in range(months):
        u0 = rng.random(n, dtype=np.float32).tolist()
        more = sum(1 for i in range(n_target) if state[i] in NEEDS_MORE_NUMBERS)
        extra = rng.random((2, more), dtype=np.float32).tolist()
        k = 0
        work_items = dict.fromkeys(WORK_ITEMS, 0)
        measure_cents = 0
        for i in range(n):
            s = state[i]
            tgt = target[i]
            if tgt and s in NEEDS_MORE_NUMBERS:
                u1, u2 = extra[0][k], extra[1][k]
                k += 1
            age = age0[i] + (t - entry[i])
            gone = False
            if age >= AOW_AGE_MONTHS:
                gone = True
            elif u0[i] < (threshold_active[i] if s == ACTIVE else threshold[i]):
                gone = True
                if not u0[i] < p["leave_other"]:  # otherwise left for another reason
                    out["to_work_all"][t] += 1
                    out["to_work"][t] += tgt
            if not gone:
                if s == NOT_APPROACHED:
                    if tgt and u0[i] < outreach_thr[i]:
                        state[i], pos[i], due[i], invited[i] = INVITED, start_pos, t + 1, True
                        out["invitations"][t] += 1
                        work_items["letter"] += 1
                elif s == INVITED and due[i] <= t:
                    kind = ladder_steps[pos[i] - 1]["kind"] if pos[i] >= 1 else "invitation"
                    if u1 < respond[vec.KIND_INDEX[kind]]:
                        state[i], reached[i], due[i] = CONVERSATION, True, t + 1
                        last_contact[i] = _date(day_of(t))
                        out["contacts"][t] += 1
                        work_items["intake"] += 1
                    else:
                        step = outreach_rules.next_step(ladder_steps, pos[i], outreach_rules.NO_SHOW)
                        if step is None:
                            pos[i], due[i] = start_pos, t + norm_months[i]
                        elif step.kind in RESPONSE_KINDS:
                            pos[i], due[i] = step.position, t + 1
                            work_items["home_visit" if step.kind == "home_visit" else "letter"] += 1
                            if step.kind == "no_show_action_letter":
                                out["no_show_actions"][t] += tgt
                        elif step.kind == "measure_proposal":
                            out["measure_proposals"][t] += tgt
                            work_items["letter"] += 1
                            if policy.measures is not None:
                                blame = "full" if u2 < p["blame_share"] else "none"
                                repeats = repeat[i] if t - last_measure[i] < policy.repeat_window_months else 0
                                decision = obligation_rules.decide_measure(
                                    regime=obligation_rules.ORDINANCE, settings=measure_settings,
                                    category=measure_category, blame=blame, repeat_count=repeats)
                                if decision.percentage > 0:
                                    measure_left[i] = decision.months
                                    measure_pct[i] = int(decision.percentage * 100)
                                    repeat[i], last_measure[i] = repeats + 1, t
                                    out["measures"][t] += tgt
                            pos[i], due[i] = start_pos, t + 1
                        elif step.kind == "close_outreach":
                            state[i] = CLOSED
                        else:  # pay_not_earned: a consequence outside art. 18; invited again after the norm
                            pos[i], due[i] = start_pos, t + norm_months[i]
                elif s == CONVERSATION:
                    u, pe = u1, exempt_p[i]
                    if u < pe:
                        state[i], due[i] = EXEMPT, t + EXEMPTION_REVIEW_MONTHS
                    elif u < pe + (1.0 - pe) * static.accept:
                        cat[i] = draw_category(i, u2)
                        if u0[i] < partner_thr[i]:
                            state[i] = REFERRED
                        else:
                            state[i] = ACTIVE
                            ever_active[i] = True
                            schedule(i, t)
                    elif policy.summons_on_refusal:
                        state[i], pos[i], due[i] = INVITED, start_pos, t + 1
                    else:
                        state[i] = INACTIVE
                        schedule(i, t)
                elif s == REFERRED:
                    action = "place" if u0[i] < places_thr[i] else "return"
                    status = referral_rules.next_status(referral_rules.SENT, action, referral_rules.PROVIDER)
                    if status == referral_rules.PLACED:
                        state[i] = ACTIVE
                        ever_active[i] = True
                        schedule(i, t, placed=True)
                        out["placements"][t] += tgt
                    else:
                        state[i] = INACTIVE
                        schedule(i, t)
                        out["returned"][t] += tgt
                elif s == ACTIVE:
                    if u0[i] < dropout_thr[i]:
                        state[i] = INACTIVE
                    if due[i] <= t:
                        out["contacts"][t] += 1
                        work_items["follow_up"] += 1
                        schedule(i, t)
                elif s == INACTIVE and due[i] <= t:
                    out["contacts"][t] += 1
                    work_items["follow_up"] += 1
                    if u1 < static.accept_follow_up:
                        state[i] = ACTIVE
                        cat[i] = draw_category(i, u2)
                        ever_active[i] = True
                    schedule(i, t)
                elif s == EXEMPT and due[i] <= t:
                    out["contacts"][t] += 1
                    work_items["follow_up"] += 1
                    if u0[i] < keep_thr[i]:
                        due[i] = t + EXEMPTION_REVIEW_MONTHS
                    else:
                        state[i] = INACTIVE
                        schedule(i, t)
            if measure_left[i] > 0:
                one = vec.monthly_benefit_cents(static.category[i:i + 1], static.sharers[i:i + 1], [0],
                                                [measure_pct[i]], policy.norms)
                measure_cents += int(one["measure"][0])
                measure_left[i] -= 1
            if gone:
                state[i], entry[i], pos[i], due[i], cat[i] = NOT_APPROACHED, t + 1, 0, 0, -1
                last_contact[i], measure_left[i], measure_pct[i] = None, 0, 0
                last_measure[i], repeat[i] = NEVER, 0
                invited[i] = reached[i] = ever_active[i] = False
        counts = {"group_size": 0, "approached": 0, "reached": 0, "ever_active": 0, "active": 0, "exempt": 0,
                  "closed": 0}
        by_cat = [0] * len(A.CATEGORIES)
        for i in range(n):
            if not target[i]:
                continue
            counts["group_size"] += 1
            counts["approached"] += invited[i]
            counts["reached"] += reached[i]
            counts["ever_active"] += ever_active[i]
            counts["exempt"] += state[i] == EXEMPT
            counts["closed"] += state[i] == CLOSED
            if state[i] == ACTIVE:
                counts["active"] += 1
                by_cat[cat[i]] += 1
        for name, value in counts.items():
            out[name][t] = value
        for k, code in enumerate(A.CATEGORIES):
            out[f"active_{code}"][t] = by_cat[k]
        out["benefit_eur_all"][t] = (sum(norm_cents) - measure_cents) // 100
        out["measure_eur_all"][t] = measure_cents // 100
        _caseworker_time(out, t, work_items, policy, p)
    out["params"] = p
    return out


# -- many runs, bands, comparisons ------------------------------------------------------------------------------------

@dataclass
class SimulationResult:
    profile_key: str
    profile_name: str
    months: int
    runs: int
    seed: int
    residents: int
    series: dict = field(default_factory=dict)  # name -> [runs, months]
    params: list = field(default_factory=list)

    def bands(self, name: str, percentiles=(5, 50, 95)) -> dict:
        values = np.percentile(self.series[name], percentiles, axis=0)
        return {f"p{q}": values[i].tolist() for i, q in enumerate(percentiles)}

    def final(self, name: str, percentiles=(5, 50, 95)) -> dict:
        values = np.percentile(self.series[name][:, -1], percentiles)
        return {f"p{q}": float(values[i]) for i, q in enumerate(percentiles)}

    def total(self, name: str, first: int = 0, last: int | None = None, percentiles=(5, 50, 95)) -> dict:
        sums = self.series[name][:, first:last].sum(axis=1)
        values = np.percentile(sums, percentiles)
        return {f"p{q}": float(values[i]) for i, q in enumerate(percentiles)}

    def as_data(self, names=None) -> dict:
        names = names or SERIES
        return {"profile": self.profile_key, "profile_name": self.profile_name, "months": self.months,
                "runs": self.runs, "seed": self.seed, "residents": self.residents,
                "series": {name: self.bands(name) for name in names}}


def _one_run(args):
    population, policy, months, seed, run, uncertain, centrals = args
    return run_vectorised(population, policy, months, seed=seed, run=run, uncertain=uncertain, centrals=centrals)


def simulate(population: Population, profile, *, months: int = 120, runs: int = 100, seed: int = 0,
             uncertain: bool = True, centrals: dict | None = None, workers: int = 1) -> SimulationResult:
    """`runs` independent runs (run r uses stream r of `seed`), in `workers` processes. The same seed gives the same
    result, and two profiles simulated with the same seed see the same residents, parameter draws and random numbers
    (common random numbers), so their difference is the policy's."""
    policy = resolve(profile)
    centrals = centrals or A.central_values()
    jobs = [(population, policy, months, seed, r, uncertain, centrals) for r in range(runs)]
    if workers > 1 and runs > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outputs = list(pool.map(_one_run, jobs))
    else:
        outputs = [_one_run(job) for job in jobs]
    result = SimulationResult(policy.key, policy.name, months, runs, seed, len(population))
    for name in SERIES:
        result.series[name] = np.stack([o[name] for o in outputs])
    result.params = [o["params"] for o in outputs]
    return result


def compare(population: Population, profiles, **kwargs) -> list[SimulationResult]:
    """Several profiles side by side on the same population and the same random numbers."""
    return [simulate(population, profile, **kwargs) for profile in profiles]
