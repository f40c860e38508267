"""Form helpers shared by the apps' views."""
from django.core.exceptions import ValidationError


def add_validation_error(form, exc: ValidationError, *, to_top=()):
    """Put a service's ValidationError next to the right field of `form`, or on top of the form when it belongs to
    no field of the form (or to a field named in `to_top`, e.g. a hidden lock version)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields and field not in to_top else None, errors)
