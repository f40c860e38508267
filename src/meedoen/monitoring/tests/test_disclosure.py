"""monitoring.disclosure: one suppression pass over everything shown, consistent between places that show the same
count, and closed against "total minus the shown parts"."""
from dataclasses import replace

import pytest

from meedoen.monitoring import rules
from meedoen.monitoring.disclosure import disclose
from meedoen.monitoring.indicators import compute

pytestmark = pytest.mark.django_db

CATEGORY_COUNTS = {"volunteering": 30, "informal_care": 2, "language": 9, "movement": 0, "own_barriers": 6,
                   "other": 0}


def with_categories(result, counts):
    indicators = [replace(i, value=counts[i.key[len("active_"):]]) if i.key[len("active_"):] in counts
                  else replace(i, value=sum(counts.values())) if i.key == "active" else i
                  for i in result.indicators]
    return replace(result, active_by_category=counts, indicators=indicators)


def test_a_small_category_cannot_be_worked_out_from_the_active_total(world):
    shown = disclose(with_categories(compute(world.filters), CATEGORY_COUNTS))
    assert shown.get("active").display == "47"
    assert shown.categories == {"volunteering": 30, "informal_care": "<5", "language": 9, "movement": 0,
                                "own_barriers": rules.HIDDEN, "other": 0}
    remainder = 47 - sum(v for v in shown.categories.values() if rules.is_shown(v))
    assert remainder == 8  # informal care and own barriers together: neither can be told apart
    # The same counts in the indicator table are hidden the same way as in the chart.
    assert shown.get("active_informal_care").display == "<5" and shown.get("active_own_barriers").display == "x"
    assert shown.get("active_own_barriers").value is None


def test_a_share_or_average_of_few_people_is_hidden_but_the_exact_result_is_kept(world):
    result = compute(world.filters)
    shown = disclose(result)
    assert result.get("active_share").value == pytest.approx(0.6)  # compute() stays exact for the simulation
    assert shown.get("active_share").display == "–" and shown.get("active_share").value is None
    assert shown.get("residents").display == "5"
