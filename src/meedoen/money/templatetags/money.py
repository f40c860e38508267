from django import template

from meedoen.money import explain

register = template.Library()


@register.filter
def euro(amount):
    return explain.euro(amount)


@register.filter
def signed_euro(line):
    """'+ € 1.401,50', '− € 600,00' or '€ 801,50' for a described line."""
    amount = explain.euro(line["amount"])
    if line["sign"] > 0:
        return f"+\u00a0{amount}"
    if line["sign"] < 0:
        return f"−\u00a0{amount}"
    return amount


@register.filter
def month_label(value):
    return explain.month_name(value) if value else ""


@register.filter
def month_value(value):
    return value.strftime("%Y-%m") if value else ""
