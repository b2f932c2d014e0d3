"""Contest selection under a submission cap, and resumable batch evaluation."""

from __future__ import annotations

import json

import pytest

from judge import medals
from judge.batcheval import SubmissionJob, done_ids, evaluate_many
from judge.loaders import load_task
from judge.selection import ScoredSubmission, medal, select_contest, select_submissions
from olympicforge.cli import main

from ioi_helpers import FINDPAIR

LAYOUT = [("00-samples", 0), ("01-a", 30), ("02-b", 70)]


def record(ident, target, scores, length=100, problem="2024/x", compiles=True) -> dict:
    subtasks = [{"name": n, "points": p, "score": s, "status": "AC" if s == 1 else "WA"}
                for (n, p), s in zip(LAYOUT, scores, strict=True)]  # fmt: skip
    return {"id": ident, "problem": problem, "target_subtask": target, "generation_length": length,
            "code_compiles": compiles, "subtasks": subtasks}  # fmt: skip


def subs(records):
    return [ScoredSubmission.from_record(r, "test") for r in records]


def test_round_robin_from_the_last_subtask_backwards():
    records = [
        record("a1", "01-a", [1, 1, 0]),
        record("b1", "02-b", [1, 0, 0.5]),
        record("s1", "00-samples", [1, 0, 0]),
    ]
    chosen = select_submissions(subs(records), limit=2)
    assert [s.id for s in chosen] == ["b1", "a1"]


def test_solved_subtasks_are_skipped_by_name():
    # b1 solves 01-a as a side effect: the remaining 01-a submissions must not be picked
    # while other subtasks still have candidates.
    records = [record("b1", "02-b", [1, 1, 0.2]), record("b2", "02-b", [1, 0, 0.4]),
               record("a1", "01-a", [1, 1, 0]), record("a2", "01-a", [1, 1, 0])]  # fmt: skip
    chosen = select_submissions(subs(records), limit=2)
    assert [s.id for s in chosen] == ["b1", "b2"]
    # once nothing else is left, the fill phase uses the rest in the same order
    assert [s.id for s in select_submissions(subs(records), limit=4)] == ["b1", "b2", "a1", "a2"]


def test_preference_samples_score_then_longer_generation():
    records = [record("short", "02-b", [1, 0, 0], length=10), record("long", "02-b", [1, 0, 0], length=500),
               record("failsamples", "02-b", [0, 0, 0], length=9999)]  # fmt: skip
    assert [s.id for s in select_submissions(subs(records), limit=3)] == ["long", "short", "failsamples"]


def test_submissions_that_did_not_compile_are_dropped():
    records = [record("ce", "02-b", [0, 0, 0], compiles=False), record("ok", "02-b", [1, 0, 0.1])]
    assert [s.id for s in select_submissions(subs(records), limit=5)] == ["ok"]


def test_problem_score_is_the_best_per_subtask_among_selected():
    records = [record("b1", "02-b", [1, 0, 0.5]), record("a1", "01-a", [1, 1, 0]), record("b2", "02-b", [1, 0, 1])]
    contest = select_contest(records, limit=2)
    problem = contest.problems[0]
    assert [s.id for s in problem.selected] == ["b1", "a1"]
    assert problem.score == pytest.approx(30 + 35)  # 01-a from a1, half of 02-b from b1
    assert problem.unlimited_score == pytest.approx(100)
    assert contest.to_dict()["medal"] is None  # not a full 600-point contest


def test_medals_for_a_full_contest():
    assert (medal(360), medal(300), medal(220), medal(100)) == ("gold", "silver", "bronze", "none")
    records = [record(f"p{i}", "02-b", [1, 1, 1], problem=f"2024/p{i}") for i in range(6)]
    data = select_contest(records, limit=50).to_dict()
    assert data["max_total"] == 600 and data["medal"] == "gold"


def test_medal_cut_offs_come_from_the_data_file_per_year(tmp_path):
    known = medals.known_cutoffs()
    assert known[2024].lines == [("gold", 359.71), ("silver", 289.31), ("bronze", 216.97)]
    assert known[2024].points == 600 and medals.cutoffs(2024) is known[2024]
    assert medals.cutoffs(2026) is None and medal(600, year=2026) is None  # not known: no medal at all
    records = [record(f"p{i}", "02-b", [1, 1, 1], problem=f"2026/p{i}") for i in range(6)]
    data = select_contest(records, limit=50, year=2026).to_dict()
    assert data["year"] == 2026 and data["max_total"] == 600 and data["medal"] is None
    assert data["medal_cutoffs"] is None
    assert select_contest(records, limit=50).to_dict()["medal_cutoffs"]["gold"] == 359.71
    bad = tmp_path / "medals.json"
    bad.write_text('{"years": {"2030": {"points": 600, "gold": "high"}}}')
    with pytest.raises(ValueError, match="year 2030"):
        medals.known_cutoffs(bad)


def test_select_cli_medal_per_year(tmp_path, capsys):
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(json.dumps(record(f"p{i}", "02-b", [1, 1, 1], problem=f"p{i}")) for i in range(6)))
    assert main(["judge", "select", str(results)]) == 0
    assert "medal with the 2024 cut-offs: gold" in capsys.readouterr().out
    assert main(["judge", "select", str(results), "--year", "2026"]) == 0
    assert "no medal: the 2026 cut-offs are not known" in capsys.readouterr().out


def test_select_cli(tmp_path, capsys):
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(json.dumps(r) for r in [record("b1", "02-b", [1, 0, 0.5])]) + "\n")
    assert main(["judge", "select", str(results), "--limit", "50", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 35 and data["problems"][0]["selected_ids"] == ["b1"]
    results.write_text('{"id": 1}\n')
    assert main(["judge", "select", str(results)]) == 2
    assert "record 1: missing 'problem'" in capsys.readouterr().err


def jobs(count: int, code: str) -> list[SubmissionJob]:
    return [SubmissionJob(f"s{i}", "findpair", code + f"\n// variant {i % 2}\n", target_subtask="02-full",
                          extra={"generation_length": 100 + i}) for i in range(count)]  # fmt: skip


def test_batch_evaluation_resumes_and_feeds_selection(compiler, tmp_path, monkeypatch):
    task = load_task(FINDPAIR)
    code = (FINDPAIR / "solutions" / "model_solution" / "hashing.cpp").read_text()
    results = tmp_path / "results.jsonl"
    first = evaluate_many([task], jobs(3, code), results, compiler=compiler, workers=2, show_progress=False)
    assert (first.judged, first.skipped, first.judge_errors) == (3, 0, 0)
    compiled = []
    original = compiler.compile
    monkeypatch.setattr(compiler, "compile", lambda *a, **k: compiled.append(original(*a, **k)) or compiled[-1])
    with results.open("a") as handle:
        handle.write('{"id": "torn", "prob')  # a crash mid-write
    second = evaluate_many([task], jobs(5, code), results, compiler=compiler, workers=2, show_progress=False)
    assert (second.judged, second.skipped) == (2, 3)
    assert all(c.cached for c in compiled)  # the same sources again: no compile at all
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    # records are written as they finish: the first run's three, then the second's two, each set in any order
    assert [sorted(r["id"] for r in part) for part in (lines[:3], lines[3:])] == [["s0", "s1", "s2"], ["s3", "s4"]]
    assert all(r["score"] == 100 and r["target_subtask_status"] == "AC" for r in lines)
    assert lines[0]["generation_length"] >= 100
    assert done_ids(results) == {"s0", "s1", "s2", "s3", "s4"}
    contest = select_contest(lines, limit=2)
    assert contest.problems[0].score == 100 and len(contest.problems[0].selected) == 2


def test_batch_cli_rejects_an_unknown_problem(tmp_path, capsys):
    submissions = tmp_path / "subs.jsonl"
    submissions.write_text(json.dumps({"id": "x", "problem": "nope", "code": "int main(){}"}) + "\n")
    code = main(["judge", "batch", "--packages", str(FINDPAIR), "--submissions",
                 str(submissions), "--out", str(tmp_path / "out.jsonl")])  # fmt: skip
    assert code == 2 and "unknown problems ['nope']" in capsys.readouterr().err
