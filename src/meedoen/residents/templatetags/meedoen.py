from django import template

from meedoen.residents import choices

register = template.Library()

FACTOR_CHOICES = {
    "education": choices.EducationLevel,
    "language": choices.LanguageLevel,
    "physical_health": choices.HealthLimitation,
    "mental_health": choices.HealthLimitation,
    "debts": choices.Debts,
    "addiction": choices.Addiction,
    "isolation": choices.Isolation,
    "social_circumstances": choices.SocialCircumstances,
    "care_duties": choices.CareDuties,
}
YEAR_FACTORS = {"age": "jaar", "benefit_years": "jaar in de bijstand", "work_experience_years": "jaar"}


@register.filter
def segment_label(code, profile):
    return profile.segment_label(code) if profile and code else (code or "–")


@register.filter
def factor_value(value, factor):
    """Show a factor's value in Dutch: a choice label or a number of years."""
    if factor in FACTOR_CHOICES:
        try:
            return FACTOR_CHOICES[factor](value).label
        except ValueError:
            return value
    if factor in YEAR_FACTORS:
        return f"{value} {YEAR_FACTORS[factor]}"
    return value


@register.filter
def bar_width(months, maximum=20):
    """Width in percent for a contribution bar (capped)."""
    try:
        return min(100, round(int(months) * 100 / int(maximum)))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.simple_tag(takes_context=True)
def query_without(context, *names):
    """The current query string without the given keys, ending in '&' so a key can be appended."""
    params = context["request"].GET.copy()
    for name in names:
        params.pop(name, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
