"""The schedule file: the shipped one is valid, and a broken one fails with a message that says where."""
import copy
import json

import pytest

from meedoen.retention import schedule as schedules


@pytest.fixture
def data():
    return json.loads(schedules.SCHEDULE_PATH.read_text(encoding="utf-8"))


def test_shipped_schedule_is_valid_versioned_and_cites_a_source_for_every_term():
    schedule = schedules.load()
    assert schedule.version and schedule.status in ("default", "confirmed")
    assert set(schedule.categories) == set(schedules.CATEGORY_EVENTS)
    for category in schedule.categories.values():
        assert category.basis and all(schedule.sources[b]["cite"] for b in category.basis)
        assert category.verified or category.to_confirm.strip()
    dossier = schedule.category("resident_dossier")
    assert set(dossier.counts_from) == {"guidance_ended", "last_benefit_month"}
    # Deletion records outlive the audit lines and the dossiers they account for.
    assert schedule.category("deletion_record").term_months > dossier.term_months


def test_unverified_terms_are_marked_as_defaults_to_be_confirmed(data):
    assert data["status"] == "default"
    assert "archivaris" in data["status_note"]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("version"), "version: missing"),
    (lambda d: d.update(adopted_on="gisteren"), "adopted_on: must be a date"),
    (lambda d: d.update(status="maybe"), "status: must be"),
    (lambda d: d["categories"].pop("audit_trail"), "categories: missing audit_trail"),
    (lambda d: d["categories"].update(cookies=d["categories"]["audit_trail"]), "categories: unknown cookies"),
    (lambda d: d["categories"]["resident_dossier"].update(term_months=0), "resident_dossier.term_months"),
    (lambda d: d["categories"]["resident_dossier"].update(term_months="5 jaar"), "whole number of months"),
    (lambda d: d["categories"]["resident_dossier"].update(term_months=True), "whole number of months"),
    (lambda d: d["categories"]["resident_dossier"].update(counts_from=["registered"]), "unknown event registered"),
    (lambda d: d["categories"]["resident_dossier"].update(counts_from=[]), "counts_from"),
    (lambda d: d["categories"]["audit_trail"].update(basis=["wikipedia"]), "wikipedia is not in sources"),
    (lambda d: d["categories"]["audit_trail"].update(basis=[]), "cite at least one source"),
    (lambda d: d["categories"]["audit_trail"].update(to_confirm=""), "to_confirm"),
    (lambda d: d.update(status="confirmed"), "a confirmed schedule cannot hold an unverified term"),
    (lambda d: d["sources"].update(avg_5_1_e={"cite": ""}), "sources.avg_5_1_e.cite"),
    (lambda d: d["holds"].update(recovery_months=-1), "holds.recovery_months"),
])
def test_invalid_schedule_is_refused_with_a_clear_message(data, change, message):
    broken = copy.deepcopy(data)
    change(broken)
    with pytest.raises(schedules.ScheduleError, match=message.replace("(", r"\(")):
        schedules.parse(broken)


def test_load_names_the_file_when_it_is_not_json(tmp_path):
    path = tmp_path / "schedule.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(schedules.ScheduleError, match="schedule.json: not valid JSON"):
        schedules.load(path)
    with pytest.raises(schedules.ScheduleError, match="does not exist"):
        schedules.load(tmp_path / "missing.json")
