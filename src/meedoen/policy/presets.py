"""Load the built-in policy profile presets (policy/presets/*.json) as approved version-1 profiles."""
import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from meedoen.assessment.rules import DEFAULT_WEIGHTS

from .models import PolicyProfile
from .schema import validate_settings

PRESET_DIR = Path(__file__).parent / "presets"
PRESET_APPROVER = "Meedoen standaardprofiel (voorbeeld, door de gemeente vast te stellen)"


def preset_files():
    return sorted(PRESET_DIR.glob("*.json"))


def read_preset(path):
    data = json.loads(Path(path).read_text())
    errors = validate_settings(data)
    if errors:
        raise ValueError(f"Preset {path.name} is invalid: {errors}")
    return data


@transaction.atomic
def load_presets():
    """Create every preset that does not exist yet. Idempotent; existing versions are never changed."""
    created = []
    for path in preset_files():
        data = read_preset(path)
        if PolicyProfile.objects.filter(key=data["key"], version=1).exists():
            continue
        fields = {k: v for k, v in data.items() if k not in {"key", "effective_from"}}
        fields.setdefault("assessment_weights", DEFAULT_WEIGHTS)
        profile = PolicyProfile.objects.create(
            key=data["key"],
            version=1,
            is_preset=True,
            status=PolicyProfile.Status.APPROVED,
            effective_from=dt.date.fromisoformat(data["effective_from"]),
            approved_by_name=PRESET_APPROVER,
            **fields,
        )
        created.append(profile)
    return created
