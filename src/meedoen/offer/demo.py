"""Demo data for the offer side: partner organisations (welfare, Vrijwilligerswinkel, sport, care, Werkbrigade, IPS,
language, and the help services for debts, mental health and addiction), their contracts (one with 200 placements a
year, six months of guidance and groups of 15), an activity catalogue scaled to the municipality, provision types
and grants against residents' individual budgets (one per team awaiting a second approval).

    seed_offer(municipality, rng, today) -> counts

Called by the demo generator (DEMO_EXTENSIONS) after the residents exist. Deterministic for a given `rng`; rows go in
with bulk_create.

Coordinates: Meedoen stores no coordinates of residents or neighbourhoods. The demo places each neighbourhood at a
centroid derived from the city centre (a ring of neighbourhoods 1.5–6 km out, in a fixed order) and scatters that
neighbourhood's activities a few hundred metres around it; offer.geo.neighbourhood_centroids() then recovers the
neighbourhood centres from the activities (see docs/offer.md).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

from django.utils import timezone

from meedoen.accounts.models import Role, User
from meedoen.organisation.models import Neighbourhood, Team, Venue
from meedoen.policy.models import PolicyProfile
from meedoen.residents.models import DossierEvent, Resident

from . import budget as budget_rules
from .models import Activity, Provider, ProviderContract, ProvisionGrant, ProvisionType

CITY_CENTRES = {
    "Rotterdam": (51.9225, 4.4792), "Amsterdam": (52.3728, 4.8936), "Utrecht": (52.0907, 5.1214),
    "Tilburg": (51.5606, 5.0919), "Leeuwarden": (53.2014, 5.7999), "Bremen": (53.0793, 8.8017),
    "Stockholm": (59.3293, 18.0686),
}
DEFAULT_CENTRE = (52.1326, 5.2913)  # the middle of the Netherlands, for a city the demo does not know

# key: (name pattern, kind, description)
PROVIDERS = {
    "vrijwilligerswinkel": ("Vrijwilligerswinkel {city}", "volunteer_centre",
                            "Helpt inwoners aan vrijwilligerswerk dat past. Intake, groepsbijeenkomsten en een half "
                            "jaar begeleiding."),
    "welzijn_a": ("Welzijn {city} Zuid", "welfare", "Welzijnswerk in de wijken: ontmoeting, activiteiten, hulp."),
    "welzijn_b": ("Welzijn {city} Noord", "welfare", "Welzijnswerk in de wijken: ontmoeting, activiteiten, hulp."),
    "buurthuis": ("Buurthuis De Ontmoeting", "community_centre",
                  "Buurthuis met koffieochtenden, eettafels en cursussen."),
    "mantelzorg": ("Steunpunt Mantelzorg {city}", "welfare",
                   "Ondersteunt mantelzorgers en regelt mantelzorgcontracten."),
    "sport": ("Buurtsport {city}", "sports_club", "Sport en bewegen in de buurt, voor elk niveau."),
    "zorg": ("Zorgcentrum De Linde", "care_home", "Zorgcentrum voor ouderen; vrijwilligers helpen bij activiteiten."),
    "dagbesteding": ("Dagbesteding De Werkplaats", "care_home", "Arbeidsmatige dagbesteding met begeleiding."),
    "werkbrigade": ("Werkbrigade {city}", "work_company", "Werk met begeleiding in de openbare ruimte, met loon."),
    "werkbedrijf": ("Werkbedrijf {city}", "work_company", "Werkervaring en banen bij de gemeente en partners."),
    "ips": ("IPS-team {city}", "ips_team", "Individuele plaatsing en steun: snel naar betaald werk, met een coach."),
    "taalhuis": ("Taalhuis {city}", "language_school", "Taallessen, taalcafés en hulp bij lezen en schrijven."),
    "bibliotheek": ("Bibliotheek {city}", "other", "Digitale vaardigheden, taalcafé en leesclubs."),
    "schuldhulp": ("Schuldhulpverlening {city}", "debt_counselling", "Hulp bij schulden: overzicht, regeling, budget."),
    "schuldhulpmaatje": ("SchuldHulpMaatje {city}", "debt_counselling",
                         "Vrijwillige maatjes helpen bij de administratie."),
    "ggz": ("GGZ {city} Herstel en Werk", "mental_health", "Hulp bij psychische klachten, ook gericht op meedoen."),
    "verslavingszorg": ("Verslavingszorg {city}", "addiction_care", "Hulp bij verslaving, met herstelgroepen."),
    "kringloop": ("Kringloopwinkel De Tweede Kans", "employer", "Kringloopwinkel met werkervaringsplekken."),
    "voedselbank": ("Voedselbank {city}", "other",
                    "Voedselpakketten voor wie het nodig heeft; draait op vrijwilligers."),
    "stadsboerderij": ("Stadsboerderij De Hooiberg", "other", "Boerderij in de stad: dieren, moestuin, educatie."),
    "uitzend": ("Werkt! Uitzendbureau", "employer", "Banen bij werkgevers in de regio, ook parttime."),
}

D = Decimal
WEEK = ("mon", "tue", "wed", "thu", "fri")

# (category, provider key, title, description (B1, for the resident), tags, min h, max h choices, capacity range,
#  language, load, indication note, pays per month, at a venue, needs the profile offer)
ACTIVITIES = [
    ("volunteering", "vrijwilligerswinkel", "Gastvrouw of gastheer in de buurtkamer",
     "Je zet koffie en thee en maakt een praatje met buurtbewoners. Je werkt samen met andere vrijwilligers. Je leert "
     "hoe je een ochtend organiseert.", ["koffie", "ontmoeten", "gastvrij"], 4, (8, 10, 12), (3, 8), "A2", "light",
     "", 0, True, None),
    ("volunteering", "voedselbank", "Pakketten inpakken bij de voedselbank",
     "Je pakt voedselpakketten in en deelt ze uit. Je werkt in een vast team. Je hoeft geen ervaring te hebben.",
     ["inpakken", "samenwerken", "logistiek"], 4, (8, 12, 16), (4, 12), "A1", "medium", "", 0, False, None),
    ("volunteering", "zorg", "Wandelen en praten met ouderen",
     "Je gaat wandelen met ouderen van het zorgcentrum, of je drinkt samen koffie. Je luistert en maakt een praatje. "
     "Je krijgt een korte training.", ["ouderen", "zorg", "wandelen"], 2, (4, 6, 8), (4, 10), "B1", "light", "", 0,
     False, None),
    ("volunteering", "stadsboerderij", "Helpen op de stadsboerderij",
     "Je verzorgt de dieren en werkt in de moestuin. Je bent veel buiten. Je leert over dieren en planten.",
     ["dieren", "tuin", "buiten"], 4, (8, 12, 16), (2, 6), "A1", "heavy", "", 0, False, None),
    ("volunteering", "kringloop", "Meewerken in de kringloopwinkel",
     "Je sorteert spullen, zet ze in de winkel en helpt klanten. Je werkt in een team en leert werken in een winkel.",
     ["winkel", "sorteren", "klanten"], 8, (12, 16, 20), (3, 8), "A2", "medium", "", 0, False, None),
    ("volunteering", "bibliotheek", "Taalmaatje in de bibliotheek",
     "Je oefent Nederlands met iemand die de taal leert. Jullie praten over gewone dingen. Je helpt ook bij het lezen "
     "van brieven.", ["taal", "helpen", "lezen"], 2, (3, 4), (4, 10), "B2", "light", "", 0, False, None),
    ("volunteering", "buurthuis", "Koken voor de buurttafel",
     "Je kookt samen met anderen een maaltijd voor buurtbewoners. Daarna eet je mee. Je leert koken voor een grote "
     "groep.", ["koken", "eten", "ontmoeten"], 4, (6, 8), (3, 8), "A2", "medium", "", 0, True, None),
    ("volunteering", "vrijwilligerswinkel", "Fietsen repareren in de buurtwerkplaats",
     "Je repareert fietsen van buurtbewoners, samen met een ervaren monteur. Je leert hoe een fiets werkt.",
     ["techniek", "fietsen", "repareren"], 4, (8, 12), (2, 6), "A1", "medium", "", 0, True, None),
    ("volunteering", "sport", "Helpen bij sportactiviteiten voor kinderen",
     "Je helpt de trainer bij sport voor kinderen na school. Je zet spullen klaar en let op de kinderen.",
     ["sport", "kinderen", "buiten"], 3, (4, 6), (2, 6), "B1", "medium", "", 0, False, None),
    ("informal_care", "mantelzorg", "Mantelzorg met een mantelzorgcontract",
     "Je zorgt voor een familielid of buurtbewoner. Met een mantelzorgcontract telt die zorg mee als tegenprestatie. "
     "Het Steunpunt helpt je en kijkt of het niet te zwaar wordt.", ["zorg", "familie", "mantelzorg"], 4,
     (8, 12, 16, 20), (10, 30), "none", "medium", "", 0, False, None),
    ("informal_care", "mantelzorg", "Lotgenotengroep voor mantelzorgers",
     "Je praat met andere mantelzorgers over wat je meemaakt. Je krijgt tips en steun.", ["mantelzorg", "praten"], 2,
     (2,), (8, 15), "A2", "light", "", 0, True, None),
    ("language", "taalhuis", "Taalles Nederlands voor beginners",
     "Je leert Nederlands in een kleine groep. De lessen gaan over dingen van elke dag: de dokter, de winkel, "
     "brieven.", ["taal", "leren", "nederlands"], 4, (4, 6), (8, 14), "none", "light", "", 0, True, None),
    ("language", "taalhuis", "Taalcafé: Nederlands oefenen",
     "Je oefent Nederlands in gesprekken met anderen. Iedereen mag meedoen, op elk niveau.", ["taal", "praten",
                                                                                               "ontmoeten"], 2,
     (2, 3), (10, 20), "A1", "light", "", 0, True, None),
    ("language", "bibliotheek", "Digitaal Café: werken met computer en telefoon",
     "Je leert mailen, DigiD gebruiken en formulieren invullen. Er is altijd iemand die helpt.", ["computer",
                                                                                                  "digitaal"], 2,
     (2, 4), (6, 12), "A2", "light", "", 0, False, None),
    ("movement", "sport", "Wandelgroep in het park",
     "Je wandelt een uur met een groep buurtbewoners. Rustig tempo. Daarna drinken we samen koffie.", ["wandelen",
                                                                                                      "buiten",
                                                                                                      "gezond"], 1,
     (2, 3), (10, 20), "none", "light", "", 0, False, None),
    ("movement", "sport", "Bewegen op recept",
     "Je sport onder begeleiding, op je eigen niveau. Goed als je weinig beweegt of pijn hebt. De huisarts kan je "
     "verwijzen.", ["sport", "gezond", "begeleiding"], 2, (2, 3), (6, 12), "A1", "light", "", 0, False, None),
    ("movement", "sport", "Zwemmen en fitness voor vrouwen",
     "Je zwemt of doet fitness in een groep alleen voor vrouwen. Met een vaste trainer.", ["sport", "zwemmen",
                                                                                           "vrouwen"], 2, (2, 4),
     (8, 16), "none", "medium", "", 0, False, None),
    ("own_barriers", "schuldhulp", "Hulp bij schulden: overzicht en regeling",
     "Je maakt samen met een schuldhulpverlener een overzicht van je schulden en inkomsten. Daarna zoeken jullie een "
     "oplossing. Dit is gratis.", ["schulden", "geld", "administratie"], 1, (2, 3), (15, 40), "none", "light", "", 0,
     False, None),
    ("own_barriers", "schuldhulpmaatje", "Een maatje voor je administratie",
     "Een vrijwilliger helpt je om je post en rekeningen te ordenen. Jullie spreken elke week af.", ["geld",
                                                                                                     "administratie"],
     1, (1, 2), (10, 25), "A2", "light", "", 0, False, None),
    ("own_barriers", "ggz", "Herstelgroep: grip op je leven",
     "Je werkt in een groep aan je herstel na psychische klachten. Je leert wat je helpt en wat je energie geeft.",
     ["gezondheid", "herstel", "groep"], 2, (2, 4), (8, 12), "A2", "light", "verwijzing huisarts of ggz", 0, False,
     None),
    ("own_barriers", "verslavingszorg", "Herstelgroep bij verslaving",
     "Je praat met anderen die ook stoppen of minderen met alcohol, drugs of gokken. Met een ervaren begeleider.",
     ["verslaving", "herstel", "groep"], 2, (2, 4), (8, 12), "A1", "light", "", 0, False, None),
    ("own_barriers", "welzijn_a", "Training Omgaan met stress en geld",
     "In zes bijeenkomsten leer je hoe je rust houdt als er veel tegelijk gebeurt, en hoe je overzicht houdt over "
     "geld.",
     ["stress", "geld", "cursus"], 2, (2,), (8, 14), "A2", "light", "", 0, True, None),
    ("social", "welzijn_a", "Koffieochtend in de wijk",
     "Je drinkt koffie met buurtbewoners en hoort wat er in de buurt te doen is. Je hoeft niets voor te bereiden.",
     ["koffie", "ontmoeten"], 2, (2, 3), (15, 30), "none", "light", "", 0, True, None),
    ("social", "welzijn_b", "Samen koken en eten",
     "Je kookt en eet met een groep. Iedereen helpt een beetje mee. Je leert nieuwe recepten.", ["koken", "eten",
                                                                                                 "ontmoeten"], 3,
     (3, 4), (8, 14), "none", "light", "", 0, True, None),
    ("social", "buurthuis", "Creatieve middag",
     "Je schildert, naait of knutselt met anderen. Materiaal is er. Je hoeft het niet te kunnen.", ["creatief",
                                                                                                     "handwerk"], 2,
     (2, 3), (8, 15), "none", "light", "", 0, True, None),
    ("day_activity", "dagbesteding", "Houtwerkplaats (arbeidsmatige dagbesteding)",
     "Je maakt meubels en speelgoed van hout, met begeleiding. Je werkt in je eigen tempo en leert een vak.",
     ["hout", "techniek", "maken"], 8, (12, 16, 20), (6, 12), "none", "medium", "Wmo-indicatie dagbesteding", 0,
     False, None),
    ("day_activity", "dagbesteding", "Groenploeg met begeleiding",
     "Je onderhoudt parken en tuinen, samen met een begeleider. Je bent veel buiten.", ["groen", "buiten", "tuin"], 8,
     (12, 16), (6, 12), "none", "heavy", "Wmo-indicatie dagbesteding", 0, False, None),
    ("work_brigade", "werkbrigade", "Werkbrigade: schoon en heel in de buurt",
     "Je werkt in een ploeg aan een schone en hele buurt. Je krijgt een arbeidscontract met minimumloon, voor "
     "hoogstens twee jaar. Een werkmeester begeleidt je.", ["buiten", "werk", "loon"], 24, (32, 36), (10, 25), "A1",
     "heavy", "", 0, False, "work_brigade"),
    ("one_euro_job", "werkbedrijf", "Ein-Euro-Job: hulp in de schoolkantine",
     "Je helpt in de kantine van een school. Je krijgt €1,40 per gewerkt uur bovenop je uitkering en een OV-pas voor "
     "de stad. Ongeveer zes maanden.", ["eten", "school", "werk"], 15, (20, 25, 30), (4, 10), "A1", "medium", "",
     110, False, "ein_euro_job"),
    ("one_euro_job", "werkbedrijf", "Ein-Euro-Job: fietsenstalling bij het station",
     "Je beheert de bewaakte fietsenstalling en helpt reizigers. €1,40 per gewerkt uur bovenop je uitkering.",
     ["fietsen", "klanten", "werk"], 15, (20, 25, 30), (4, 8), "A2", "light", "", 110, False, "ein_euro_job"),
    ("municipal_job", "werkbedrijf", "Tijdelijke baan bij de gemeente: parkbeheer",
     "Je werkt 6 tot 12 maanden bij de gemeente in de parken, met een echt salaris. Daarna zoek je samen met een "
     "coach verder.", ["groen", "werk", "loon"], 32, (40,), (5, 15), "A1", "heavy", "", 0, False, "stockholm_jobs"),
    ("municipal_job", "werkbedrijf", "Tijdelijke baan bij de gemeente: conciërge",
     "Je werkt 6 tot 12 maanden als conciërge in een school of buurthuis, met salaris.", ["techniek", "werk", "loon"],
     32, (40,), (3, 8), "A2", "medium", "", 0, False, "stockholm_jobs"),
    ("ips", "ips", "IPS: betaald werk zoeken met een coach",
     "Je zoekt met een IPS-coach snel naar een baan die bij je past. De coach blijft helpen als je werkt. Voor mensen "
     "met psychische klachten.", ["werk", "coach", "herstel"], 4, (8, 16, 24), (15, 20), "A2", "light",
     "behandeling bij de ggz", 0, False, None),
    ("paid_job", "uitzend", "Parttime baan in de schoonmaak",
     "Je maakt kantoren schoon, 's ochtends vroeg of 's avonds. Je verdient loon; het werk past naast de zorg voor "
     "kinderen.", ["schoonmaak", "werk", "loon"], 12, (16, 20, 24), (3, 8), "A1", "medium", "", 0, False, None),
    ("paid_job", "uitzend", "Orderpicker in het magazijn",
     "Je verzamelt bestellingen in een magazijn. Je werkt in ploegen en verdient loon.", ["logistiek", "werk",
                                                                                          "loon"], 24, (32, 38),
     (4, 10), "A2", "heavy", "", 0, False, None),
    ("paid_job", "kringloop", "Werkervaringsplek in de kringloopwinkel",
     "Je werkt een half jaar mee in de winkel en het magazijn, met een werkbegeleider. Je krijgt een getuigschrift.",
     ["winkel", "werkervaring"], 16, (20, 24), (3, 6), "A2", "medium", "", 0, False, None),
    ("other", "werkbedrijf", "Werkervaring in de fietsenwerkplaats",
     "Je repareert fietsen en leert het vak van fietsenmaker. Met een werkmeester en een certificaat na afloop.",
     ["fietsen", "techniek", "werkervaring"], 12, (16, 20), (4, 8), "A1", "medium", "", 0, False, None),
]

PROVISION_TYPES = [
    ("Cursus Nederlands: extra taallessen", "training", "taalhuis", "450.00"),
    ("Sollicitatietraining", "training", "werkbedrijf", "350.00"),
    ("Cursus heftruckcertificaat", "training", None, "495.00"),
    ("Kinderopvang tijdens een activiteit (per maand)", "childcare", None, "300.00"),
    ("Respijtzorg: logeeropvang voor de mantelzorger", "respite_care", "mantelzorg", "400.00"),
    ("Budgetcoach bij schulden", "debt_counselling", "schuldhulp", "250.00"),
    ("Persoonlijk ontwikkeltraject 'Krachtig verder'", "personal_development", "welzijn_a", "1200.00"),
    ("Reiskosten openbaar vervoer (per kwartaal)", "travel_costs", None, "180.00"),
    ("Werkkleding en veiligheidsschoenen", "other", None, "150.00"),
]

REASONS = {
    "training": "Taal en een certificaat zijn nu de grootste drempel naar werk.",
    "childcare": "Zonder opvang voor de kinderen kan de inwoner niet naar de activiteit.",
    "respite_care": "De mantelzorg is zwaar; zonder vervanging houdt de inwoner het niet vol.",
    "debt_counselling": "De schulden geven veel stress; eerst overzicht en rust.",
    "personal_development": "Na jaren thuis is een traject nodig om weer ritme en zelfvertrouwen op te bouwen.",
    "travel_costs": "De activiteit is aan de andere kant van de stad; reizen kost te veel.",
    "other": "Nodig om te kunnen beginnen op de werkplek.",
}


def _eur(amount):
    return "€ " + f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _profile(municipality, today):
    return (PolicyProfile.objects.active_for(municipality.policy_key, today)
            or PolicyProfile.objects.approved().filter(key=municipality.policy_key)
            .order_by("-effective_from", "-version").first())


def _centre(municipality):
    from meedoen.demo.generator import city_for

    city, _rest = city_for(municipality.policy_key)
    return CITY_CENTRES.get(city.name, DEFAULT_CENTRE)


def _offset(point, north_km, east_km):
    lat, lon = point
    return lat + north_km / 111.32, lon + east_km / (111.32 * math.cos(math.radians(lat)))


def _coordinate(value):
    return Decimal(f"{value:.5f}")


def neighbourhood_centres(neighbourhoods, centre, rng):
    """A deterministic ring of neighbourhood centres around the city centre (the first one in the middle)."""
    centres = {}
    n = len(neighbourhoods)
    for i, wijk in enumerate(neighbourhoods):
        if i == 0:
            centres[wijk.pk] = centre
            continue
        angle = 2 * math.pi * (i - 1) / max(1, n - 1) + rng.uniform(-0.25, 0.25)
        radius = rng.uniform(1.5, 6.0)
        centres[wijk.pk] = _offset(centre, radius * math.cos(angle), radius * math.sin(angle))
    return centres


def _address_in(wijk_venue, venue, rng):
    """At the venue, its address; elsewhere in the neighbourhood, another number in the venue's street."""
    if venue is not None:
        return venue.address
    if wijk_venue is None or not wijk_venue.address:
        return ""
    return re.sub(r"\b\d+(?=,)", str(rng.randint(1, 250)), wijk_venue.address, count=1)


def _days(rng, max_hours):
    count = 1 if max_hours <= 3 else 2 if max_hours <= 8 else 3 if max_hours <= 16 else 5
    return sorted(rng.sample(WEEK, count), key=WEEK.index)


def _hours_text(rng, max_hours, days):
    per_day = max(1, round(max_hours / max(1, len(days))))
    start = rng.choice((9, 9, 10, 13, 14)) if per_day <= 4 else rng.choice((8, 9))
    end = min(start + per_day, 22)
    return f"{start}.{rng.choice(('00', '30'))}–{end}.00 uur"


def seed_offer(municipality, rng, today):
    profile = _profile(municipality, today)
    offered = set((profile.extra or {}).get("offer", [])) if profile else set()
    from meedoen.demo.generator import city_for

    city_name = city_for(municipality.policy_key)[0].name
    neighbourhoods = list(Neighbourhood.objects.filter(municipality=municipality).order_by("pk"))
    if not neighbourhoods:
        return {}
    community_venues = {v.neighbourhood_id: v for v in Venue.objects.filter(municipality=municipality,
                                                                           kind=Venue.Kind.COMMUNITY_CENTRE)}
    centres = neighbourhood_centres(neighbourhoods, _centre(municipality), rng)

    # -- providers ----------------------------------------------------------------------------------------------------
    providers = {}
    for key, (pattern, kind, description) in PROVIDERS.items():
        wijk = rng.choice(neighbourhoods)
        providers[key] = Provider(
            municipality=municipality, name=pattern.format(city=city_name), kind=kind, neighbourhood=wijk,
            description=description, address=f"{community_venues[wijk.pk].address}" if wijk.pk in community_venues
            else "", email=f"info@{key}.example.nl", phone=f"010-{rng.randint(1000000, 9999999)}",
        )
    Provider.objects.bulk_create(providers.values())

    # -- contracts ----------------------------------------------------------------------------------------------------
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    contract_specs = [
        ("vrijwilligerswinkel", 200, 6, 6, 15, "850.00", "200 inwoners per jaar geplaatst; maandelijks een groep van "
         "ongeveer 15 kandidaten met drie groepsbijeenkomsten in drie weken; een half jaar begeleiding; elk half jaar "
         "een terugkoppeling; jaarlijks nagaan of oud-deelnemers nog actief zijn."),
        ("welzijn_a", 120, 6, 6, None, "650.00", "Begeleiding naar activiteiten in de wijk."),
        ("welzijn_b", 100, 6, 6, None, "650.00", "Begeleiding naar activiteiten in de wijk."),
        ("mantelzorg", 60, 6, 6, None, "400.00", "Mantelzorgcontracten en steun voor mantelzorgers."),
        ("werkbrigade", 250, 24, 3, None, "2500.00", "Werk met loon, hoogstens twee jaar, met een werkmeester."),
        ("ips", 40, 12, 3, None, "3200.00", "IPS volgens het model: caseload van hoogstens 20 per coach."),
        ("schuldhulp", 150, 6, 3, None, "900.00", "Warme overdracht binnen twee weken; terugkoppeling elke 3 maanden."),
        ("dagbesteding", 30, 12, 6, None, "1800.00", "Arbeidsmatige dagbesteding met Wmo-indicatie."),
    ]
    contracts = [
        ProviderContract(provider=providers[key], reference=f"{municipality.code}-{today.year - 1}-{i + 1:03d}",
                         starts_on=start, ends_on=end, placements_per_year=per_year, guidance_months=months,
                         report_every_months=report, cohort_size=cohort, price_per_placement=D(price), notes=notes)
        for i, (key, per_year, months, report, cohort, price, notes) in enumerate(contract_specs)
    ]
    ProviderContract.objects.bulk_create(contracts)

    # -- activities ---------------------------------------------------------------------------------------------------
    n_residents = Resident.objects.filter(municipality=municipality).count()
    target = max(60, n_residents // 40)
    templates = [t for t in ACTIVITIES if t[13] is None or t[13] in offered]
    activities = []
    prefix = {c: c[:3].upper() for c in {t[0] for t in ACTIVITIES}}
    for i in range(target):
        (category, provider_key, title, description, tags, min_h, max_choices, capacity_range, language, load,
         indication, pays, at_venue, _needs) = templates[i % len(templates)]
        wijk = neighbourhoods[(i // len(templates) + i * 7) % len(neighbourhoods)]
        max_h = rng.choice(max_choices)
        days = _days(rng, max_h)
        venue = community_venues.get(wijk.pk) if at_venue else None
        lat, lon = _offset(centres[wijk.pk], rng.gauss(0, 0.35), rng.gauss(0, 0.35))
        starts_on = ends_on = None
        if rng.random() < 0.12:  # a project with a start and an end
            starts_on = today - dt.timedelta(days=rng.randint(0, 120))
            ends_on = starts_on + dt.timedelta(days=rng.choice((91, 182, 365)))
        activities.append(Activity(
            municipality=municipality, provider=providers[provider_key], code=f"{prefix[category]}-{i + 1:04d}",
            title=f"{title} ({wijk.name})", category=category, description=description, tags=list(tags),
            venue=venue, neighbourhood=wijk, address=_address_in(community_venues.get(wijk.pk), venue, rng),
            latitude=_coordinate(lat), longitude=_coordinate(lon), days=days,
            hours_text=_hours_text(rng, max_h, days), min_hours_per_week=D(min(min_h, max_h)),
            max_hours_per_week=D(max_h), capacity=rng.randint(*capacity_range), min_language_level=language,
            physical_load=load, requires_indication=bool(indication), indication_note=indication,
            pays_per_month=D(pays), starts_on=starts_on, ends_on=ends_on, active=rng.random() > 0.03,
        ))
    Activity.objects.bulk_create(activities, batch_size=500)

    # -- provision types ----------------------------------------------------------------------------------------------
    types = [ProvisionType(municipality=municipality, name=name, kind=kind, default_cost=D(cost),
                           provider=providers.get(provider_key) if provider_key else None,
                           description=REASONS[kind])
             for name, kind, provider_key, cost in PROVISION_TYPES]
    ProvisionType.objects.bulk_create(types)

    # -- staff of providers -------------------------------------------------------------------------------------------
    partner_users = list(User.objects.filter(municipality=municipality, role=Role.PROVIDER_STAFF))
    if partner_users:
        User.objects.filter(pk__in=[u.pk for u in partner_users]).update(provider=providers["vrijwilligerswinkel"])
        password = partner_users[0].password
        extra_staff = [
            User(username=f"{municipality.policy_key}.partner-{key}", first_name=first, last_name=last,
                 role=Role.PROVIDER_STAFF, municipality=municipality, provider=providers[key], password=password,
                 job_title=title, email=f"{key}.{municipality.code}@example.nl")
            for key, first, last, title in (("welzijn_a", "Samira", "el Idrissi", "opbouwwerker"),
                                            ("schuldhulp", "Peter", "de Wit", "schuldhulpverlener"),
                                            ("ips", "Anouk", "Verbeek", "IPS-coach"))
        ]
        taken = set(User.objects.filter(username__in=[u.username for u in extra_staff]).values_list("username",
                                                                                                   flat=True))
        User.objects.bulk_create([u for u in extra_staff if u.username not in taken])

    grants = _grants(municipality, profile, types, rng, today)
    return {
        "partners": len(providers),
        "contracten": len(contracts),
        "activiteiten": len(activities),
        "soorten voorzieningen": len(types),
        "aangevraagde voorzieningen": len(grants),
        "  waarvan wacht op tweede akkoord": sum(1 for g in grants if g.status == ProvisionGrant.Status.REQUESTED),
    }


def _grants(municipality, profile, types, rng, today):
    """Grants for a few percent of residents, within the profile's rules; per activation team one request above the
    threshold awaits a second approval (the first team's one is made by the demo login 'klantmanager')."""
    if profile is None:
        return []
    rules = budget_rules.rules_from_profile_extra(profile.extra)
    tz = timezone.get_default_timezone()
    residents = list(Resident.objects.filter(municipality=municipality, guidance_status="active",
                                             current_caseworker__isnull=False)
                     .values_list("pk", "current_caseworker_id", "current_caseworker__team_id").order_by("pk"))
    if not residents:
        return []
    leads = dict(User.objects.filter(municipality=municipality, role=Role.TEAM_LEAD, is_active=True,
                                     team__kind=Team.Kind.ACTIVATION).values_list("team_id", "pk"))
    year_start = dt.date(today.year, 1, 1)
    grants, events = [], []

    now = timezone.now()

    def at(day):
        moment = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=tz)
        return min(moment, now)

    def amount_for(kind, cost):
        cap = rules.cap_for(kind)
        value = (cost * D(str(rng.choice((0.6, 0.8, 1, 1, 1.2))))).quantize(D("0.01"))
        if cap is not None:
            value = min(value, cap)
        return min(value, rules.budget_per_year)

    chosen = [r for r in residents if rng.random() < 0.04]
    for pk, caseworker_id, team_id in chosen:
        used = D(0)
        for _ in range(rng.choice((1, 1, 1, 2))):
            ptype = rng.choice(types)
            amount = amount_for(ptype.kind, ptype.default_cost)
            if used + amount > rules.budget_per_year:
                break
            requested_on = year_start + dt.timedelta(days=rng.randint(0, max(0, (today - year_start).days)))
            requested_at = at(requested_on)
            second = budget_rules.needs_second_approval(rules, amount)
            approver = leads.get(team_id) if second else caseworker_id
            draw = rng.random()
            status = ProvisionGrant.Status.APPROVED
            if second and (approver is None or (draw < 0.25 and (today - requested_on).days < 30)):
                status = ProvisionGrant.Status.REQUESTED  # recent requests above the threshold still wait
            elif second and draw < 0.15:  # only a second person rejects; within the mandate it is granted at once
                status = ProvisionGrant.Status.REJECTED
            elif draw < 0.04:
                status = ProvisionGrant.Status.CANCELLED
            decided = status != ProvisionGrant.Status.REQUESTED
            decided_at = min(now, requested_at + dt.timedelta(days=rng.randint(0, 10))) if decided else None
            spent = None
            if status == ProvisionGrant.Status.APPROVED and rng.random() < 0.55:
                spent = (amount * D(str(rng.choice((0.7, 0.9, 1, 1, 1))))).quantize(D("0.01"))
            grants.append(ProvisionGrant(
                resident_id=pk, provision_type=ptype, amount=amount, budget_year=today.year,
                reason=REASONS[ptype.kind], status=status, requested_by_id=caseworker_id, requested_at=requested_at,
                needs_second_approval=second,
                approved_by_id=approver if status in (ProvisionGrant.Status.APPROVED,
                                                      ProvisionGrant.Status.REJECTED) else None,
                decided_at=decided_at, spent_amount=spent, policy_profile=profile,
                decision_note="Past niet binnen de afspraken in het plan." if status == "rejected" else "",
                rule=f"provisions.second_approval_above={rules.second_approval_above}",
            ))
            if status in (ProvisionGrant.Status.APPROVED, ProvisionGrant.Status.REQUESTED):
                used += spent if spent is not None else amount
            label = {"approved": "toegekend", "requested": "aangevraagd, wacht op tweede akkoord",
                     "rejected": "afgewezen", "cancelled": "ingetrokken"}[status]
            events.append(DossierEvent(resident_id=pk, occurred_at=decided_at or requested_at,
                                       kind=DossierEvent.Kind.NOTE, actor_id=caseworker_id, policy_profile=profile,
                                       summary=f"Voorziening {label}: {ptype.name} ({_eur(amount)})"))

    # One request above the threshold awaiting a second approval per activation team, so the team lead has one to
    # decide; in the first team it is made by the demo login 'klantmanager'.
    expensive = max(types, key=lambda t: t.default_cost)
    if expensive.default_cost > rules.second_approval_above:
        login = User.objects.filter(municipality=municipality, role=Role.CASEWORKER,
                                    username__in=["klantmanager", f"klantmanager-{municipality.policy_key}"]).first()
        by_team = {}
        for pk, caseworker_id, team_id in residents:
            if login is not None and caseworker_id == login.pk:
                by_team[team_id] = (pk, caseworker_id)  # the login's own resident wins for its team
            else:
                by_team.setdefault(team_id, (pk, caseworker_id))
        already = {g.resident_id for g in grants}
        for team_id, (pk, caseworker_id) in sorted(by_team.items(), key=lambda item: item[0] or 0):
            if pk in already:
                continue
            amount = min(expensive.default_cost, rules.budget_per_year)
            requested_at = at(today - dt.timedelta(days=rng.randint(0, 6)))
            grants.append(ProvisionGrant(
                resident_id=pk, provision_type=expensive, amount=amount, budget_year=today.year,
                reason=REASONS[expensive.kind], status=ProvisionGrant.Status.REQUESTED, requested_by_id=caseworker_id,
                requested_at=requested_at, needs_second_approval=True, policy_profile=profile,
                rule=f"provisions.second_approval_above={rules.second_approval_above}: boven de grens, "
                     f"tweede akkoord nodig",
            ))
            events.append(DossierEvent(resident_id=pk, occurred_at=requested_at, kind=DossierEvent.Kind.NOTE,
                                       actor_id=caseworker_id, policy_profile=profile,
                                       summary=f"Voorziening aangevraagd: {expensive.name} ({_eur(amount)}). Wacht op "
                                               f"akkoord van een tweede persoon."))
    ProvisionGrant.objects.bulk_create(grants, batch_size=1000)
    DossierEvent.objects.bulk_create(events, batch_size=1000)
    return grants
