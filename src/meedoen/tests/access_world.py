"""Random small municipalities for the property tests of the access rules (`*/tests/test_access_properties.py`).

`worlds()` draws a plain description of two municipalities — wijken, teams (wijken shared by two teams included),
staff of every role with and without team, wijk or partner organisation, residents with and without a current
caseworker, providers, referrals, campaigns, outreaches and resident logins — and `build(world)` writes it to the
database. The tests state each access rule again in plain Python over the description (never calling the code
under test) and compare.

Build inside `transaction.atomic()` and roll back per example (`rolled_back()`), so examples never see each other.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from hypothesis import strategies as st

from meedoen.accounts.models import Role, User
from meedoen.offer.models import Provider
from meedoen.organisation.models import Municipality, Neighbourhood, Team
from meedoen.policy.services import active_profile
from meedoen.residents.models import Resident
from meedoen.tests.factories import valid_bsn

# The two shipped presets differ on the one setting the dossier rule reads (policy/tests/test_presets.py pins it).
POLICY_SHARES_NAMES = {"rotterdam": False, "leeuwarden": True}
DOSSIER_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD, Role.NEIGHBOURHOOD_WORKER)
ALL_ROLES = tuple(Role)


@dataclass(frozen=True)
class TeamSpec:
    municipality: int
    wijken: frozenset  # global wijk indices


@dataclass(frozen=True)
class UserSpec:
    municipality: int | None
    role: str
    team: int | None  # global team index
    wijk: int | None  # global wijk index
    provider: int | None  # global provider index
    resident: int | None  # resident index (a portal login), resolved after the residents are drawn


@dataclass(frozen=True)
class ResidentSpec:
    municipality: int
    wijk: int  # global wijk index
    caseworker: int | None  # user index


@dataclass(frozen=True)
class CampaignSpec:
    municipality: int
    team: int | None
    created_by: int | None


@dataclass(frozen=True)
class World:
    policies: tuple  # per municipality: the policy preset key
    wijken: tuple  # per wijk: its municipality
    teams: tuple  # TeamSpec
    providers: tuple  # per provider: its municipality
    users: tuple  # UserSpec
    residents: tuple  # ResidentSpec
    referrals: tuple  # (resident index, provider index)
    campaigns: tuple  # CampaignSpec
    outreaches: tuple  # (campaign index, resident index)

    def shares_names(self, municipality: int) -> bool:
        return POLICY_SHARES_NAMES[self.policies[municipality]]

    def team_of(self, user_index: int | None):
        return None if user_index is None else self.users[user_index].team


def _of(items, municipality):
    return [i for i, m in enumerate(items) if m == municipality]


# In the first municipality every example has one user of each kind the rules tell apart, so every branch of every
# rule is exercised in every example; the rest is drawn at random.
ARCHETYPES = (
    (Role.CASEWORKER, True, False), (Role.CASEWORKER, False, False), (Role.TEAM_LEAD, True, False),
    (Role.TEAM_LEAD, False, False), (Role.NEIGHBOURHOOD_WORKER, False, True), (Role.NEIGHBOURHOOD_WORKER, False, False),
    (Role.PROVIDER_STAFF, False, False), (Role.RESIDENT, False, False),
)  # (role, has a team, has a wijk); partner organisation and linked dossier are drawn for everyone


@st.composite
def worlds(draw, max_extra_users=4, max_residents=12):
    policies = (draw(st.sampled_from(sorted(POLICY_SHARES_NAMES))), draw(st.sampled_from(sorted(POLICY_SHARES_NAMES))))
    wijken, teams, providers = [], [], []
    for m in range(2):
        first = len(wijken)
        wijken += [m] * draw(st.integers(2 if m == 0 else 1, 3))
        local = list(range(first, len(wijken)))
        # Random subsets of the wijken: a wijk is often shared by two teams, sometimes nobody's. In the first
        # municipality the first two teams always share its first wijk.
        for t in range(draw(st.integers(2 if m == 0 else 1, 3))):
            chosen = set(draw(st.sets(st.sampled_from(local), max_size=len(local))))
            if m == 0 and t < 2:
                chosen.add(first)
            teams.append(TeamSpec(m, frozenset(chosen)))
        providers += [m] * draw(st.integers(0, 2))
    team_m = [t.municipality for t in teams]

    def maybe(options):
        return draw(st.none() | st.sampled_from(options)) if options else None

    def user(m, role, team, wijk):
        return UserSpec(municipality=m, role=role, team=team, wijk=wijk,
                        provider=maybe(_of(providers, m)) if m is not None else None,
                        resident=draw(st.none() | st.integers(0, max_residents)))

    users = [user(0, role, draw(st.sampled_from(_of(team_m, 0))) if has_team else None,
                  draw(st.sampled_from(_of(wijken, 0))) if has_wijk else None)
             for role, has_team, has_wijk in ARCHETYPES]
    for _ in range(draw(st.integers(0, max_extra_users))):
        m = draw(st.sampled_from([0, 1, 1, None]))
        role = draw(st.sampled_from(DOSSIER_ROLES * 2 + ALL_ROLES))  # mostly dossier roles, now and then any other
        users.append(user(m, role, maybe(_of(team_m, m)) if m is not None else None,
                          maybe(_of(wijken, m)) if m is not None else None))
    residents = []
    for _ in range(draw(st.integers(1, max_residents))):
        m = draw(st.sampled_from([0, 0, 0, 1]))
        staff = [i for i, u in enumerate(users) if u.municipality == m and u.role in (Role.CASEWORKER, Role.TEAM_LEAD)]
        residents.append(ResidentSpec(m, draw(st.sampled_from(_of(wijken, m))), maybe(staff)))
    users = [u if u.resident is None or not residents else
             UserSpec(**{**u.__dict__, "resident": u.resident % len(residents)}) for u in users]
    # one login per dossier (User.resident is one-to-one)
    seen, unique_users = set(), []
    for u in users:
        if u.resident is not None and (not residents or u.resident in seen):
            u = UserSpec(**{**u.__dict__, "resident": None})
        seen.add(u.resident)
        unique_users.append(u)
    referrals = []
    if residents and providers:
        referrals = draw(st.lists(st.tuples(st.integers(0, len(residents) - 1),
                                            st.integers(0, len(providers) - 1)), max_size=6))
    campaigns = []
    for _ in range(draw(st.integers(0, 4))):
        m = draw(st.integers(0, 1))
        creators = [i for i, u in enumerate(unique_users) if u.municipality == m]
        campaigns.append(CampaignSpec(m, maybe(_of(team_m, m)), maybe(creators)))
    pairs = [(c, r) for c, camp in enumerate(campaigns) for r, res in enumerate(residents)
             if res.municipality == camp.municipality]
    outreaches = sorted(draw(st.sets(st.sampled_from(pairs), max_size=8))) if pairs else []
    return World(tuple(policies), tuple(wijken), tuple(teams), tuple(providers), tuple(unique_users),
                 tuple(residents), tuple(referrals), tuple(campaigns), tuple(outreaches))


# -- the rules, restated from the access modules' docstrings (plain Python over the description) ----------------------


def expected_dossiers(world, u):
    """Indices of the residents user `u` may see, from the docstring of residents/access.py:

    - klantmanager: residents whose current caseworker is in the own team (own caseload included); without a team
      only the own caseload;
    - teamleider: residents of the own team, plus residents without a caseworker in the team's wijken;
    - wijkteammedewerker: residents of the own wijk, only when the policy profile shares names with the wijkteam;
    - every other role, and anyone without a municipality: nobody.
    Always within the user's own municipality.
    """
    user = world.users[u]
    if user.municipality is None:
        return set()
    seen = set()
    for r, resident in enumerate(world.residents):
        if resident.municipality != user.municipality:
            continue
        caseworker_team = world.team_of(resident.caseworker)
        if user.role == Role.CASEWORKER:
            if user.team is None:
                visible = resident.caseworker == u
            else:
                visible = resident.caseworker is not None and caseworker_team == user.team
        elif user.role == Role.TEAM_LEAD:
            if user.team is None:
                visible = False
            else:
                in_team = resident.caseworker is not None and caseworker_team == user.team
                unassigned_in_team_wijk = resident.caseworker is None and resident.wijk in world.teams[user.team].wijken
                visible = in_team or unassigned_in_team_wijk
        elif user.role == Role.NEIGHBOURHOOD_WORKER:
            visible = (user.wijk is not None and resident.wijk == user.wijk
                       and world.shares_names(user.municipality))
        else:
            visible = False
        if visible:
            seen.add(r)
    return seen


def expected_campaigns(world, u):
    """Indices of the campaigns user `u` sees (outreach.services.visible_campaigns; docs/outreach.md): klantmanagers
    and teamleiders of the campaign's municipality see the campaigns of their own team and the ones they created
    themselves (without a team: only those); nobody else sees any."""
    user = world.users[u]
    if user.municipality is None or user.role not in (Role.CASEWORKER, Role.TEAM_LEAD):
        return set()
    return {c for c, campaign in enumerate(world.campaigns) if campaign.municipality == user.municipality
            and ((user.team is not None and campaign.team == user.team) or campaign.created_by == u)}


def expected_outreaches(world, u):
    """An outreach (one resident in one campaign) is visible when both its campaign and its dossier are."""
    campaigns, dossiers = expected_campaigns(world, u), expected_dossiers(world, u)
    return {o for o, (c, r) in enumerate(world.outreaches) if c in campaigns and r in dossiers}


def expected_provider_referrals(world, u):
    """Referrals a partner's staff member sees (referrals.queries.provider_referrals): only those to the own
    organisation, and only for the role 'medewerker partner' with an organisation."""
    user = world.users[u]
    if user.role != Role.PROVIDER_STAFF or user.provider is None:
        return set()
    return {i for i, (_r, p) in enumerate(world.referrals) if p == user.provider}


@dataclass
class Built:
    municipalities: list
    wijken: list
    teams: list
    providers: list
    users: list
    residents: list
    referrals: list
    campaigns: list
    outreaches: list


def build(world: World) -> Built:
    """Write the world to the database (inside the caller's transaction)."""
    from meedoen.outreach.models import Campaign, Outreach
    from meedoen.referrals.models import Referral

    municipalities = [Municipality.objects.create(name=f"Gemeente {i}", code=f"98{i:02d}", policy_key=key)
                      for i, key in enumerate(world.policies)]
    wijken = [Neighbourhood.objects.create(municipality=municipalities[m], name=f"Wijk {i}")
              for i, m in enumerate(world.wijken)]
    teams = []
    for i, spec in enumerate(world.teams):
        team = Team.objects.create(municipality=municipalities[spec.municipality], name=f"Team {i}")
        team.neighbourhoods.set([wijken[w] for w in spec.wijken])
        teams.append(team)
    providers = [Provider.objects.create(municipality=municipalities[m], name=f"Partner {i}",
                                         kind=Provider.Kind.WELFARE) for i, m in enumerate(world.providers)]
    users = [User.objects.create(
        username=f"gebruiker{i}", last_name=f"Collega{i}", role=spec.role,
        municipality=None if spec.municipality is None else municipalities[spec.municipality],
        team=None if spec.team is None else teams[spec.team],
        neighbourhood=None if spec.wijk is None else wijken[spec.wijk],
        provider=None if spec.provider is None else providers[spec.provider],
    ) for i, spec in enumerate(world.users)]
    residents = [Resident.objects.create(
        municipality=municipalities[spec.municipality], neighbourhood=wijken[spec.wijk],
        current_caseworker=None if spec.caseworker is None else users[spec.caseworker],
        first_name="Inwoner", last_name=f"Nummer{i}", bsn=valid_bsn(i), date_of_birth=dt.date(1970, 5, 17),
        benefit_start_date=dt.date(2015, 3, 1), education_level="vmbo", dutch_language_level="B1",
    ) for i, spec in enumerate(world.residents)]
    for user, spec in zip(users, world.users):
        if spec.resident is not None:
            user.resident = residents[spec.resident]
            user.save(update_fields=["resident"])
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    referrals = [Referral.objects.create(
        resident=residents[r], provider=providers[p], referred_by=users[0], handover_note="Warme overdracht.",
        consent_recorded_at=now) for r, p in world.referrals]
    campaigns = [Campaign.objects.create(
        municipality=municipalities[spec.municipality], team=None if spec.team is None else teams[spec.team],
        name=f"Campagne {i}", appointment_kind="kennismaking",
        policy_profile=active_profile(municipalities[spec.municipality]),
        created_by=None if spec.created_by is None else users[spec.created_by],
    ) for i, spec in enumerate(world.campaigns)]
    outreaches = [Outreach.objects.create(campaign=campaigns[c], resident=residents[r]) for c, r in world.outreaches]
    return Built(municipalities, wijken, teams, providers, users, residents, referrals, campaigns, outreaches)


@contextlib.contextmanager
def rolled_back():
    """One example's data: everything written inside is rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
