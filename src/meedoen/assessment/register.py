"""The algorithm-register description of the assessment (purpose, inputs, weights, human oversight, review).

Built from the weights actually configured in the profile, so the published text never drifts from the rule.
"""
from . import rules

PURPOSE = (
    "De inschatting ('de knip') helpt de klantmanager in te schatten hoe lang het waarschijnlijk duurt voordat "
    "iemand betaald werk heeft, en in welke groep (segment) de begeleiding het best past. Het is een hulpmiddel: "
    "de klantmanager beslist, en mag afwijken met een geschreven reden."
)
OVERSIGHT = [
    "Elke inschatting toont per factor hoeveel maanden die bijdraagt.",
    "De klantmanager kan het segment aanpassen; dat kan alleen met een geschreven reden en blijft in de geschiedenis.",
    "Jongeren onder de ingestelde leeftijdsgrens (standaard 27) komen nooit in de verste groep.",
    "Elke inschatting bewaart de versie van het beleidsprofiel en de regel die is gebruikt.",
    "Geslacht, nationaliteit, etniciteit en geboorteland zijn nooit invoer.",
]
REVIEW = (
    "De gewichten zijn voorbeelden. De gemeente stelt eigen gewichten vast op basis van eigen gegevens, laat ze "
    "toetsen op ongelijke uitkomsten tussen groepen, en herziet ze minstens eens per jaar."
)


def describe(profile=None):
    weights = (profile.assessment_weights if profile and profile.assessment_weights else None) or rules.DEFAULT_WEIGHTS
    factors = []
    for code, label in rules.FACTORS:
        table = weights[code]
        if code in rules.BANDED_FACTORS:
            lower = 0
            values = []
            for band in table:
                values.append((f"{lower} tot {band['below']}", band["months"]))
                lower = band["below"]
        else:
            values = list(table.items())
        factors.append({"code": code, "label": label, "values": values})
    segmentation = profile.segmentation if profile else None
    return {
        "name": "Inschatting afstand tot werk (de knip)",
        "purpose": PURPOSE,
        "rule_version": weights.get("rule_version", "custom"),
        "base_months": weights["base_months"],
        "max_months": weights.get("max_months", 120),
        "factors": factors,
        "forbidden_inputs": sorted(rules.FORBIDDEN_INPUTS),
        "segmentation": segmentation,
        "oversight": OVERSIGHT,
        "review": REVIEW,
        "profile": str(profile) if profile else "",
    }


def as_text(profile=None):
    d = describe(profile)
    lines = [f"# Algoritmeregister: {d['name']}", "", f"Beleidsprofiel: {d['profile']}", f"Regelversie: {d['rule_version']}",
             "", "## Doel", d["purpose"], "", "## Invoer en gewichten (maanden)",
             f"Basis: {d['base_months']} maanden; maximum {d['max_months']} maanden."]
    for factor in d["factors"]:
        values = "; ".join(f"{v}: +{m}" for v, m in factor["values"])
        lines.append(f"- {factor['label']}: {values}")
    lines += ["", "Nooit invoer: " + ", ".join(d["forbidden_inputs"]), ""]
    if d["segmentation"]:
        lines.append("## Segmenten")
        for g in d["segmentation"]["groups"]:
            bound = f"minder dan {g['max_months']} maanden" if g.get("max_months") else "de rest"
            lines.append(f"- {g['label']}: {bound}")
        lines.append(f"- Jonger dan {d['segmentation'].get('young_age_limit', 27)}: nooit in de verste groep")
        lines.append("")
    lines += ["## Menselijk toezicht"] + [f"- {o}" for o in d["oversight"]] + ["", "## Herziening", d["review"]]
    return "\n".join(lines) + "\n"
