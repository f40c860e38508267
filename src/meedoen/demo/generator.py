"""A synthetic demo municipality: organisation, staff, residents and their history.

Deterministic for a given seed: every random choice comes from one `random.Random(seed)` and one Faker instance seeded
with `seed_instance(seed)`, in a fixed order; global random state is never touched. "Today" is the only other input
(dates are relative to it), so tests freeze time.

The figures follow DESIGN §5 (Rotterdam, end of 2017): most residents 50+, on average more than eleven years on
benefit in the activation group (the furthest segment), a caseload at the policy profile's norm. Assessments are
computed with the real pure rules (assessment/rules.py) and the profile's own weights and segmentation, so the demo
shows exactly what the system would compute.

Speed: 40,000 residents go in with `bulk_create` in chunks inside one transaction, not through the per-object services
(those write one row at a time); the rows written are the same ones the services would write.
"""
from __future__ import annotations

import bisect
import datetime as dt
import importlib
import itertools
import math
import random
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from stdnum.nl import bsn as stdnum_bsn

from meedoen.accounts.models import Role, User
from meedoen.accounts.roles import sync_administrator_group
from meedoen.assessment import rules
from meedoen.assessment.instruments import LADDER_STEPS, ZRM_DOMAINS
from meedoen.assessment.models import Assessment, LadderMeasurement, ZRMMeasurement
from meedoen.assessment.services import inputs_from_resident
from meedoen.organisation.models import Municipality, Neighbourhood, Team, Venue
from meedoen.policy.models import PolicyProfile
from meedoen.policy.presets import load_presets
from meedoen.residents.models import CaseworkerAssignment, DossierEvent, Resident

# --------------------------------------------------------------------------------------------------------------------
# Fixed demo logins (printed by `make run` and the README)
# --------------------------------------------------------------------------------------------------------------------

DEMO_PASSWORD = "demo-wachtwoord-123"


class DemoLogin(NamedTuple):
    username: str
    role_label: str
    sees: str


DEMO_LOGINS = (
    DemoLogin("klantmanager", "Klantmanager", "Werklijst, eigen caseload (een gewone, volle caseload), dossiers van "
              "het eigen team, gesprekken, plannen van aanpak, uitnodigingen, suggesties en doorverwijzingen"),
    DemoLogin("teamleider", "Teamleider", "Het team van 'klantmanager': caseloads tegen de norm, vervolgcontact per "
              "klantmanager, wisselingen, budgetten, capaciteitsplanning, klantmanager wijzigen"),
    DemoLogin("wijkteam", "Wijkteammedewerker", "Inwoners van de eigen wijk, alleen als het beleidsprofiel namen "
              "deelt met het wijkteam (Rotterdam: niet)"),
    DemoLogin("partner", "Medewerker partner", "Partnerportaal van de Vrijwilligerswinkel: doorverwijzingen naar de "
              "eigen organisatie, groepen, plaatsingen en terugkoppelingen; geen dossiers"),
    DemoLogin("onderzoeker", "Beleidsmedewerker / onderzoeker", "Monitoring en onderzoeksexport, experimenten, de "
              "beleidssimulatie en beleidsprofielen; geen namen"),
    DemoLogin("beheerder", "Functioneel beheerder", "Beleidsprofielen, audittrail, activiteitencatalogus en import, "
              "partners en contracten, medewerkers van de eigen gemeente in /beheer/; geen dossiers"),
    DemoLogin("applicatiebeheer", "Applicatiebeheer (superuser)", "/beheer/ met alle rechten: rechten uitdelen en "
              "API-sleutels maken (met een vervaldatum); geen dossiers"),
    DemoLogin("inwoner", "Inwoner", "Mijn Meedoen: het eigen plan, afspraken, brieven, verplichtingen en de "
              "uitkering regel voor regel uitgelegd"),
    DemoLogin("handhaving", "Medewerker handhaving", "Signalen van niet-gemelde inkomsten die na de termijn aan "
              "handhaving zijn overgedragen, en de uitkomst van het onderzoek; geen dossiers"),
)
DEMO_LOGIN_ROLES = {
    "klantmanager": Role.CASEWORKER,
    "teamleider": Role.TEAM_LEAD,
    "wijkteam": Role.NEIGHBOURHOOD_WORKER,
    "partner": Role.PROVIDER_STAFF,
    "onderzoeker": Role.ANALYST,
    "beheerder": Role.ADMINISTRATOR,
    "applicatiebeheer": Role.ADMINISTRATOR,
    "inwoner": Role.RESIDENT,
    "handhaving": Role.ENFORCEMENT,
}


class DemoError(Exception):
    """The demo cannot be generated as asked (unknown preset, municipality already there)."""


# --------------------------------------------------------------------------------------------------------------------
# Cities: names, CBS codes, wijken with postcode ranges and (for Rotterdam) real street names
# --------------------------------------------------------------------------------------------------------------------


class Wijk(NamedTuple):
    name: str
    weight: float  # relative share of the city's residents on bijstand
    postcodes: tuple[int, int]  # first and last numeric part of the postcode
    streets: tuple[str, ...] = ()


@dataclass(frozen=True)
class City:
    name: str
    cbs_code: str  # four digits; 9xxx = not a Dutch municipality (no CBS code), fictitious
    locale: str
    wijken: tuple[Wijk, ...]
    caseworker_title: str = "klantmanager"
    intensive_title: str = "klantmanager intensieve begeleiding"
    activation_team: str = "Team Participatie"
    neighbourhood_team: str = "Wijkteam"
    community_centre: str = "Huis van de Wijk"
    city_office: str = "Stadsloket"
    work_office: str = "Werkplein"
    postcode_style: str = "nl"  # nl: "3072 AB" · de: "28195" · se: "123 45"
    dutch_names: bool = True


def _wijken(names_weights, first, last):
    """Split a city's postcode range over its wijken in order (approximate, for demo addresses)."""
    n = len(names_weights)
    span = (last - first + 1) / n
    return tuple(
        Wijk(name, weight, (first + round(i * span), first + round((i + 1) * span) - 1))
        for i, (name, weight) in enumerate(names_weights)
    )


CITIES: dict[str, City] = {
    "rotterdam": City(
        name="Rotterdam", cbs_code="0599", locale="nl_NL",
        caseworker_title="activeringscoach", intensive_title="activeringscoach intensief",
        activation_team="Taskforce", city_office="Stadswinkel", work_office="Werkplein",
        wijken=(
            Wijk("Feijenoord", 14, (3071, 3076), ("Beijerlandselaan", "Oranjeboomstraat", "Putselaan", "Hillevliet",
                                                  "Rosestraat", "Laan op Zuid", "Brede Hilledijk")),
            Wijk("Charlois", 13, (3081, 3089), ("Wolphaertsbocht", "Boergoensevliet", "Pleinweg", "Dordtsestraatweg",
                                                "Carnisselaan", "Mijnsherenlaan")),
            Wijk("Delfshaven", 14, (3021, 3029), ("Schiedamseweg", "Mathenesserweg", "Nieuwe Binnenweg",
                                                  "Heemraadssingel", "Grote Visserijstraat", "Mathenesserlaan")),
            Wijk("IJsselmonde", 10, (3077, 3079), ("Spinozaweg", "Keizerswaard", "Herenwaard")),
            Wijk("Noord", 8, (3031, 3039), ("Zwart Janstraat", "Bergweg", "Noordsingel", "Zaagmolenkade",
                                            "Schiekade", "Vijverhofstraat")),
            Wijk("Kralingen-Crooswijk", 8, (3061, 3063), ("Kortekade", "Oudedijk", "Crooswijkseweg", "Boezemweg",
                                                          "Avenue Concordia")),
            Wijk("Prins Alexander", 8, (3065, 3069), ("Ommoordseweg", "Prins Alexanderlaan", "Hesseplaats")),
            Wijk("Hillegersberg-Schiebroek", 3, (3051, 3056), ("Straatweg", "Kleiweg", "Peppelweg")),
            Wijk("Overschie", 3, (3041, 3045), ("Overschiese Dorpsstraat", "Burgemeester Baumannlaan", "Abtsweg")),
            Wijk("Centrum", 5, (3011, 3016), ("Witte de Withstraat", "Karel Doormanstraat", "Van Oldenbarneveltstraat",
                                              "Hoogstraat", "Botersloot")),
            Wijk("Hoogvliet", 6, (3191, 3194), ("Binnenban",)),
        ),
    ),
    "amsterdam": City(
        name="Amsterdam", cbs_code="0363", locale="nl_NL", activation_team="Team Participatie",
        neighbourhood_team="Buurtteam",
        wijken=(
            Wijk("Centrum", 6, (1011, 1019)), Wijk("West", 12, (1051, 1058)), Wijk("Nieuw-West", 20, (1060, 1069)),
            Wijk("Zuid", 9, (1071, 1083)), Wijk("Oost", 15, (1086, 1098)), Wijk("Noord", 17, (1020, 1035)),
            Wijk("Zuidoost", 19, (1100, 1108)), Wijk("Weesp", 2, (1380, 1384)),
        ),
    ),
    "utrecht": City(
        name="Utrecht", cbs_code="0344", locale="nl_NL", activation_team="Team Werk & Inkomen",
        neighbourhood_team="Buurtteam", community_centre="Buurtcentrum", city_office="Stadskantoor",
        wijken=_wijken(
            [("Binnenstad", 5), ("Noordoost", 8), ("Oost", 6), ("Zuid", 11), ("Zuidwest", 14), ("West", 9),
             ("Noordwest", 13), ("Overvecht", 22), ("Leidsche Rijn", 8), ("Vleuten-De Meern", 4)], 3511, 3585,
        ),
    ),
    "tilburg": City(
        name="Tilburg", cbs_code="0855", locale="nl_NL", caseworker_title="netwerkconsulent",
        activation_team="Team Meedoen", neighbourhood_team="Wijkteam De Toegang", community_centre="Wijkcentrum",
        city_office="Stadswinkel",
        wijken=_wijken(
            [("Centrum", 12), ("Noord", 17), ("Oud-Noord", 14), ("Oud-Zuid", 13), ("West", 12), ("Zuid", 12),
             ("Reeshof", 14), ("Berkel-Enschot", 3), ("Udenhout", 3)], 5011, 5049,
        ),
    ),
    "leeuwarden": City(
        name="Leeuwarden", cbs_code="0080", locale="nl_NL", activation_team="Team Meedoen",
        community_centre="Wijkcentrum", city_office="Stadskantoor",
        wijken=_wijken(
            [("Binnenstad", 8), ("Oranjewijk", 9), ("Vrijheidswijk", 14), ("Heechterp-Schieringen", 16),
             ("Bilgaard", 10), ("Camminghaburen", 9), ("Huizum", 10), ("Westeinde", 8), ("Achter de Hoven", 6),
             ("Zuiderburen", 4), ("Wielenpôlle", 6)], 8911, 8941,
        ),
    ),
    "bremen": City(
        name="Bremen", cbs_code="9401", locale="de_DE", caseworker_title="Vermittler", intensive_title="Fallmanager",
        activation_team="Jobcenter-Team", neighbourhood_team="Quartiersteam", community_centre="Quartierszentrum",
        city_office="BürgerServiceCenter", work_office="Jobcenter", postcode_style="de", dutch_names=False,
        wijken=_wijken(
            [("Mitte", 6), ("Neustadt", 9), ("Gröpelingen", 15), ("Walle", 9), ("Findorff", 5), ("Vegesack", 10),
             ("Blumenthal", 9), ("Osterholz", 12), ("Hemelingen", 11), ("Huchting", 9), ("Obervieland", 8),
             ("Schwachhausen", 3), ("Burglesum", 8)], 28195, 28779,
        ),
    ),
    "stockholm": City(
        name="Stockholm", cbs_code="9180", locale="sv_SE", caseworker_title="socialsekreterare",
        intensive_title="Jobbtorg-coach", activation_team="Jobbtorg", neighbourhood_team="Stadsdelsteam",
        community_centre="Träffpunkt", city_office="Medborgarkontor", work_office="Jobbtorg",
        postcode_style="se", dutch_names=False,
        wijken=_wijken(
            [("Rinkeby-Kista", 16), ("Spånga-Tensta", 14), ("Hässelby-Vällingby", 10), ("Bromma", 4),
             ("Kungsholmen", 3), ("Norrmalm", 3), ("Östermalm", 2), ("Södermalm", 5), ("Enskede-Årsta-Vantör", 11),
             ("Farsta", 9), ("Skarpnäck", 7), ("Älvsjö", 3), ("Hägersten-Liljeholmen", 6), ("Skärholmen", 12)],
            10000, 19999,
        ),
    ),
}
GENERIC_WIJKEN = ("Centrum", "Noord", "Oost", "Zuid", "West", "Oude Dorp", "Havenkwartier", "Nieuwe Park")


def city_for(preset_key: str) -> tuple[City, str]:
    """The city behind a preset key, and the rest of the key: 'amsterdam-zelfregie' -> (Amsterdam, 'zelfregie')."""
    if preset_key in CITIES:
        return CITIES[preset_key], ""
    for key in sorted(CITIES, key=len, reverse=True):
        if preset_key.startswith(key + "-"):
            return CITIES[key], preset_key[len(key) + 1:]
    # A preset we do not know: a generic Dutch city named after the key, with a fictitious 9xxx code.
    name = preset_key.replace("-", " ").replace("_", " ").title()
    code = f"9{sum(preset_key.encode()) % 1000:03d}"
    base = 1000 + sum(preset_key.encode()) * 37 % 8500
    wijken = _wijken([(w, 1) for w in GENERIC_WIJKEN], base, base + 39)
    return City(name=name, cbs_code=code, locale="nl_NL", wijken=wijken), ""


def municipality_name(preset_key: str) -> str:
    city, rest = city_for(preset_key)
    arm = f" {rest.replace('-', ' ')}" if rest else ""
    return f"{city.name}{arm} (demo)"


# --------------------------------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------------------------------

OLDER_DUTCH_FIRST_NAMES = (
    "Jan", "Kees", "Henk", "Piet", "Gerard", "Hans", "Wim", "Ton", "Rob", "Peter", "Cor", "Frans", "Marco", "Johan",
    "Dirk", "Arie", "Leo", "Bert", "Theo", "Sjaak", "Martin", "Ronald", "Dennis", "Erik", "Willem", "Ruud", "Aad",
    "Ria", "Annie", "Marja", "Els", "Joke", "Ingrid", "Petra", "Anja", "Wilma", "Mirjam", "Monique", "Sandra", "Ellen",
    "Karin", "Gerda", "Truus", "Ans", "Nel", "Carla", "Jolanda", "Astrid", "Yvonne", "Marianne", "Corrie", "Tineke",
)
INTERNATIONAL_FIRST_NAMES = (
    "Mohamed", "Ahmed", "Mustafa", "Hassan", "Youssef", "Abdelkader", "Omar", "Ibrahim", "Mehmet", "Ali", "Hüseyin",
    "Fatima", "Khadija", "Aicha", "Naima", "Rachida", "Saida", "Nadia", "Samira", "Hatice", "Ayşe", "Emine", "Fatma",
    "Ramon", "Glenn", "Marlon", "Edwin", "Sharon", "Shirley", "Priscilla", "Maria", "José", "Manuel", "Ana", "Piotr",
    "Tomasz", "Agnieszka", "Joanna", "Abdi", "Amina", "Hodan", "Tesfaye", "Rahel", "Dragana", "Goran",
)
INTERNATIONAL_LAST_NAMES = (
    "El Idrissi", "Bouzid", "Benali", "El Amrani", "Haddou", "Ouali", "Yilmaz", "Kaya", "Demir", "Öztürk", "Çelik",
    "Aydın", "Ramdin", "Sewnath", "Soekhoe", "Kartosen", "Pinas", "Tavares", "Lopes", "Fernandes", "Da Silva",
    "Kowalski", "Nowak", "Wiśniewski", "Abdullahi", "Warsame", "Tesfay", "Petrović", "Jovanović",
)
NAME_PREFIXES = {"van", "de", "der", "den", "het", "ter", "te", "ten", "in", "'t", "op", "la", "le", "du", "d'", "von",
                 "zu", "vom"}
JOBS = (
    "schoonmaker", "magazijnmedewerker", "productiemedewerker", "kok", "caissière", "chauffeur", "bouwvakker",
    "administratief medewerker", "verzorgende", "beveiliger", "havenwerker", "taxichauffeur", "kapper",
    "winkelmedewerker", "postbezorger", "heftruckchauffeur", "thuishulp", "glazenwasser", "callcentermedewerker",
    "horecamedewerker", "schilder", "hovenier", "naaister", "monteur", "receptionist", "orderpicker",
)
INTERESTS = (
    "koken", "tuinieren", "fietsen", "wandelen", "muziek", "zingen", "dansen", "voetbal", "fitness", "schilderen",
    "handwerken", "naaien", "klussen", "computers", "lezen", "fotografie", "vissen", "dieren", "bakken", "schaken",
    "auto's", "mode", "puzzelen", "moestuin", "zwemmen",
)
WISHES = (
    "Wil graag vrijwilligerswerk doen in de buurt.",
    "Zou graag beter Nederlands leren.",
    "Wil weer aan het werk, het liefst in de zorg.",
    "Wil iets met de handen doen, het liefst buiten.",
    "Zoekt contact met andere mensen.",
    "Wil graag helpen in het {centre}.",
    "Heeft interesse in een cursus computergebruik.",
    "Wil eerst de schulden op orde hebben.",
    "Wil graag meer bewegen, maar heeft last van de knieën.",
    "Wil graag iets doen met kinderen of ouderen.",
    "Zou weer parttime willen werken.",
)
BARRIER_NOTES = {
    ("physical_health", "some"): "Rugklachten; kan niet lang staan of tillen.",
    ("physical_health", "severe"): "Chronische ziekte; weinig energie, veel afspraken in het ziekenhuis.",
    ("mental_health", "some"): "Somberheidsklachten; loopt bij de huisarts (POH-GGZ).",
    ("mental_health", "severe"): "In behandeling bij de GGZ.",
    ("debts", "manageable"): "Schulden in een regeling via de Kredietbank.",
    ("debts", "problematic"): "Problematische schulden, nog niet in schuldhulpverlening.",
    ("addiction", "in_recovery"): "In herstel van een verslaving; volgt behandeling.",
    ("addiction", "active"): "Actief middelengebruik; contact met de verslavingszorg loopt.",
    ("isolation", "severe"): "Komt weinig buiten en heeft weinig contact met familie of buren.",
    ("social_circumstances", "some_problems"): "Zorgen over de woning en spanningen in de familie.",
    ("social_circumstances", "crisis"): "Dreigende huisuitzetting; wijkteam is betrokken.",
    ("care_duties", "informal_care"): "Mantelzorger voor een ouder.",
    ("care_duties", "young_children"): "Zorgt voor jonge kinderen.",
    ("care_duties", "both"): "Zorgt voor jonge kinderen en is mantelzorger.",
    ("language", "none"): "Spreekt (bijna) geen Nederlands; tolk nodig bij gesprekken.",
    ("language", "A1"): "Spreekt een beetje Nederlands; taaltraject is besproken.",
}
REASSIGNMENT_REASONS = (
    "Vorige klantmanager uit dienst",
    "Herverdeling van de caseload",
    "Vorige klantmanager langdurig ziek",
    "Op verzoek van de {term}",
    "Nieuwe indeling van de teams",
    "Vorige klantmanager met pensioen",
)
HANDOVER_NOTES = (
    "Warme overdracht: kennismaking samen met de vorige klantmanager gehad. Afspraken uit het plan lopen door.",
    "Warme overdracht: {term} heeft liever een vast aanspreekpunt; graag eerst bellen voor een afspraak.",
    "Warme overdracht: dossier doorgenomen; de lopende doorverwijzing naar de partner is besproken.",
    "Overdracht per telefoon; {term} weet wie de nieuwe klantmanager is.",
)
OVERRIDE_TO_FURTHER = (
    "Gezondheidsklachten zijn ernstiger dan de invoer laat zien; eerst behandeling, daarna opnieuw bekijken.",
    "Na het gesprek: grote zorgen thuis, werk is nu niet haalbaar. Over een half jaar opnieuw inschatten.",
    "Schulden en woonsituatie vragen eerst alle aandacht.",
)
OVERRIDE_TO_CLOSER = (
    "Na het gesprek: sterk gemotiveerd en heeft een werkgever op het oog die wil helpen.",
    "Heeft recent een cursus afgerond en doet al vrijwilligerswerk met verantwoordelijkheid.",
    "Werkervaring in de haven is recenter dan in de invoer; kan op korte termijn aan de slag.",
)
NOTES = (
    "Kennismakingsgesprek gevoerd in {venue}.",
    "Telefonisch contact gehad; de afspraken uit het plan lopen.",
    "Huisbezoek afgelegd.",
    "Uitnodiging voor een gesprek verstuurd.",
    "Afspraak verzet op verzoek van de {term}.",
    "Doorverwezen naar schuldhulpverlening.",
    "Gesprek over vrijwilligerswerk in de buurt.",
    "Terugkoppeling van de partner ontvangen: gaat goed.",
)

# --------------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------------


class Weighted:
    """A weighted choice that draws from the caller's Random (fast: one random() and a bisect)."""

    def __init__(self, pairs):
        self.values = [value for value, _w in pairs]
        self.cumulative = list(itertools.accumulate(w for _v, w in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def bsn_from_prefix(prefix8: int) -> str | None:
    """Complete eight digits to a BSN with the 11-proof, or None when no check digit fits."""
    digits = f"{prefix8:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
    return None if total == 10 else f"{digits}{total}"


def unique_bsns(rng: random.Random):
    """An endless stream of distinct valid BSNs (11-proof), drawn from `rng`."""
    seen = set()
    while True:
        candidate = bsn_from_prefix(rng.randrange(10_000_000, 100_000_000))
        if candidate is None or candidate in seen or not stdnum_bsn.is_valid(candidate):
            continue
        seen.add(candidate)
        yield candidate


def split_last_name(full: str) -> tuple[str, str]:
    """'van der Ploeg' -> ('van der', 'Ploeg'): the Dutch tussenvoegsel is its own field."""
    parts = full.split()
    prefix = []
    while len(parts) > 1 and parts[0].lower() in NAME_PREFIXES:
        prefix.append(parts.pop(0))
    return " ".join(prefix), " ".join(parts)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def years_ago(today: dt.date, years: float) -> dt.date:
    return today - dt.timedelta(days=int(years * 365.2425))


POSTCODE_LETTERS = [a + b for a in "ABCDEFGHJKLMNPRSTVWXZ" for b in "ABCDEFGHJKLMNPRSTVWXZ"
                    if a + b not in {"SA", "SD", "SS"}]


# --------------------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """One of the two populations on bijstand: the long-term stock (mostly 50+, many years on benefit, several
    barriers: the activation group of DESIGN §5) and the group closer to work (younger, shorter, fewer barriers)."""

    share: float
    ages: Weighted
    benefit_years: dict  # age band lower bound -> (gamma shape, gamma scale)
    education: Weighted
    language: Weighted
    physical: Weighted
    mental: Weighted
    debts: Weighted
    addiction: Weighted
    isolation: Weighted
    social: Weighted
    new_entrants: float  # share on benefit for less than a year


def _w(*pairs):
    return Weighted(pairs)


LONG_TERM = Group(
    share=0.56,
    ages=_w(((18, 27), 1), ((27, 40), 3), ((40, 50), 6), ((50, 60), 45), ((60, 67), 45)),
    benefit_years={18: (1.5, 1.5), 27: (2.5, 2.8), 40: (3.5, 3.2), 50: (4.0, 3.8)},
    education=_w(("none", 14), ("primary", 22), ("vmbo", 28), ("mbo1", 9), ("mbo2_4", 17), ("havo_vwo", 5),
                 ("hbo_wo", 5)),
    language=_w(("native", 48), ("B2", 7), ("B1", 13), ("A2", 14), ("A1", 11), ("none", 7)),
    physical=_w(("none", 30), ("some", 45), ("severe", 25)),
    mental=_w(("none", 45), ("some", 37), ("severe", 18)),
    debts=_w(("none", 50), ("manageable", 27), ("problematic", 23)),
    addiction=_w(("none", 84), ("in_recovery", 9), ("active", 7)),
    isolation=_w(("none", 35), ("some", 40), ("severe", 25)),
    social=_w(("stable", 62), ("some_problems", 29), ("crisis", 9)),
    new_entrants=0.0,
)
CLOSER_TO_WORK = Group(
    share=1 - LONG_TERM.share,
    ages=_w(((18, 27), 22), ((27, 40), 37), ((40, 50), 21), ((50, 60), 14), ((60, 67), 6)),
    benefit_years={18: (1.2, 0.9), 27: (1.3, 1.1), 40: (1.3, 1.3), 50: (1.3, 1.4)},
    education=_w(("none", 3), ("primary", 6), ("vmbo", 20), ("mbo1", 6), ("mbo2_4", 40), ("havo_vwo", 11),
                 ("hbo_wo", 14)),
    language=_w(("native", 62), ("B2", 14), ("B1", 13), ("A2", 7), ("A1", 3), ("none", 1)),
    physical=_w(("none", 82), ("some", 16), ("severe", 2)),
    mental=_w(("none", 80), ("some", 18), ("severe", 2)),
    debts=_w(("none", 62), ("manageable", 28), ("problematic", 10)),
    addiction=_w(("none", 97), ("in_recovery", 2.5), ("active", 0.5)),
    isolation=_w(("none", 82), ("some", 16), ("severe", 2)),
    social=_w(("stable", 88), ("some_problems", 11), ("crisis", 1)),
    new_entrants=0.12,
)
HOUSEHOLD = {
    "young": Weighted([("single", 60), ("single_parent", 18), ("couple", 4), ("couple_with_children", 6),
                       ("shared_household", 12)]),
    "middle": Weighted([("single", 42), ("single_parent", 26), ("couple", 8), ("couple_with_children", 12),
                        ("shared_household", 12)]),
    "older": Weighted([("single", 64), ("single_parent", 5), ("couple", 13), ("couple_with_children", 3),
                       ("shared_household", 15)]),
}
CHILDREN = Weighted([(1, 45), (2, 33), (3, 15), (4, 7)])
ASSIGNMENT_COUNT = Weighted([(1, 55), (2, 30), (3, 15)])
LADDER_COUNT = Weighted([(1, 25), (2, 35), (3, 25), (4, 15)])
LADDER_START_FURTHEST = Weighted([(1, 25), (2, 40), (3, 30), (4, 5)])
LADDER_START_OTHER = Weighted([(1, 5), (2, 25), (3, 35), (4, 25), (5, 10)])
LADDER_MOVE = Weighted([(0, 60), (1, 25), (-1, 15)])
INTENSIVE_CASEWORKER_SHARE = 0.4  # Amsterdam: klantmanagers may differentiate, about 40 % intensive (DESIGN §3)
CASEWORKERS_PER_TEAM = 10
OVERRIDE_SHARE = 0.02


@dataclass
class Summary:
    municipality: Municipality
    profile: PolicyProfile
    seconds: float
    counts: dict[str, int]
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class TeamPlan:
    team: Team
    wijk_indexes: list[int]
    residents: int
    light: list[User] = field(default_factory=list)
    intensive: list[User] = field(default_factory=list)
    former: list[User] = field(default_factory=list)
    lead: User | None = None
    intensive_share: float = 0.0
    next_light: int = 0
    next_intensive: int = 0

    @property
    def staff_pool(self):
        return self.light + self.intensive + self.former


class DemoGenerator:
    def __init__(self, preset: str, residents: int, seed: int = 42, *, today: dt.date | None = None, log=None,
                 chunk_size: int = 2000):
        if residents < 1:
            raise DemoError("Het aantal inwoners moet minstens 1 zijn.")
        self.preset = preset
        self.n_residents = residents
        self.seed = seed
        self.today = today or timezone.localdate()
        self.log = log or (lambda message: None)
        self.chunk_size = chunk_size
        # One stream for everything; the preset key is mixed in so that two demo municipalities in one database
        # (same seed, different presets) do not share public ids or BSNs. A str seed is hashed with SHA-512: stable.
        self.rng = random.Random(f"{preset}:{seed}")
        self.city, _rest = city_for(preset)
        self.tz = timezone.get_default_timezone()
        self.extension_counts = {}

    # -- entry point --------------------------------------------------------------------------------------------------

    def run(self) -> Summary:
        started = time.perf_counter()
        load_presets()
        self.profile = self._profile()
        self.weights = self.profile.assessment_weights or rules.DEFAULT_WEIGHTS
        self.groups = self.profile.segmentation["groups"]
        self.group_labels = {g["code"]: g["label"] for g in self.groups}
        self.furthest = self.groups[-1]["code"]
        self.term = self.profile.resident_term or "cliënt"
        self._faker_pools()
        with transaction.atomic():
            self._organisation()
            self._plan_population()
            self._staff()
            caseworkers = sum(len(p.light) + len(p.intensive) for p in self.plans)
            self.log(f"  organisatie: {len(self.wijken)} wijken, {len(self.plans)} activeringsteams, "
                     f"{caseworkers} klantmanagers, {len(self.users)} medewerkers  "
                     f"({time.perf_counter() - started:.1f} s)")
            self._residents(started)
            self._extensions(started)
            # After the extensions: the demo resident login gets a dossier with a plan, letters and income.
            from meedoen.portal.demo import link_resident_login

            link_resident_login(self.municipality)
        seconds = time.perf_counter() - started
        return Summary(self.municipality, self.profile, seconds, self._counts(), self.logins)

    def _extensions(self, started):
        """Let other domains add their demo data (outreach, guidance, …) for this municipality.

        Each gets its own random stream derived from the seed, so adding one never changes the others' data.
        """
        for name, seeder in demo_extensions():
            rng = random.Random(f"{self.preset}:{self.seed}:{name}")
            counts = seeder(self.municipality, rng, self.today) or {}
            self.extension_counts.update(counts)
            self.log(f"  {name}: {', '.join(f'{k} {v}' for k, v in counts.items())}  "
                     f"({time.perf_counter() - started:.1f} s)")
        # The extensions write in bulk (no signals): bring the worklist facts on the resident rows up to date.
        from meedoen.guidance import facts

        facts.refresh_municipality(self.municipality)

    def _profile(self):
        profile = PolicyProfile.objects.active_for(self.preset, self.today) or (
            PolicyProfile.objects.approved().filter(key=self.preset).order_by("-effective_from", "-version").first()
        )
        if profile is None:
            keys = sorted(set(PolicyProfile.objects.approved().values_list("key", flat=True)))
            raise DemoError(f"Onbekend beleidsprofiel '{self.preset}'. Beschikbaar: {', '.join(keys) or 'geen'}.")
        return profile

    def _faker_pools(self):
        """Draw name and street pools once from a seeded Faker; residents then pick from them with `rng` (fast)."""
        from faker import Faker  # development dependency; only the demo needs it

        fake = Faker(self.city.locale)
        fake.seed_instance(self.seed)
        self.young_first_names = [fake.first_name() for _ in range(400)]
        self.last_names = [fake.last_name() for _ in range(900)]
        self.faker_streets = [fake.street_name() for _ in range(300)]
        self.staff_first_names = [fake.first_name() for _ in range(200)]
        fallback = list(dict.fromkeys(self.faker_streets)) or ["Dorpsstraat"]
        self.streets_per_wijk = [list(w.streets) + [fallback[(i * 12 + k) % len(fallback)] for k in range(12)]
                                 for i, w in enumerate(self.city.wijken)]
        if self.city.dutch_names:
            self.older_first = Weighted([(n, 1) for n in OLDER_DUTCH_FIRST_NAMES]
                                        + [(n, 0.6) for n in self.young_first_names[:80]])
        else:
            self.older_first = Weighted([(n, 1) for n in self.young_first_names])

    # -- organisation -------------------------------------------------------------------------------------------------

    def _organisation(self):
        name = municipality_name(self.preset)
        if Municipality.objects.filter(name=name).exists():
            raise DemoError(f"De gemeente '{name}' bestaat al. Gebruik een lege database of --if-empty.")
        code = self.city.cbs_code
        taken = set(Municipality.objects.values_list("code", flat=True))
        if code in taken:
            code = next(f"{c:04d}" for c in range(9999, 8999, -1) if f"{c:04d}" not in taken)
        self.municipality = Municipality.objects.create(name=name, code=code, policy_key=self.preset)
        self.wijken = Neighbourhood.objects.bulk_create(
            Neighbourhood(municipality=self.municipality, name=w.name, code=f"{self.municipality.code}-{i + 1:02d}")
            for i, w in enumerate(self.city.wijken)
        )
        venues = []
        for i, wijk in enumerate(self.wijken):
            venues.append(Venue(municipality=self.municipality, neighbourhood=wijk, kind=Venue.Kind.COMMUNITY_CENTRE,
                                name=f"{self.city.community_centre} {wijk.name}", address=self._address(i)))
        venues.append(Venue(municipality=self.municipality, neighbourhood=self.wijken[0], kind=Venue.Kind.CITY_OFFICE,
                            name=f"{self.city.city_office} {self.city.name}", address=self._address(0)))
        venues.append(Venue(municipality=self.municipality, neighbourhood=self.wijken[0],
                            kind=Venue.Kind.SERVICE_OFFICE, name=f"{self.city.work_office} {self.city.name}",
                            address=self._address(0)))
        self.venues = Venue.objects.bulk_create(venues)

    def _postcode(self, wijk_index):
        low, high = self.city.wijken[wijk_index].postcodes
        number = self.rng.randint(low, high)
        if self.city.postcode_style == "nl":
            return f"{number} {self.rng.choice(POSTCODE_LETTERS)}"
        if self.city.postcode_style == "se":
            return f"{number // 100:03d} {number % 100:02d}"
        return f"{number:05d}"

    def _address(self, wijk_index):
        street = self.rng.choice(self.streets_per_wijk[wijk_index])
        return f"{street} {self.rng.randint(1, 250)}, {self._postcode(wijk_index)} {self.city.name}"

    # -- population plan and staff ------------------------------------------------------------------------------------

    def _plan_population(self):
        pick = Weighted([(i, w.weight) for i, w in enumerate(self.city.wijken)])
        self.wijk_of = [pick(self.rng) for _ in range(self.n_residents)]
        self.per_wijk = [0] * len(self.wijken)
        for index in self.wijk_of:
            self.per_wijk[index] += 1

    def _caseload_design(self):
        norms = self.profile.caseload_norms
        light, intensive = int(norms["light"]), int(norms["intensive"])
        differentiate = intensive < light
        average = INTENSIVE_CASEWORKER_SHARE * intensive + (1 - INTENSIVE_CASEWORKER_SHARE) * light
        return light, intensive, differentiate, (average if differentiate else light)

    def _staff(self):
        rng = self.rng
        light_norm, intensive_norm, differentiate, average_capacity = self._caseload_design()
        estimated = math.ceil(self.n_residents / average_capacity)
        n_teams = max(1, min(len(self.wijken), round(estimated / CASEWORKERS_PER_TEAM)))

        # Balance wijken over activation teams by number of residents (largest first, into the lightest team).
        loads = [0] * n_teams
        members = [[] for _ in range(n_teams)]
        for index in sorted(range(len(self.wijken)), key=lambda i: (-self.per_wijk[i], i)):
            target = min(range(n_teams), key=lambda t: (loads[t], t))
            members[target].append(index)
            loads[target] += self.per_wijk[index]

        teams = []
        for wijk_indexes in members:
            names = [self.wijken[i].name for i in wijk_indexes]
            label = names[0] if len(names) == 1 else f"{names[0]} e.o."
            teams.append(Team(municipality=self.municipality, kind=Team.Kind.ACTIVATION,
                              name=f"{self.city.activation_team} {label}"))
        wijkteams = [Team(municipality=self.municipality, kind=Team.Kind.NEIGHBOURHOOD,
                          name=f"{self.city.neighbourhood_team} {wijk.name}") for wijk in self.wijken]
        Team.objects.bulk_create(teams + wijkteams)
        through = Team.neighbourhoods.through
        through.objects.bulk_create(
            [through(team_id=team.pk, neighbourhood_id=self.wijken[i].pk) for team, idx in zip(teams, members)
             for i in idx]
            + [through(team_id=team.pk, neighbourhood_id=wijk.pk) for team, wijk in zip(wijkteams, self.wijken)]
        )

        self.password_hash = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares the password
        self.plans = [TeamPlan(team, idx, loads[t]) for t, (team, idx) in enumerate(zip(teams, members))]
        self.team_of_wijk = {}
        users: list[User] = []
        counter = itertools.count(1)

        def new_user(role, kind, **extra):
            n = next(counter)
            first = rng.choice(self.staff_first_names)
            prefix, last = split_last_name(rng.choice(self.last_names))
            last = f"{prefix} {last}".strip()
            user = User(username=f"{self.preset}.{kind}{n:04d}", first_name=first, last_name=last, role=role,
                        municipality=self.municipality, password=self.password_hash,
                        email=f"{kind}{n:04d}.{ascii_slug(self.preset)}@example.nl", **extra)
            users.append(user)
            return user

        for plan in self.plans:
            for i in plan.wijk_indexes:
                self.team_of_wijk[i] = plan
            total = max(1, math.ceil(plan.residents / average_capacity))
            n_intensive = round(INTENSIVE_CASEWORKER_SHARE * total) if differentiate else 0
            n_light = max(1, total - n_intensive)
            capacity_intensive = n_intensive * intensive_norm
            plan.intensive_share = capacity_intensive / (capacity_intensive + n_light * light_norm)
            plan.lead = new_user(Role.TEAM_LEAD, "teamleider", team=plan.team, job_title="teamleider")
            plan.light = [new_user(Role.CASEWORKER, "klantmanager", team=plan.team,
                                   job_title=self.city.caseworker_title) for _ in range(n_light)]
            plan.intensive = [new_user(Role.CASEWORKER, "klantmanager", team=plan.team, intensive_caseload=True,
                                       job_title=self.city.intensive_title) for _ in range(n_intensive)]
            plan.former = [new_user(Role.CASEWORKER, "oud-klantmanager", team=plan.team, is_active=False,
                                    job_title=self.city.caseworker_title)
                           for _ in range(max(1, round(0.25 * total)))]
        self.neighbourhood_workers = []
        for team, wijk in zip(wijkteams, self.wijken):
            new_user(Role.TEAM_LEAD, "teamleider", team=team, job_title=f"teamleider {self.city.neighbourhood_team}")
            self.neighbourhood_workers.append(
                new_user(Role.NEIGHBOURHOOD_WORKER, "wijkteam", team=team, neighbourhood=wijk,
                         job_title=f"medewerker {self.city.neighbourhood_team.lower()}")
            )
        partner = new_user(Role.PROVIDER_STAFF, "partner", job_title="medewerker welzijnsorganisatie")
        analyst = new_user(Role.ANALYST, "onderzoeker", job_title="beleidsonderzoeker")
        admin = new_user(Role.ADMINISTRATOR, "beheerder", job_title="functioneel beheerder", is_staff=True)
        resident_user = new_user(Role.RESIDENT, "inwoner", job_title="")
        # Enforcement (handhaving, obligations app): a fixed person, made without the random stream so the rest of
        # the demo stays as it was.
        enforcement = User(username=f"{self.preset}.handhaving", first_name="Hanna", last_name="Handhaver",
                           role=Role.ENFORCEMENT, municipality=self.municipality, password=self.password_hash,
                           job_title="medewerker handhaving (sociale recherche)")
        users.append(enforcement)
        # Application management (a superuser: rights and API tokens), fixed like enforcement.
        superuser = User(username=f"{self.preset}.applicatiebeheer", first_name="Ali", last_name="Applicatiebeheer",
                         role=Role.ADMINISTRATOR, municipality=self.municipality, password=self.password_hash,
                         job_title="applicatiebeheerder", is_staff=True, is_superuser=True)
        users.append(superuser)

        # The fixed demo logins are ordinary members of the generated organisation, renamed.
        first_plan = self.plans[0]
        fixed = {
            "klantmanager": first_plan.light[0],
            "teamleider": first_plan.lead,
            "wijkteam": self.neighbourhood_workers[first_plan.wijk_indexes[0]],
            "partner": partner,
            "onderzoeker": analyst,
            "beheerder": admin,
            "inwoner": resident_user,
            "handhaving": enforcement,
            "applicatiebeheer": superuser,
        }
        existing = set(User.objects.filter(username__in=list(fixed)).values_list("username", flat=True))
        self.logins = []
        for login in DEMO_LOGINS:
            user = fixed[login.username]
            user.username = login.username if login.username not in existing else f"{login.username}-{self.preset}"
            user.email = f"{user.username}@example.nl"
            self.logins.append((user.username, login.role_label, login.sees))
        User.objects.bulk_create(users)
        self.users = users
        sync_administrator_group().user_set.add(User.objects.get(username=fixed["beheerder"].username))

    # -- residents ----------------------------------------------------------------------------------------------------

    def _residents(self, started):
        self.bsns = unique_bsns(self.rng)
        done = 0
        while done < self.n_residents:
            size = min(self.chunk_size, self.n_residents - done)
            plans = [self._resident(done + i) for i in range(size)]
            Resident.objects.bulk_create([p.resident for p in plans])
            assignments, assessments, ladders, zrms, events = [], [], [], [], []
            for p in plans:
                p.attach()
                assignments += p.assignments
                assessments += p.assessments
                ladders += p.ladders
                zrms += p.zrms
                events += p.events
            CaseworkerAssignment.objects.bulk_create(assignments)
            Assessment.objects.bulk_create(assessments)
            LadderMeasurement.objects.bulk_create(ladders)
            ZRMMeasurement.objects.bulk_create(zrms)
            DossierEvent.objects.bulk_create(events)
            done += size
            self.log(f"  {done:>7,} / {self.n_residents:,} inwoners  ({time.perf_counter() - started:5.1f} s)"
                     .replace(",", "."))

    def _at(self, day: dt.date, hour: int | None = None, minute: int | None = None) -> dt.datetime:
        hour = self.rng.randint(9, 16) if hour is None else hour
        minute = self.rng.choice((0, 15, 30, 45)) if minute is None else minute
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def _between(self, low: dt.date, high: dt.date) -> dt.date:
        if high <= low:
            return low
        return low + dt.timedelta(days=self.rng.randint(0, (high - low).days))

    def _resident(self, index) -> "ResidentPlan":
        rng, today = self.rng, self.today
        wijk_index = self.wijk_of[index]
        plan = self.team_of_wijk[wijk_index]

        # Age and time on benefit (DESIGN §5: the activation group is mostly 50+, on average > 11 years).
        group = LONG_TERM if rng.random() < LONG_TERM.share else CLOSER_TO_WORK
        low, high = group.ages(rng)
        age = rng.randint(low, high - 1)
        dob = years_ago(today, age + 0.01 + rng.random() * 0.98)
        adult_since = dt.date(dob.year + 18, 3, 1) if (dob.month, dob.day) == (2, 29) else \
            dob.replace(year=dob.year + 18)
        if rng.random() < group.new_entrants:
            years = rng.uniform(0.05, 1.0)
        else:
            shape, scale = group.benefit_years[max(b for b in group.benefit_years if b <= age)]
            years = rng.gammavariate(shape, scale)
        benefit_start = max(years_ago(today, years), adult_since)
        benefit_start = min(benefit_start, max(today - dt.timedelta(days=7), adult_since))
        older = age >= 50

        # Education, work, language, barriers.
        education = group.education(rng)
        language = group.language(rng)
        years_before_benefit = max(0, (benefit_start - adult_since).days // 365 - rng.randint(0, 4))
        experience = 0 if rng.random() < 0.15 else int(years_before_benefit * rng.uniform(0.15, 0.85))
        last_work_year = None
        if experience:
            last_work_year = min(today.year, max(dob.year + 18, benefit_start.year - rng.choice((0, 0, 1, 2))))
        physical = group.physical(rng)
        mental = group.mental(rng)
        debts = group.debts(rng)
        addiction = group.addiction(rng)
        isolation = group.isolation(rng)
        social = group.social(rng)

        # Household and care duties.
        household = HOUSEHOLD["young" if age < 27 else "older" if older else "middle"](rng)
        children, youngest_dob, youngest_age = 0, None, None
        if household in ("single_parent", "couple_with_children"):
            max_child_age = min(17, age - 18)
            if max_child_age < 0:
                household = "single"
            else:
                children = CHILDREN(rng)
                youngest_age = rng.randint(0, max_child_age)
                youngest_dob = min(today, years_ago(today, youngest_age + rng.random() * 0.95))
        young_children = youngest_age is not None and youngest_age < 12
        informal_care = rng.random() < (0.16 if older else 0.10)
        care = ("both" if young_children and informal_care else "young_children" if young_children
                else "informal_care" if informal_care else "none")

        # Name, contact and address.
        if rng.random() < 0.3:
            first = rng.choice(INTERNATIONAL_FIRST_NAMES)
        elif age >= 45:
            first = self.older_first(rng)
        else:
            first = rng.choice(self.young_first_names)
        surname = rng.choice(INTERNATIONAL_LAST_NAMES) if rng.random() < 0.25 else rng.choice(self.last_names)
        prefix, last = split_last_name(surname)
        street = rng.choice(self.streets_per_wijk[wijk_index])
        house_number = str(rng.randint(1, 300)) + (rng.choice(("", "", "", "A", "B", "-1", "-2")))
        phone = f"06{rng.randrange(10_000_000, 100_000_000)}" if rng.random() < 0.85 else ""
        email = f"{ascii_slug(first)}.{ascii_slug(last)}{rng.randint(1, 999)}@example.nl" if rng.random() < 0.45 \
            else ""

        interests = rng.sample(INTERESTS, rng.randint(1, 3))
        interest_text = "Houdt van " + (", ".join(interests[:-1]) + " en " + interests[-1] if len(interests) > 1
                                        else interests[0]) + "."
        if rng.random() < 0.6:
            interest_text += " " + rng.choice(WISHES).format(centre=self.city.community_centre)
        if experience:
            work_history = f"Werkte als {rng.choice(JOBS)} ({experience} jaar), laatst in {last_work_year}."
        else:
            work_history = "Nog geen betaald werk gehad." if age < 30 else "Geen betaald werk in Nederland."
        notes = [BARRIER_NOTES[key] for key in (
            ("physical_health", physical), ("mental_health", mental), ("debts", debts), ("addiction", addiction),
            ("isolation", isolation), ("social_circumstances", social), ("care_duties", care), ("language", language),
        ) if key in BARRIER_NOTES]

        # Caseworker: round robin within the team, intensive or light by the team's capacity.
        intensive = bool(plan.intensive) and rng.random() < plan.intensive_share
        if intensive:
            caseworker = plan.intensive[plan.next_intensive % len(plan.intensive)]
            plan.next_intensive += 1
        else:
            caseworker = plan.light[plan.next_light % len(plan.light)]
            plan.next_light += 1

        resident = Resident(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            municipality=self.municipality,
            first_name=first, name_prefix=prefix, last_name=last, bsn=next(self.bsns), date_of_birth=dob,
            street=street, house_number=house_number, postcode=self._postcode(wijk_index), city=self.city.name,
            neighbourhood=self.wijken[wijk_index], phone=phone, email=email,
            household_type=household, children_count=children, youngest_child_date_of_birth=youngest_dob,
            benefit_start_date=benefit_start, education_level=education, work_experience_years=experience,
            last_paid_work_year=last_work_year, work_history=work_history, dutch_language_level=language,
            physical_health=physical, mental_health=mental, debts=debts, addiction=addiction, isolation=isolation,
            social_circumstances=social, care_duties=care, barrier_notes=" ".join(notes[:3]),
            interests=interest_text, intensity="intensive" if intensive else "light", current_caseworker=caseworker,
            # Severe limitations usually come with a Wmo indication for (arbeidsmatige) dagbesteding.
            indications="Wmo-indicatie dagbesteding" if "severe" in (physical, mental) else "",
        )
        result = ResidentPlan(resident)
        periods = self._history(result, plan, caseworker, benefit_start)
        self._assessment(result, plan, periods)
        self._ladder(result, periods)
        self._zrm(result, periods)
        self._notes(result, periods, wijk_index)
        return result

    def _history(self, result, plan, current, start):
        """Caseworker assignments over the years; some residents have had two or three (DESIGN §4.2)."""
        rng, today = self.rng, self.today
        history_start = max(start, years_ago(today, 12))
        days = (today - history_start).days
        count = ASSIGNMENT_COUNT(rng)
        if days < 120:
            count = 1
        elif days < 400:
            count = min(count, 2)
        cuts = sorted(history_start + dt.timedelta(days=rng.randint(30, days - 14)) for _ in range(count - 1))
        cuts = list(dict.fromkeys(cuts))  # distinct days
        starts = [history_start] + cuts
        others = [u for u in plan.staff_pool if u is not current]
        caseworkers = [current]
        for _ in range(len(starts) - 1):
            choices = [u for u in others if u is not caseworkers[0]] or others or [current]
            caseworkers.insert(0, rng.choice(choices))
        periods = []
        for i, (begin, caseworker) in enumerate(zip(starts, caseworkers)):
            end = starts[i + 1] if i + 1 < len(starts) else None
            if i == 0:
                reason, note = "Eerste toewijzing", ""
            else:
                reason = rng.choice(REASSIGNMENT_REASONS).format(term=self.term)
                if caseworker.intensive_caseload and not caseworkers[i - 1].intensive_caseload:
                    reason = "Intensievere begeleiding nodig"
                note = rng.choice(HANDOVER_NOTES).format(term=self.term) if rng.random() < 0.6 else ""
            periods.append((begin, end, caseworker))
            result.assignments.append(CaseworkerAssignment(
                caseworker=caseworker, team=plan.team, started_on=begin, ended_on=end, reason=reason,
                handover_note=note, assigned_by=plan.lead,
            ))
            if i == 0:
                result.event(self._at(begin, 9, 0), DossierEvent.Kind.REGISTERED, "Ingeschreven in Meedoen", plan.lead)
            result.event(self._at(begin, 9, 5), DossierEvent.Kind.ASSIGNMENT,
                         f"Nieuwe klantmanager: {caseworker.get_full_name()}. {reason}".strip(), plan.lead)
        return periods

    @staticmethod
    def _caseworker_on(periods, day):
        for begin, end, caseworker in reversed(periods):
            if begin <= day:
                return caseworker
        return periods[0][2]

    def _assessment(self, result, plan, periods):
        """The current assessment, computed by the real rules with the profile's weights and segmentation."""
        rng, today = self.rng, self.today
        resident = result.resident
        low = max(self.profile.effective_from, periods[-1][0], today - dt.timedelta(days=300))
        on = self._between(min(low, today), today - dt.timedelta(days=1)) if low < today else today
        inputs = inputs_from_resident(resident, on)
        score = rules.score(inputs, self.weights)
        segment = rules.segment_for(score.estimated_months, inputs.age, self.profile.segmentation)
        final, reason = segment.segment, ""
        if rng.random() < OVERRIDE_SHARE:
            codes = [g["code"] for g in self.groups]
            index = codes.index(segment.segment)
            candidates = []
            if index + 1 < len(codes) and not (index + 1 == len(codes) - 1 and inputs.age <
                                               self.profile.segmentation.get("young_age_limit", 27)):
                candidates.append((codes[index + 1], OVERRIDE_TO_FURTHER))
            if index > 0:
                candidates.append((codes[index - 1], OVERRIDE_TO_CLOSER))
            if candidates:
                final, reasons = rng.choice(candidates)
                reason = rng.choice(reasons)
        actor = self._caseworker_on(periods, on)
        at = self._at(on)
        result.assessments.append(Assessment(
            assessed_at=at, assessed_by=actor, policy_profile=self.profile, rule_version=score.rule_version,
            inputs=inputs.__dict__, estimated_months=score.estimated_months,
            # The same list as score.contributions_as_list(), built without dataclasses.asdict (slow at 40,000).
            contributions=[{"factor": c.factor, "label": c.label, "value": c.value, "months": c.months}
                           for c in score.contributions],
            computed_segment=segment.segment, segment_rule=segment.rule,
            young_person_rule_applied=segment.young_person_rule_applied, segment=final, override_reason=reason,
            notes="Besproken in het teamoverleg." if reason else "",
        ))
        resident.segment = final
        resident.estimated_months_to_work = score.estimated_months
        resident.last_assessed_on = on
        label = self.group_labels.get(final, final)
        result.event(at, DossierEvent.Kind.ASSESSMENT,
                     f"Inschatting: {score.estimated_months} maanden tot werk, segment {label}", actor, self.profile)
        if reason:
            result.event(at + dt.timedelta(minutes=1), DossierEvent.Kind.SEGMENT_OVERRIDE,
                         f"Segment aangepast van {self.group_labels[segment.segment]} naar {label}: {reason}",
                         actor, self.profile)

    def _ladder(self, result, periods):
        """One to four Participatieladder measurements about half a year apart; the latest is on the dossier."""
        rng, today = self.rng, self.today
        resident = result.resident
        first_day = periods[0][0]
        latest = self._between(max(first_day, today - dt.timedelta(days=150)), today - dt.timedelta(days=1))
        days = [latest]
        for _ in range(LADDER_COUNT(rng) - 1):
            earlier = days[-1] - dt.timedelta(days=rng.randint(150, 210))
            if earlier < first_day:
                break
            days.append(earlier)
        days.reverse()
        if resident.isolation == "severe":
            step = 1
        elif resident.segment == self.furthest:
            step = LADDER_START_FURTHEST(rng)
        else:
            step = LADDER_START_OTHER(rng)
        for day in days:
            actor = self._caseworker_on(periods, day)
            result.ladders.append(LadderMeasurement(measured_on=day, step=step, measured_by=actor))
            result.event(self._at(day), DossierEvent.Kind.LADDER,
                         f"Participatieladder: trede {step} ({LADDER_STEPS[step][0]})", actor)
            resident.ladder_step = step
            step = min(5, max(1, step + LADDER_MOVE(rng)))

    def _zrm(self, result, periods):
        """A Zelfredzaamheid-Matrix for some residents, more often in the furthest segment."""
        rng, today = self.rng, self.today
        resident = result.resident
        if rng.random() >= (0.45 if resident.segment == self.furthest else 0.25):
            return
        first_day = periods[0][0]
        day = self._between(max(first_day, today - dt.timedelta(days=540)), today - dt.timedelta(days=1))
        base = self._zrm_scores(resident)
        for n in range(rng.choice((1, 1, 2))):
            if n:
                day = day + dt.timedelta(days=rng.randint(150, 200))
                if day >= today:
                    break
                base = {k: min(5, v + (1 if rng.random() < 0.2 else 0)) for k, v in base.items()}
            actor = self._caseworker_on(periods, day)
            result.zrms.append(ZRMMeasurement(measured_on=day, measured_by=actor, **base))
            low = [label for code, label in ZRM_DOMAINS if base[code] <= 2]
            summary = "Zelfredzaamheid-Matrix ingevuld" + (f"; aandacht nodig: {', '.join(low)}" if low else "")
            result.event(self._at(day), DossierEvent.Kind.ZRM, summary[:300], actor)

    def _zrm_scores(self, r):
        rng = self.rng
        health = {"none": 4, "some": 3, "severe": 2}
        scores = {
            "finances": {"none": 4, "manageable": 3, "problematic": 2}[r.debts],
            "work_education": 3 if r.work_experience_years >= 3 else 2,
            "time_use": {1: 2, 2: 2, 3: 3, 4: 4, 5: 4, 6: 5}.get(r.ladder_step or 2, 3),
            "housing": {"stable": 4, "some_problems": 3, "crisis": 2}[r.social_circumstances],
            "domestic_relations": {"stable": 4, "some_problems": 3, "crisis": 2}[r.social_circumstances],
            "mental_health": health[r.mental_health],
            "physical_health": health[r.physical_health],
            "substance_use": {"none": 5, "in_recovery": 3, "active": 2}[r.addiction],
            "basic_adl": 4 if r.physical_health == "severe" else 5,
            "instrumental_adl": 3 if r.dutch_language_level in ("none", "A1") or r.mental_health == "severe" else 4,
            "social_network": {"none": 4, "some": 3, "severe": 2}[r.isolation],
            "community_participation": {1: 2, 2: 3}.get(r.ladder_step or 2, 4),
            "justice": 5 if r.social_circumstances != "crisis" else rng.choice((3, 4, 5)),
        }
        return {k: min(5, max(1, v + (rng.choice((-1, 1)) if rng.random() < 0.2 else 0))) for k, v in scores.items()}

    def _notes(self, result, periods, wijk_index):
        rng, today = self.rng, self.today
        venue = self.venues[wijk_index].name
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            day = self._between(max(periods[0][0], today - dt.timedelta(days=400)), today - dt.timedelta(days=1))
            actor = self._caseworker_on(periods, day)
            result.event(self._at(day), DossierEvent.Kind.NOTE,
                         rng.choice(NOTES).format(venue=venue, term=self.term), actor)

    # -- summary ------------------------------------------------------------------------------------------------------

    def _counts(self):
        m = self.municipality
        staff = User.objects.filter(municipality=m)
        return {
            "wijken": Neighbourhood.objects.filter(municipality=m).count(),
            "locaties": Venue.objects.filter(municipality=m).count(),
            "teams": Team.objects.filter(municipality=m).count(),
            "klantmanagers (actief)": staff.filter(role=Role.CASEWORKER, is_active=True).count(),
            "  waarvan intensieve caseload": staff.filter(role=Role.CASEWORKER, is_active=True,
                                                          intensive_caseload=True).count(),
            "gebruikers totaal": staff.count(),
            "inwoners": Resident.objects.filter(municipality=m).count(),
            "toewijzingen klantmanager": CaseworkerAssignment.objects.filter(resident__municipality=m).count(),
            "inschattingen": Assessment.objects.filter(resident__municipality=m).count(),
            "  waarvan afwijkend segment": Assessment.objects.filter(resident__municipality=m)
            .exclude(segment=F("computed_segment")).count(),
            "metingen participatieladder": LadderMeasurement.objects.filter(resident__municipality=m).count(),
            "metingen ZRM": ZRMMeasurement.objects.filter(resident__municipality=m).count(),
            "tijdlijnregels": DossierEvent.objects.filter(resident__municipality=m).count(),
            **self.extension_counts,
        }


class ResidentPlan:
    """One resident and the history rows that belong to it, linked once the resident has a primary key."""

    __slots__ = ("resident", "assignments", "assessments", "ladders", "zrms", "events")

    def __init__(self, resident):
        self.resident = resident
        self.assignments, self.assessments, self.ladders, self.zrms, self.events = [], [], [], [], []

    def event(self, occurred_at, kind, summary, actor, profile=None):
        self.events.append(DossierEvent(occurred_at=occurred_at, kind=kind, summary=summary[:300], actor=actor,
                                        policy_profile=profile))

    def attach(self):
        for row in itertools.chain(self.assignments, self.assessments, self.ladders, self.zrms, self.events):
            row.resident = self.resident


# Demo data of other domains, in order: (name, "module:function"). Each function takes (municipality, rng, today)
# and returns a dict of counts for the summary.
DEMO_EXTENSIONS = [
    ("uitnodigingen", "meedoen.outreach.demo:seed_outreach"),
    ("aanbod", "meedoen.offer.demo:seed_offer"),
    ("begeleiding", "meedoen.guidance.demo:seed_guidance"),
    ("doorverwijzingen", "meedoen.referrals.demo:seed_referrals"),
    ("verplichtingen", "meedoen.obligations.demo:seed_obligations"),  # before money: its calculations read measures
    ("inkomsten", "meedoen.money.demo:seed_money"),
    ("experimenten", "meedoen.experiments.demo:seed_experiments"),
    ("bewaartermijnen", "meedoen.retention.demo:seed_retention"),  # last: ended dossiers with nothing newer
]


def demo_extensions():
    for name, path in DEMO_EXTENSIONS:
        module_name, function_name = path.split(":")
        yield name, getattr(importlib.import_module(module_name), function_name)


def seed(preset: str, residents: int, seed: int = 42, *, today=None, log=None) -> Summary:
    return DemoGenerator(preset, residents, seed, today=today, log=log).run()


def demo_exists() -> bool:
    return Municipality.objects.exists()


__all__ = ["DEMO_LOGINS", "DEMO_LOGIN_ROLES", "DEMO_PASSWORD", "DemoError", "DemoGenerator", "demo_exists", "seed"]
