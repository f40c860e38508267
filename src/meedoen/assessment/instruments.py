"""Definitions of the instruments used in the dossier (DESIGN §7): Participatieladder (VNG) and ZRM 2017."""

# Participatieladder, six steps (VNG). A municipality may refine the descriptions, not the steps.
LADDER_STEPS = {
    1: ("Geïsoleerd leven", "Weinig of geen contacten buiten het eigen huishouden."),
    2: ("Sociale contacten buitenshuis", "Heeft contacten buiten de deur, zoals familie, vrienden of buren."),
    3: ("Deelname aan georganiseerde activiteiten", "Doet mee aan activiteiten, zoals een cursus, sport of een club."),
    4: ("Onbetaald werk", "Doet onbetaald werk met verantwoordelijkheid voor anderen, minstens wekelijks."),
    5: ("Betaald werk met ondersteuning", "Heeft betaald werk met ondersteuning of een aangepaste werkplek."),
    6: ("Betaald werk zonder ondersteuning", "Heeft betaald werk zonder ondersteuning."),
}

# Zelfredzaamheid-Matrix 2017 (GGD Amsterdam), 13 domains; each scored over the last 30 days.
ZRM_DOMAINS = [
    ("finances", "Financiën"),
    ("work_education", "Werk & opleiding"),
    ("time_use", "Tijdsbesteding"),
    ("housing", "Huisvesting"),
    ("domestic_relations", "Huiselijke relaties"),
    ("mental_health", "Geestelijke gezondheid"),
    ("physical_health", "Lichamelijke gezondheid"),
    ("substance_use", "Middelengebruik"),
    ("basic_adl", "Basale ADL"),
    ("instrumental_adl", "Instrumentele ADL"),
    ("social_network", "Sociaal netwerk"),
    ("community_participation", "Maatschappelijke participatie"),
    ("justice", "Justitie"),
]
ZRM_SCALE = {
    1: "Acute problematiek",
    2: "Niet zelfredzaam",
    3: "Beperkt zelfredzaam",
    4: "Voldoende zelfredzaam",
    5: "Volledig zelfredzaam",
}
