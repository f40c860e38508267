"""Suggestions the resident chooses from (DESIGN §4.4): rank activities by how well they fit one resident.

Two layers:

1. Rules: pure functions over plain frozen dataclasses (`ResidentProfile`, `ActivityOption`) and policy data
   (`MatchingWeights`). No database. The same scoring is used for one resident (`rank`) and, in blocks, for the
   residents × activities matrix of the capacity planner (`meedoen.offer.planning`), so a suggestion and a planned
   place are judged alike.
2. Adapters that build those dataclasses from the models in a fixed, small number of queries, whatever the size of
   the catalogue (`suggest_for_resident`, `resident_profiles`, `activity_options`).

Hard constraints (an activity that breaks one is never suggested, and never planned):
- the activity is not active, or has ended;
- no free places left (places taken = referrals that are accepted, have an intake planned, or are placed);
- it needs an indication (e.g. a Wmo-indicatie for dagbesteding) the resident does not have;
- the resident's Dutch is below the activity's minimum level. Decision: never, not "with a flag". A place where the
  resident cannot follow what is said sets them up to fail; the route is a language activity first, which these
  rules rank up for residents below B1 (see `needs`);
- heavy physical work for a resident with severe physical limitations;
- the resident is already in it (an open referral to the same activity);
- farther from home than the policy's `max_km`, when the policy sets one (by default it does not).

Soft scores, each between 0 and 1, weighted by the policy (`MatchingWeights`, read from the policy profile's
`extra["matching"]`): interests and wishes, the plan's and the wished kinds of activity, barriers the activity helps
with, distance from home, hours against the stated capacity, physical load, care duties, and free places; minus a
penalty for project fatigue. The result is a fit from 0 to 100. Flags are warnings shown with an option: more hours
than agreed, the same kind of traject as before, physically heavy, hard to combine with care duties, starts later.

Ties are broken deterministically: higher fit, then nearer, then the lower activity id.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

import numpy as np
from django.utils.translation import gettext, gettext_noop, ngettext

# -- vocabularies (the codes of meedoen.residents.choices and meedoen.offer.models, kept here as plain data) ---------

LANGUAGE_LEVELS = ("none", "A1", "A2", "B1", "B2", "native")
HEALTH_LEVELS = ("none", "some", "severe")
PHYSICAL_LOADS = ("light", "medium", "heavy")
CATEGORIES = (
    "volunteering", "informal_care", "language", "movement", "own_barriers", "social", "day_activity",
    "work_brigade", "one_euro_job", "municipal_job", "ips", "paid_job", "other",
)
WORK_CATEGORIES = frozenset({"work_brigade", "one_euro_job", "municipal_job", "ips", "paid_job"})
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = frozenset({"sat", "sun"})
CARE_DUTIES = ("none", "young_children", "informal_care", "both")

_CATEGORY_INDEX = {code: i for i, code in enumerate(CATEGORIES)}
_LANGUAGE_INDEX = {code: i for i, code in enumerate(LANGUAGE_LEVELS)}
_HEALTH_INDEX = {code: i for i, code in enumerate(HEALTH_LEVELS)}
_LOAD_INDEX = {code: i for i, code in enumerate(PHYSICAL_LOADS)}

# Physical load against physical health (rows: health none/some/severe; columns: load light/medium/heavy).
LOAD_FIT = np.array([[1.0, 1.0, 1.0], [1.0, 0.6, 0.2], [1.0, 0.2, 0.0]])
LOAD_FLAGGED = np.array([[False, False, False], [False, False, True], [False, True, False]])
LOAD_BLOCKED = np.array([[False, False, False], [False, False, False], [False, False, True]])

# Flag codes (stable, for storage and tests); the Dutch text is made by `flag_text`.
FLAG_OVER_HOURS = "over_hours"
FLAG_FATIGUE = "project_fatigue"
FLAG_PHYSICAL = "physical_load"
FLAG_CARE = "care_duties"
FLAG_STARTS_LATER = "starts_later"
FLAG_CODES = (FLAG_OVER_HOURS, FLAG_FATIGUE, FLAG_PHYSICAL, FLAG_CARE, FLAG_STARTS_LATER)

FIT_MAX = 100.0


# -- policy data ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchingWeights:
    """How much each part of the fit counts: policy data, read from the profile's `extra["matching"]`.

    The defaults are illustrative, not research findings: interests and wishes count most (choice, DESIGN §4.4),
    then what the plan says and nearness (residents choose activities near home), then hours, health and care.
    """

    interest: float = 3.0  # words from interests, wishes and talents in the activity's title and tags
    category: float = 2.0  # the kind of activity is in the plan, or the resident said they want it
    need: float = 1.0  # the kind of activity helps with a barrier (language, debts, isolation, informal care)
    distance: float = 2.0  # near home
    hours: float = 1.5  # the minimum hours fit the stated capacity
    load: float = 1.0  # physical load against physical health
    care: float = 1.0  # days and hours against care duties
    places: float = 0.5  # room left in the activity
    fatigue_penalty: float = 2.0  # subtracted for the same kind of traject as before
    distance_half_km: float = 3.0  # the distance score halves every this many km
    unknown_distance_km: float = 5.0  # assumed distance when a location is unknown
    max_km: float | None = None  # never suggest farther than this (None: no limit)
    places_full_score_at: int = 5  # this many free places or more score 1
    fatigue_years: int = 5  # earlier trajects older than this do not count for project fatigue
    chosen_counts_after_days: int = 30  # a chosen suggestion without referral counts as "tried" after this long

    SCORE_KEYS = ("interest", "category", "need", "distance", "hours", "load", "care", "places")

    @classmethod
    def from_settings(cls, data: dict | None) -> "MatchingWeights":
        """Weights from policy data; unknown keys and impossible values raise ValueError (checked on approval)."""
        if not data:
            return cls()
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"Onbekende instelling voor matching: {', '.join(unknown)}.")
        values = {}
        for key, value in data.items():
            if key == "max_km" and value is None:
                values[key] = None
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"Matching: '{key}' moet een getal zijn.")
            if value < 0:
                raise ValueError(f"Matching: '{key}' mag niet negatief zijn.")
            values[key] = value
        weights = cls(**values)
        if weights.total_weight <= 0:
            raise ValueError("Matching: minstens één gewicht moet groter dan 0 zijn.")
        if weights.distance_half_km <= 0 or weights.places_full_score_at <= 0:
            raise ValueError("Matching: 'distance_half_km' en 'places_full_score_at' moeten groter dan 0 zijn.")
        return weights

    @property
    def total_weight(self) -> float:
        return float(sum(getattr(self, key) for key in self.SCORE_KEYS))


DEFAULT_WEIGHTS = MatchingWeights()


# -- plain data -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentProfile:
    """What matching needs to know about one resident. Built by `resident_profiles` from the dossier."""

    resident_id: int
    neighbourhood_id: int | None = None
    location: tuple[float, float] | None = None  # (lat, lon) of the home neighbourhood's centre
    keywords: frozenset[str] = frozenset()  # normalised words from interests, wishes and talents
    plan_categories: frozenset[str] = frozenset()  # kinds of activity in the current plan (route and steps)
    wished_categories: frozenset[str] = frozenset()  # kinds of activity the resident named
    needs: frozenset[str] = frozenset()  # kinds of activity that help with a barrier
    language_level: str = "native"
    physical_health: str = "none"
    care_duties: str = "none"
    capacity_hours: float | None = None  # from the current plan van aanpak; None when there is no plan
    indications: frozenset[str] = frozenset()  # indications the resident has (normalised, see `indication_key`)
    tried_categories: frozenset[str] = frozenset()  # kinds of traject tried before that ended or were returned
    current_activity_ids: frozenset[int] = frozenset()  # open referrals: never suggested again
    chosen_activity_id: int | None = None  # an already-made choice (the planner keeps it)
    chosen_holds_place: bool = False  # that choice already counts in the activity's places taken

    @property
    def preferred_categories(self) -> frozenset[str]:
        return self.plan_categories | self.wished_categories


@dataclass(frozen=True)
class ActivityOption:
    """What matching needs to know about one activity. Built by `activity_options` from the catalogue."""

    activity_id: int
    title: str = ""
    category: str = "other"
    tags: tuple[str, ...] = ()
    keywords: frozenset[str] = frozenset()  # normalised title words and tags
    neighbourhood_id: int | None = None
    location: tuple[float, float] | None = None  # (lat, lon); the neighbourhood's centre when unknown
    days: frozenset[str] = frozenset()
    min_hours: float = 0.0
    max_hours: float = 20.0
    capacity: int = 1
    places_taken: int = 0
    min_language_level: str = "none"
    physical_load: str = "light"
    required_indication: str | None = None  # normalised (see `indication_key`); None when none is needed
    active: bool = True
    starts_on: date | None = None
    ends_on: date | None = None

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.places_taken)


@dataclass(frozen=True)
class Suggestion:
    """One ranked option: the fit (0–100), the reasons it fits and the warnings, in Dutch (B1) for the resident
    and the caseworker. `flag_codes` are the stable codes behind `flags`."""

    activity_id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    flag_codes: tuple[str, ...] = ()
    distance_km: float | None = None


# -- text -------------------------------------------------------------------------------------------------------------

_STOPWORDS = frozenset("""
aan achter af al alle alles als altijd andere bij dan dat de der des die dit doe doen door dus een eens en er
gaat gaan geen goed graag had heb hebben heeft hem het hier hij hoe hun iets ik in is ja je jij kan kun kunnen
leuk maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over te tot toch
uit van veel voor want was wat we wel werd wie wij wil wilt willen word wordt zal ze zei zelf zich zij zijn zo zou
houd houdt vind vindt lijkt the and
""".split())


_VOWELS = frozenset("aeiou")


@functools.lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """Lowercase, no accents, a light Dutch stem: koken, kook → kok; dieren → dier; zwemmen → zwem."""
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    for suffix in ("en", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]  # zwemm → zwem
    elif len(word) >= 3 and word[-1] not in _VOWELS and word[-2] == word[-3] and word[-2] in "aeou":
        word = word[:-2] + word[-1]  # kook → kok, maak → mak
    return word


_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def keywords(*texts: str | None) -> frozenset[str]:
    """The normalised content words of free texts (interests, wishes, titles, tags)."""
    if len(texts) == 1:
        return _text_keywords(texts[0] or "")
    out = set()
    for text in texts:
        out |= _text_keywords(text or "")
    return frozenset(out)


@functools.lru_cache(maxsize=65536)
def _text_keywords(text: str) -> frozenset[str]:
    return frozenset(normalise_word(word) for word in _WORD_RE.findall(text)
                     if len(word) >= 3 and word.lower() not in _STOPWORDS)


def indication_key(text: str | None) -> str:
    """Indications are compared on their normalised words (e.g. "Wmo-indicatie dagbesteding")."""
    return " ".join(sorted(keywords(text))) or "indicatie"


def resident_indications(text: str | None) -> frozenset[str]:
    """The dossier's comma-separated indications (Resident.indications) as normalised keys."""
    return frozenset(indication_key(part) for part in (text or "").split(",") if part.strip())


# Words (normalised) by which a resident names a kind of activity. Small on purpose: interests match on the
# activity's own words and tags; this only turns "ik wil weer werken" or "sporten" into a wished kind.
CATEGORY_WORDS = {category: frozenset(normalise_word(w) for w in words.split()) for category, words in {
    "language": "taal nederlands taalcafé taalles lezen schrijven",
    "movement": "sport sporten bewegen fitness wandelen zwemmen fietsen voetbal dansen",
    "volunteering": "vrijwilligerswerk vrijwilliger vrijwillig",
    "informal_care": "mantelzorg mantelzorger",
    "social": "ontmoeten gezellig buurthuis koffieochtend",
    "own_barriers": "schulden schuld geldzorgen schuldhulp",
    "day_activity": "dagbesteding",
    "paid_job": "baan betaald werk werken solliciteren",
    "municipal_job": "baan werk werken",
    "ips": "baan werk werken solliciteren",
}.items()}


def wished_categories(words: Iterable[str]) -> frozenset[str]:
    words = set(words)
    return frozenset(cat for cat, vocab in CATEGORY_WORDS.items() if words & vocab)


# The plan's route and steps (meedoen.guidance.models.Route and PlanStep.Kind) as kinds of activity.
ROUTE_CATEGORIES = {
    "participation": frozenset({"volunteering", "social", "movement"}),
    "work": WORK_CATEGORIES,
    "barriers": frozenset({"own_barriers"}),
    "language": frozenset({"language"}),
    "care": frozenset({"informal_care"}),
}
STEP_CATEGORIES = {
    "volunteering": frozenset({"volunteering"}),
    "informal_care": frozenset({"informal_care"}),
    "language": frozenset({"language"}),
    "movement": frozenset({"movement"}),
    "own_barriers": frozenset({"own_barriers"}),
    "meeting": frozenset({"social"}),
    "work": WORK_CATEGORIES,
}


def barrier_needs(*, language_level="native", debts="none", addiction="none", mental_health="none",
                  isolation="none", care_duties="none") -> frozenset[str]:
    """Kinds of activity that help with the resident's barriers (can't versus won't, DESIGN §4.5)."""
    needs = set()
    if _LANGUAGE_INDEX.get(language_level, 5) < _LANGUAGE_INDEX["B1"]:
        needs.add("language")
    if debts == "problematic" or addiction in ("active", "in_recovery") or mental_health == "severe":
        needs.add("own_barriers")
    if isolation in ("some", "severe"):
        needs.add("social")
    if care_duties in ("informal_care", "both"):
        needs.add("informal_care")  # a mantelzorg contract can count as the resident's contribution
    return frozenset(needs)


# -- vectorised scoring -----------------------------------------------------------------------------------------------


class Catalogue:
    """Activities as arrays, built once and scored against one resident or a block of residents."""

    def __init__(self, options: Sequence[ActivityOption], *, today: date):
        self.options = list(options)
        self.today = today
        n = len(self.options)
        self.size = n
        self.ids = np.fromiter((o.activity_id for o in self.options), dtype=np.int64, count=n)
        self.category = np.fromiter((_CATEGORY_INDEX.get(o.category, _CATEGORY_INDEX["other"])
                                     for o in self.options), dtype=np.int64, count=n)
        self.lat = np.fromiter((o.location[0] if o.location else np.nan for o in self.options), float, count=n)
        self.lon = np.fromiter((o.location[1] if o.location else np.nan for o in self.options), float, count=n)
        self.xyz = unit_vectors(self.lat, self.lon).reshape(n, 3)
        self.all_located = not np.isnan(self.lat).any()
        self.neighbourhood = np.fromiter((o.neighbourhood_id if o.neighbourhood_id is not None else -1
                                          for o in self.options), dtype=np.int64, count=n)
        self.min_hours = np.fromiter((o.min_hours for o in self.options), float, count=n)
        self.free = np.fromiter((o.free_places for o in self.options), dtype=np.int64, count=n)
        self.language = np.fromiter((_LANGUAGE_INDEX.get(o.min_language_level, 0) for o in self.options),
                                    dtype=np.int64, count=n)
        self.load = np.fromiter((_LOAD_INDEX.get(o.physical_load, 0) for o in self.options), dtype=np.int64, count=n)
        self.open = np.fromiter((o.active and (o.ends_on is None or o.ends_on >= today) for o in self.options),
                                dtype=bool, count=n)
        self.starts_later = np.fromiter((o.starts_on is not None and o.starts_on > today for o in self.options),
                                        dtype=bool, count=n)
        self.n_days = np.fromiter((len(o.days) for o in self.options), dtype=np.int64, count=n)
        self.weekend_share = np.fromiter((len(o.days & WEEKEND) / len(o.days) if o.days else 0.0
                                          for o in self.options), float, count=n)
        indications = sorted({o.required_indication for o in self.options if o.required_indication})
        self.indication_names = indications
        index = {name: i for i, name in enumerate(indications)}
        # -1: no indication needed
        self.indication = np.fromiter((index[o.required_indication] if o.required_indication else -1
                                       for o in self.options), dtype=np.int64, count=n)
        # Inverted index: normalised word → activity positions, for keyword overlap without a dense matrix.
        postings: dict[str, list[int]] = {}
        for position, option in enumerate(self.options):
            for word in option.keywords:
                postings.setdefault(word, []).append(position)
        self.postings = {word: np.asarray(pos, dtype=np.int64) for word, pos in postings.items()}
        self.position = {int(activity_id): i for i, activity_id in enumerate(self.ids)}

    def subset(self, columns: np.ndarray) -> "Catalogue":
        return Catalogue([self.options[i] for i in columns], today=self.today)


class ResidentBlock:
    """A block of residents as arrays (shape (n, 1) so they broadcast against a catalogue's (1, m))."""

    def __init__(self, residents: Sequence[ResidentProfile]):
        self.residents = list(residents)
        n = len(self.residents)
        col = (n, 1)
        self.lat = np.array([r.location[0] if r.location else np.nan for r in self.residents], float).reshape(col)
        self.lon = np.array([r.location[1] if r.location else np.nan for r in self.residents], float).reshape(col)
        self.xyz = unit_vectors(self.lat[:, 0], self.lon[:, 0]).reshape(n, 3)
        self.all_located = not np.isnan(self.lat).any()
        self.neighbourhood = np.array([r.neighbourhood_id if r.neighbourhood_id is not None else -2
                                       for r in self.residents], dtype=np.int64).reshape(col)
        self.language = np.array([_LANGUAGE_INDEX.get(r.language_level, 5) for r in self.residents],
                                 dtype=np.int64).reshape(col)
        self.health = np.array([_HEALTH_INDEX.get(r.physical_health, 0) for r in self.residents],
                               dtype=np.int64).reshape(col)
        self.capacity = np.array([np.nan if r.capacity_hours is None else r.capacity_hours for r in self.residents],
                                 float).reshape(col)
        self.children = np.array([r.care_duties in ("young_children", "both") for r in self.residents],
                                 dtype=bool).reshape(col)
        self.informal = np.array([r.care_duties in ("informal_care", "both") for r in self.residents],
                                 dtype=bool).reshape(col)
        n_cat = len(CATEGORIES)

        def category_matrix(attr):
            matrix = np.zeros((n, n_cat), dtype=bool)
            for i, resident in enumerate(self.residents):
                for code in getattr(resident, attr):
                    if code in _CATEGORY_INDEX:
                        matrix[i, _CATEGORY_INDEX[code]] = True
            return matrix

        self.preferred = category_matrix("preferred_categories")
        self.needs = category_matrix("needs")
        self.tried = category_matrix("tried_categories")


@dataclass
class ScoredBlock:
    """Scores of a block of residents against a catalogue: all arrays have shape (residents, activities)."""

    feasible: np.ndarray
    score: np.ndarray  # 0–100, rounded to 2 decimals; meaningless where not feasible
    distance_km: np.ndarray  # nan where a location is unknown
    components: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (arrays broadcast)."""
    lat1, lon1, lat2, lon2 = (np.radians(x) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lat, lon):
    """Points on the unit sphere (x, y, z) for lat/lon in degrees; nan where unknown."""
    lat, lon = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def distance_matrix_km(a_xyz: np.ndarray, b_xyz: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) between every row of a (n, 3) and of b (m, 3): 2R·asin(chord / 2), equal to the
    haversine formula; nan where a location is unknown. The dot product is written out (not a BLAS matrix product)
    so that a pair's distance does not depend on the size of the block it is computed in."""
    dot = a_xyz[:, 0:1] * b_xyz[None, :, 0]
    dot += a_xyz[:, 1:2] * b_xyz[None, :, 1]
    dot += a_xyz[:, 2:3] * b_xyz[None, :, 2]
    half_chord_sq = np.clip((1.0 - dot) * 0.5, 0.0, 1.0)
    return (2 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(half_chord_sq))


def score_block(block: ResidentBlock, catalogue: Catalogue, weights: MatchingWeights = DEFAULT_WEIGHTS, *,
                require_free_places: bool = True, allow_over_hours: bool = True,
                explain: bool = True) -> ScoredBlock:
    """Hard constraints and the fit for every (resident, activity) pair of the block; with `explain`, also each
    component and flag (for the reasons shown with a suggestion).

    `require_free_places=False` and `allow_over_hours=False` are the planner's view: there, places are handled by
    the allocation itself, and a plan never asks more hours than agreed. The fit itself is computed the same way
    with or without `explain`.
    """
    n, m = len(block.residents), catalogue.size
    shape = (n, m)

    # Hard constraints.
    feasible = np.broadcast_to(catalogue.open[None, :], shape).copy()
    if require_free_places:
        feasible &= catalogue.free[None, :] > 0
    feasible &= block.language >= catalogue.language[None, :]
    feasible &= ~LOAD_BLOCKED[block.health, catalogue.load[None, :]]
    if catalogue.indication_names:
        held = np.zeros((n, len(catalogue.indication_names) + 1), dtype=bool)
        held[:, -1] = True  # column -1: "no indication needed"
        for i, resident in enumerate(block.residents):
            if resident.indications:
                for j, name in enumerate(catalogue.indication_names):
                    held[i, j] = name in resident.indications
        feasible &= held[:, catalogue.indication]
    for i, resident in enumerate(block.residents):
        for activity_id in resident.current_activity_ids:
            position = catalogue.position.get(int(activity_id))
            if position is not None:
                feasible[i, position] = False

    # Distance (km) from the home neighbourhood's centre; unknown locations count as `unknown_distance_km`, or 0
    # within the same neighbourhood.
    distance = distance_matrix_km(block.xyz, catalogue.xyz)
    same_neighbourhood = block.neighbourhood == catalogue.neighbourhood[None, :]
    if block.all_located and catalogue.all_located:
        effective_km = distance
    else:
        effective_km = np.where(np.isnan(distance), np.where(same_neighbourhood, 0.0, weights.unknown_distance_km),
                                distance)
    if weights.max_km is not None:
        feasible &= effective_km <= weights.max_km
    distance_score = np.exp2(effective_km * (-1.0 / weights.distance_half_km))

    # Interests and wishes: words in common with the activity's title and tags (2 or more words score 1).
    overlap = np.zeros(shape, dtype=np.float64)
    for i, resident in enumerate(block.residents):
        row = overlap[i]
        for word in resident.keywords:
            positions = catalogue.postings.get(word)
            if positions is not None:
                row[positions] += 1.0

    # Hours: the activity's minimum against the capacity in the plan; neutral (0.5) without a plan.
    has_capacity = ~np.isnan(block.capacity)
    over_hours = has_capacity & (catalogue.min_hours[None, :] > np.where(has_capacity, block.capacity, 0) + 1e-9)
    if not allow_over_hours:
        feasible &= ~over_hours

    # Care duties: young children → weekdays (school hours); informal care → at most two days a week.
    care = np.where(block.children, 1.0 - catalogue.weekend_share[None, :], 1.0)
    care *= np.where(block.informal & (catalogue.n_days[None, :] > 2), 0.6, 1.0)

    # The fit. Parts that depend only on the kind of activity (plan, wishes, needs, fatigue) or on the physical
    # load are looked up in small per-resident tables first.
    per_category = (weights.category * block.preferred + weights.need * block.needs
                    - weights.fatigue_penalty * block.tried)
    per_load = weights.load * LOAD_FIT[block.health[:, 0]]
    places = np.minimum(catalogue.free, weights.places_full_score_at) * (
        weights.places / weights.places_full_score_at)
    raw = per_category[:, catalogue.category]
    raw += per_load[:, catalogue.load]
    raw += np.minimum(overlap, 2.0) * (weights.interest / 2.0)
    raw += weights.distance * distance_score
    raw += np.where(has_capacity, np.where(over_hours, 0.0, weights.hours), 0.5 * weights.hours)
    raw += weights.care * care
    raw += places[None, :]
    raw *= FIT_MAX / weights.total_weight
    score = np.round(np.clip(raw, 0.0, FIT_MAX, out=raw), 2, out=raw)

    components, flags = {}, {}
    if explain:
        load_index = catalogue.load[None, :]
        components = {
            "overlap": overlap, "interest": np.minimum(overlap, 2.0) / 2.0,
            "category": block.preferred[:, catalogue.category].astype(float),
            "need": block.needs[:, catalogue.category].astype(float), "distance": distance_score,
            "same_neighbourhood": same_neighbourhood,
            "hours": np.where(has_capacity, np.where(over_hours, 0.0, 1.0), 0.5),
            "load": LOAD_FIT[block.health, load_index], "care": care,
            "places": np.broadcast_to(np.minimum(catalogue.free, weights.places_full_score_at)[None, :]
                                      / weights.places_full_score_at, shape),
        }
        flags = {FLAG_OVER_HOURS: over_hours, FLAG_FATIGUE: block.tried[:, catalogue.category],
                 FLAG_PHYSICAL: LOAD_FLAGGED[block.health, load_index], FLAG_CARE: care < 0.5,
                 FLAG_STARTS_LATER: np.broadcast_to(catalogue.starts_later[None, :], shape)}
    return ScoredBlock(feasible=feasible, score=score, distance_km=distance, components=components, flags=flags)


def order_candidates(score: np.ndarray, distance_km: np.ndarray, ids: np.ndarray,
                     positions: np.ndarray) -> np.ndarray:
    """Deterministic order of positions: higher fit, then nearer (unknown last), then the lower activity id."""
    dist = np.where(np.isnan(distance_km[positions]), np.inf, distance_km[positions])
    return positions[np.lexsort((ids[positions], dist, -score[positions]))]


# -- explanation ------------------------------------------------------------------------------------------------------


def _fmt_number(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(round(value, 1), decimal_pos=0 if float(value).is_integer() else 1)


def flag_text(code: str, resident: ResidentProfile, option: ActivityOption) -> str:
    if code == FLAG_OVER_HOURS:
        return gettext("Meer uren dan afgesproken: minimaal %(min)s uur per week, in het plan staat %(cap)s uur.") % {
            "min": _fmt_number(option.min_hours), "cap": _fmt_number(resident.capacity_hours or 0)}
    if code == FLAG_FATIGUE:
        return gettext("Hetzelfde soort traject als eerder. Bespreek samen wat er nu anders is.")
    if code == FLAG_PHYSICAL:
        return gettext("Lichamelijk zwaar. Bespreek of dit past bij de gezondheid.")
    if code == FLAG_CARE:
        return gettext("Lastig te combineren met de zorgtaken (in het weekend of op veel dagen).")
    if code == FLAG_STARTS_LATER:
        from django.utils.formats import date_format

        return gettext("Begint pas op %(date)s.") % {"date": date_format(option.starts_on, "j F Y")}
    raise ValueError(code)


NEED_REASONS = {
    "language": gettext_noop("Hier oefen je Nederlands."),
    "own_barriers": gettext_noop("Hier krijg je hulp bij wat nu lastig is, zoals geld of gezondheid."),
    "social": gettext_noop("Hier ontmoet je andere mensen."),
    "informal_care": gettext_noop("De zorg die je al geeft, telt hier mee."),
}


def explain(resident: ResidentProfile, option: ActivityOption, scored: ScoredBlock, row: int, col: int,
            weights: MatchingWeights = DEFAULT_WEIGHTS) -> tuple[list[str], list[str], tuple[str, ...]]:
    """Reasons (why it fits) and flags (what to discuss) for one pair, in Dutch (B1)."""
    c = {key: value[row, col] for key, value in scored.components.items()}
    reasons = []
    if c["overlap"] > 0:
        matched = [tag for tag in option.tags if keywords(tag) & resident.keywords]
        if not matched:
            matched = sorted(resident.keywords & option.keywords)
        reasons.append(gettext("Past bij je interesses: %(words)s.") % {"words": ", ".join(matched[:3])})
    if c["category"] > 0:
        if option.category in resident.plan_categories:
            reasons.append(gettext("Dit soort activiteit staat in je plan van aanpak."))
        else:
            reasons.append(gettext("Je zei dat je zoiets graag wilt doen."))
    if c["need"] > 0 and option.category in NEED_REASONS:
        reasons.append(gettext(NEED_REASONS[option.category]))
    km = scored.distance_km[row, col]
    if c["same_neighbourhood"]:
        reasons.append(gettext("In je eigen wijk."))
    elif not np.isnan(km) and km <= 2 * weights.distance_half_km:
        reasons.append(gettext("Dichtbij: ongeveer %(km)s km van huis.") % {"km": _fmt_number(km)})
    if resident.capacity_hours is not None and c["hours"] >= 1:
        if option.min_hours > 0:
            reasons.append(gettext("Past bij je uren: vanaf %(min)s uur per week, jij kunt %(cap)s uur.") % {
                "min": _fmt_number(option.min_hours), "cap": _fmt_number(resident.capacity_hours)})
        else:
            reasons.append(gettext("Je kiest zelf hoeveel uur, tot %(max)s uur per week.") % {
                "max": _fmt_number(option.max_hours)})
    if resident.physical_health != "none" and option.physical_load == "light":
        reasons.append(gettext("Lichamelijk licht werk."))
    if resident.care_duties != "none" and c["care"] >= 1:
        reasons.append(gettext("Goed te combineren met je zorgtaken."))
    free = option.free_places
    if free > 0:
        reasons.append(ngettext("Er is nog %(n)d plaats vrij.", "Er zijn nog %(n)d plaatsen vrij.", free)
                       % {"n": free})
    codes = tuple(code for code in FLAG_CODES if scored.flags[code][row, col])
    return reasons, [flag_text(code, resident, option) for code in codes], codes


# -- ranking ----------------------------------------------------------------------------------------------------------


def rank(resident: ResidentProfile, options: Sequence[ActivityOption] | Catalogue, *,
         weights: MatchingWeights = DEFAULT_WEIGHTS, today: date, limit: int | None = 5) -> list[Suggestion]:
    """The best `limit` activities for one resident, best first, each with reasons and flags.

    Never suggests an activity that breaks a hard constraint (see the module docstring). An activity that asks
    more hours than the plan's capacity is suggested only with the flag `FLAG_OVER_HOURS`.
    """
    catalogue = options if isinstance(options, Catalogue) else Catalogue(options, today=today)
    if catalogue.size == 0:
        return []
    scored = score_block(ResidentBlock([resident]), catalogue, weights)
    positions = np.flatnonzero(scored.feasible[0])
    if positions.size == 0:
        return []
    score, distance = scored.score[0], scored.distance_km[0]
    if limit is not None and positions.size > limit:
        # Only the candidates that can reach the top `limit` need a full ordering.
        threshold = np.partition(score[positions], positions.size - limit)[positions.size - limit]
        positions = positions[score[positions] >= threshold]
    ordered = order_candidates(score, distance, catalogue.ids, positions)
    if limit is not None:
        ordered = ordered[:limit]
    suggestions = []
    for col in ordered:
        option = catalogue.options[col]
        reasons, flags, codes = explain(resident, option, scored, 0, col, weights)
        km = distance[col]
        suggestions.append(Suggestion(
            activity_id=option.activity_id, score=float(score[col]), reasons=reasons, flags=flags, flag_codes=codes,
            distance_km=None if np.isnan(km) else round(float(km), 2),
        ))
    return suggestions


# -- adapters: from the models to plain data, in a fixed number of queries --------------------------------------------

TAKEN_STATUSES = ("accepted", "intake_planned", "placed")
TRIED_STATUSES = ("returned", "completed", "withdrawn")


def weights_for(municipality, on_date=None) -> MatchingWeights:
    """The matching weights of the municipality's policy profile in force (defaults when it sets none)."""
    from meedoen.policy.models import PolicyProfile
    from meedoen.policy.services import active_profile

    try:
        profile = active_profile(municipality, on_date)
    except PolicyProfile.DoesNotExist:
        return DEFAULT_WEIGHTS
    return MatchingWeights.from_settings((profile.extra or {}).get("matching"))


def neighbourhood_centres(municipality) -> dict[int, tuple[float, float]]:
    """{neighbourhood id: (lat, lon)} from the catalogue's geography, or else the mean of the activities'
    coordinates per neighbourhood (one query)."""
    try:
        from meedoen.offer.geo import neighbourhood_centroids
    except ImportError:
        neighbourhood_centroids = None
    if neighbourhood_centroids is not None:
        return {int(k): (float(v[0]), float(v[1])) for k, v in neighbourhood_centroids(municipality).items()
                if v is not None}
    from django.db.models import Avg

    from meedoen.offer.models import Activity

    rows = (Activity.objects.filter(municipality=municipality, neighbourhood__isnull=False,
                                    latitude__isnull=False, longitude__isnull=False)
            .values("neighbourhood_id").annotate(lat=Avg("latitude"), lon=Avg("longitude")))
    return {row["neighbourhood_id"]: (float(row["lat"]), float(row["lon"])) for row in rows}


def _places_taken(activity_queryset) -> dict[int, int]:
    """{activity id: places taken} for the activities of a queryset, counted as the catalogue counts them
    (referrals in offer.services.TAKES_PLACE_STATUSES); one query, with the activities as a subquery so that a
    catalogue of thousands does not become a list of thousands of parameters."""
    from django.db.models import Count

    from meedoen.referrals.models import Referral

    try:
        from meedoen.offer.services import TAKES_PLACE_STATUSES as statuses
    except ImportError:
        statuses = TAKEN_STATUSES
    rows = (Referral.objects.filter(activity_id__in=activity_queryset.values("pk"), status__in=statuses)
            .order_by().values("activity_id").annotate(n=Count("id")).values_list("activity_id", "n"))
    return dict(rows)


def activity_options(municipality, *, today: date, activities=None, centres=None) -> list[ActivityOption]:
    """The catalogue (or the given activities) of a municipality as plain options: one query for the activities,
    one for the places taken, one for the neighbourhood centres."""
    from django.db.models import FloatField
    from django.db.models.functions import Cast

    from meedoen.offer.models import Activity

    qs = Activity.objects.filter(municipality=municipality)
    if activities is not None:
        if hasattr(activities, "values"):
            qs = qs.filter(pk__in=activities.values("pk"))
        else:
            qs = qs.filter(pk__in=[getattr(a, "pk", a) for a in activities])
    else:
        qs = qs.filter(active=True)
    centres = neighbourhood_centres(municipality) if centres is None else centres
    # Coordinates and hours as floats in the query: no Decimal per value for thousands of rows.
    rows = list(qs.annotate(
        lat_f=Cast("latitude", FloatField()), lon_f=Cast("longitude", FloatField()),
        min_f=Cast("min_hours_per_week", FloatField()), max_f=Cast("max_hours_per_week", FloatField()),
    ).values_list(
        "id", "title", "category", "tags", "neighbourhood_id", "lat_f", "lon_f", "days", "min_f", "max_f",
        "capacity", "min_language_level", "physical_load", "requires_indication", "indication_note", "active",
        "starts_on", "ends_on",
    ).order_by("id"))
    taken = _places_taken(qs) if rows else {}
    options = []
    for (pk, title, category, tags, nbh, lat, lon, days, min_h, max_h, capacity, language, load, needs_ind,
         ind_note, active, starts_on, ends_on) in rows:
        tags = tuple(str(t) for t in (tags or ()) if t)
        words = keywords(title, *tags)
        if lat is not None and lon is not None:
            location = (float(lat), float(lon))
        else:
            location = centres.get(nbh)
        options.append(ActivityOption(
            activity_id=pk, title=title, category=category, tags=tags, keywords=words, neighbourhood_id=nbh,
            location=location, days=frozenset(days or ()), min_hours=min_h, max_hours=max_h,
            capacity=capacity, places_taken=taken.get(pk, 0), min_language_level=language, physical_load=load,
            required_indication=indication_key(ind_note) if needs_ind else None, active=active,
            starts_on=starts_on, ends_on=ends_on,
        ))
    return options


def resident_profiles(residents, *, today: date, weights: MatchingWeights = DEFAULT_WEIGHTS,
                      centres=None, municipality=None) -> list[ResidentProfile]:
    """Profiles for a list or queryset of residents, in the same order, in a fixed number of queries: the
    residents (when a queryset), current plans and their steps, recent conversations, referrals, chosen
    suggestions and the neighbourhood centres."""
    from meedoen.guidance.models import ActionPlan, Conversation, PlanStep
    from meedoen.referrals.models import Referral, Suggestion as SuggestionRecord
    from meedoen.residents.models import Resident

    resident_fields = ("id", "municipality_id", "neighbourhood_id", "interests", "indications",
                       "dutch_language_level",
                       "physical_health", "mental_health", "debts", "addiction", "isolation", "care_duties")
    if hasattr(residents, "values"):
        rows = list(residents.order_by().values(*resident_fields))
        id_filter = {"resident_id__in": residents.order_by().values("pk")}
    else:
        rows = [{f: getattr(r, f) for f in resident_fields} for r in residents]
        id_filter = {"resident_id__in": [r["id"] for r in rows]}
    if not rows:
        return []
    if centres is None:
        if municipality is None:
            from meedoen.organisation.models import Municipality

            municipality = Municipality.objects.get(pk=rows[0]["municipality_id"])
        centres = neighbourhood_centres(municipality)

    plans = {}
    for plan in (ActionPlan.objects.filter(status__in=("signed", "draft"), **id_filter)
                 .values("id", "resident_id", "status", "route", "capacity_hours_per_week")):
        held = plans.get(plan["resident_id"])
        if held is None or (plan["status"] == "signed" and held["status"] != "signed"):
            plans[plan["resident_id"]] = plan  # the signed plan is the agreement in force
    step_kinds: dict[int, set[str]] = {}
    if plans:
        for step in PlanStep.objects.filter(plan_id__in=[p["id"] for p in plans.values()]).values("plan_id", "kind"):
            step_kinds.setdefault(step["plan_id"], set()).add(step["kind"])

    texts: dict[int, list[str]] = {}
    for conv in (Conversation.objects.filter(**id_filter).exclude(wishes="", talents="")
                 .order_by("resident_id", "-held_on", "-id").values("resident_id", "wishes", "talents")):
        bucket = texts.setdefault(conv["resident_id"], [])
        if len(bucket) < 6:  # the three most recent conversations
            bucket.extend((conv["wishes"], conv["talents"]))

    since = today - timedelta(days=365 * weights.fatigue_years)
    tried: dict[int, set[str]] = {}
    current: dict[int, list[tuple]] = {}
    open_activity: dict[int, set[int]] = {}
    for ref in (Referral.objects.filter(**id_filter).order_by("resident_id", "referred_at", "id")
                .values("resident_id", "activity_id", "activity__category", "status", "ended_on", "returned_on",
                        "referred_at")):
        rid = ref["resident_id"]
        if ref["status"] in ("sent", "accepted", "intake_planned", "placed") and not ref["ended_on"]:
            if ref["activity_id"]:
                open_activity.setdefault(rid, set()).add(ref["activity_id"])
                current.setdefault(rid, []).append((ref["activity_id"], ref["status"] in TAKEN_STATUSES))
        elif (ref["status"] in TRIED_STATUSES or ref["ended_on"] or ref["returned_on"]) \
                and ref["activity__category"] and ref["referred_at"].date() >= since:
            tried.setdefault(rid, set()).add(ref["activity__category"])
    chosen_recent: dict[int, int] = {}
    stale_after = today - timedelta(days=weights.chosen_counts_after_days)
    for sug in (SuggestionRecord.objects.filter(chosen=True, **id_filter).order_by("resident_id", "-offered_at")
                .values("resident_id", "activity_id", "activity__category", "offered_at", "chosen_at")):
        rid = sug["resident_id"]
        if sug["activity_id"] in open_activity.get(rid, ()):
            continue  # it became a referral; the referral tells the story
        when = (sug["chosen_at"] or sug["offered_at"]).date()
        if when < since:
            continue
        if when < stale_after:
            tried.setdefault(rid, set()).add(sug["activity__category"])
        else:
            chosen_recent.setdefault(rid, sug["activity_id"])

    profiles = []
    for row in rows:
        rid = row["id"]
        plan = plans.get(rid)
        plan_categories = set()
        capacity = None
        if plan is not None:
            capacity = float(plan["capacity_hours_per_week"])
            plan_categories |= ROUTE_CATEGORIES.get(plan["route"], frozenset())
            for kind in step_kinds.get(plan["id"], ()):
                plan_categories |= STEP_CATEGORIES.get(kind, frozenset())
        words = keywords(row["interests"], *texts.get(rid, ()))
        chosen_id, holds_place = None, False
        if current.get(rid):
            chosen_id, holds_place = current[rid][0]
        elif rid in chosen_recent:
            chosen_id = chosen_recent[rid]
        profiles.append(ResidentProfile(
            resident_id=rid, neighbourhood_id=row["neighbourhood_id"], location=centres.get(row["neighbourhood_id"]),
            keywords=words, plan_categories=frozenset(plan_categories), wished_categories=wished_categories(words),
            needs=barrier_needs(language_level=row["dutch_language_level"], debts=row["debts"],
                                addiction=row["addiction"], mental_health=row["mental_health"],
                                isolation=row["isolation"], care_duties=row["care_duties"]),
            language_level=row["dutch_language_level"], physical_health=row["physical_health"],
            care_duties=row["care_duties"], capacity_hours=capacity,
            indications=resident_indications(row["indications"]),
            tried_categories=frozenset(tried.get(rid, ())), current_activity_ids=frozenset(open_activity.get(rid, ())),
            chosen_activity_id=chosen_id, chosen_holds_place=holds_place,
        ))
    return profiles


def suggest_for_resident(resident, *, today=None, limit=5, activities=None) -> list[Suggestion]:
    """The best options for one resident from the municipality's catalogue (or from `activities`), best first.

    Called by the referrals suggestion screen, which shows them and records what was offered and chosen.
    About eight queries, whatever the size of the catalogue.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    municipality = resident.municipality
    weights = weights_for(municipality, today)
    centres = neighbourhood_centres(municipality)
    profile = resident_profiles([resident], today=today, weights=weights, centres=centres)[0]
    options = activity_options(municipality, today=today, activities=activities, centres=centres)
    return rank(profile, options, weights=weights, today=today, limit=limit)
