"""The money bench section (bench/money.py) runs and reports against its baseline (tiny size here)."""
import importlib.util
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).resolve().parents[4] / "bench" / "money.py"


def load():
    spec = importlib.util.spec_from_file_location("bench_money", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_money_bench_section_reports_per_10000_against_a_baseline():
    bench = load()
    rows = bench.run(SimpleNamespace(args=SimpleNamespace(money_residents=300, money_seed=1), data={}))
    assert [row["name"] for row in rows] == ["money: monthly calculation", "money: calculation + JSON"]
    for row in rows:
        assert row["unit"] == "s/10k res." and row["value"] > 0 and row["baseline"] > 0
        assert abs(row["ratio"] - row["value"] / row["baseline"]) < 0.05 * row["ratio"]
    assert rows[0]["extra"]["refused_inputs"] == 0
