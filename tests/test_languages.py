"""Languages as CMS judges them: C with gcc, a choice of C++ standard (and its own
precompiled header), Python with a grader or stub, and Python checkers and managers.

Every package here is written in the CMS export layout (problem.json, subtasks/,
tests/, graders/, checker/, solutions/<verdict>/) in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from judge.checkers import load_checker
from judge.codeforces import judge_on_pairs
from judge.compile import SourceFile, cxx_standard, parse_language
from judge.compile import compiler as compiler_module
from judge.compile.languages import DEFAULT_CXX_FLAGS, Language, standard_flag, with_standard
from judge.jobs import BadJob, run_job
from judge.loaders import load_task
from judge.task import PackageError
from judge.taskrun import Submission, TaskJudge
from judge.verify import verify_task
from olympicforge.cli import main

from ioi_helpers import GUESS, make_cms_package

# -- a Batch task with a grader in three languages --------------------------------

PAIRSUM_H = "long long add(int a, int b);\n"
GRADER_CPP = """#include <cstdio>
#include "pairsum.h"
int main() {
    int t, a, b;
    if (std::scanf("%d", &t) != 1) return 0;
    while (t-- > 0 && std::scanf("%d %d", &a, &b) == 2) std::printf("%lld\\n", add(a, b));
}
"""
GRADER_C = """#include <stdio.h>
#include "pairsum.h"
int main(void) {
    int t, a, b;
    if (scanf("%d", &t) != 1) return 0;
    while (t-- > 0 && scanf("%d %d", &a, &b) == 2) printf("%lld\\n", add(a, b));
    return 0;
}
"""
GRADER_PY = """import sys

from pairsum import add


def main():
    data = sys.stdin.read().split()
    count = int(data[0])
    print("\\n".join(str(add(int(data[1 + 2 * i]), int(data[2 + 2 * i]))) for i in range(count)))


if __name__ == "__main__":
    main()
"""
# `new` is a C++ keyword: this compiles as C only, so it proves gcc compiled it as C
SOLUTION_C = '#include "pairsum.h"\nlong long add(int a, int b) { long long new = a; return new + b; }\n'
OVERFLOW_C = '#include "pairsum.h"\nlong long add(int a, int b) { return a < 100000000 ? a + b : -1; }\n'
SOLUTION_CPP = '#include "pairsum.h"\nlong long add(int a, int b) { return 1LL * a + b; }\n'
SOLUTION_PY = "def add(a, b):\n    return a + b\n"
WRONG_PY = "def add(a, b):\n    return a - b if a > 10**8 else a + b\n"
PAIRSUM_TESTS = {"1": ("2\n1 2\n3 4\n", "3\n7\n"), "2": ("1\n1000000000 1000000000\n", "2000000000\n")}
PAIRSUM_SUBTASKS = {"01-small": (40, ["1"]), "02-big": (60, ["1", "2"])}


def pairsum(root: Path, graders: tuple[str, ...] = ("grader.cpp", "grader.c", "grader.py")) -> Path:
    every = {"pairsum.h": PAIRSUM_H, "grader.cpp": GRADER_CPP, "grader.c": GRADER_C, "grader.py": GRADER_PY}
    return make_cms_package(
        root, code="pairsum", params={"task_type_parameters_Batch_compilation": "grader"},
        graders={name: every[name] for name in ("pairsum.h", *graders)}, tests=PAIRSUM_TESTS,
        subtasks=PAIRSUM_SUBTASKS,
        solutions={"model_solution/add.cpp": SOLUTION_CPP, "correct/add.c": SOLUTION_C,
                   "correct/add.py": SOLUTION_PY, "incorrect/overflow.c": OVERFLOW_C,
                   "partially_correct/wrong.py": WRONG_PY},
    )  # fmt: skip


def judged(judge: TaskJudge, name: str, code: str, std: str | None = None):
    return judge.judge(Submission(source=SourceFile(name, code.encode()), std=std), full=True)


def test_language_names_suffixes_and_standards():
    assert [Language.of(n) for n in ("a.c", "a.cpp", "a.cc", "a.C", "a.py")] == ["c", "cpp", "cpp", "cpp", "python"]
    assert parse_language("c") == (Language.C, None) and parse_language("GNU C11") == (Language.C, None)
    assert parse_language("cpp") == (Language.CPP, None) and parse_language("C++20 / g++") == (Language.CPP, "c++20")
    assert parse_language("python3") == (Language.PYTHON, None)
    assert [cxx_standard(s) for s in ("c++11", "gnu++14", "cpp17", "20")] == ["c++11", "c++14", "c++17", "c++20"]
    assert standard_flag("c++20") == "-std=gnu++20"  # GNU extensions, as CMS compiles every C++ standard
    with pytest.raises(ValueError, match="c\\+\\+11, c\\+\\+14, c\\+\\+17, c\\+\\+20"):
        cxx_standard("c++98")
    with pytest.raises(ValueError, match="unknown C\\+\\+ standard"):
        Submission(source=SourceFile("a.cpp", b""), std="c++2a")
    # one -std= replaces every other, where the first stood: never a second, conflicting one
    assert with_standard(DEFAULT_CXX_FLAGS, "c++20") == ("-DEVAL", "-std=gnu++20", "-O2", "-pipe", "-static", "-s")
    assert with_standard(("-O2", "-std=c++17", "-std=gnu++14", "-s"), "c++11") == ("-O2", "-std=gnu++11", "-s")
    assert with_standard(("-O2",), "c++14") == ("-O2", "-std=gnu++14")


def test_c_is_compiled_by_gcc_as_c_and_linked_with_libm(judge_code):
    code = '#include <math.h>\n#include <stdio.h>\nint main(void){ double new; scanf("%lf", &new); ' \
           'printf("%.3f\\n", sqrt(new) + pow(new, 0.5)); return 0; }\n'  # fmt: skip
    result = judge_code(code, [("2\n", "2.828\n"), ("9\n", "6.000\n")], suffix=".c")
    assert result.compile.ok and result.verdict == "AC", result.compile.message
    assert result.compile.language == Language.C
    assert result.compile.flags == ("-DEVAL", "-std=gnu11", "-O2", "-pipe", "-static", "-s", "-lm")
    assert judge_code(code, [("2\n", "2.828\n")], suffix=".cpp").verdict == "CE"  # `new`: not C++


def test_shipped_c_cpp_and_python_solutions_meet_their_folders(tmp_path, compiler):
    task = load_task(pairsum(tmp_path / "pairsum"))
    assert sorted(s.label for s in task.solutions) == [
        "correct/add.c", "correct/add.py", "incorrect/overflow.c", "model_solution/add.cpp",
        "partially_correct/wrong.py"]  # fmt: skip
    checks = {c.label: c for c in verify_task(task, TaskJudge(task, compiler, workers=2))}
    assert {label: c.score for label, c in checks.items()} == {
        "model_solution/add.cpp": 100, "correct/add.c": 100, "correct/add.py": 100, "incorrect/overflow.c": 40,
        "partially_correct/wrong.py": 40}  # fmt: skip
    assert all(c.ok for c in checks.values()), [c.note for c in checks.values()]


def test_the_grader_of_the_submissions_language_is_compiled_with_it(tmp_path, compiler):
    judge = TaskJudge(load_task(pairsum(tmp_path / "pairsum")), compiler, workers=2)
    c = judged(judge, "mine.c", SOLUTION_C)
    assert c.score == 100 and c.compile.language == Language.C and "-lm" in c.compile.flags
    python = judged(judge, "mine.py", SOLUTION_PY)
    assert python.score == 100 and python.compile.executable.path.suffix == ".pyz"
    # the grader is the program and the submission runs inside it: what the module prints is in the output
    assert judged(judge, "mine.py", 'print("hello")\n' + SOLUTION_PY).score == 0
    broken = judged(judge, "mine.py", "def add(a, b):\n    return a +\n")
    assert broken.compile.status == "CE" and "SyntaxError" in broken.compile.message and broken.score == 0


def test_a_language_the_package_has_no_grader_for_is_a_ce_naming_it(tmp_path, compiler):
    judge = TaskJudge(load_task(pairsum(tmp_path / "pairsum", graders=("grader.cpp",))), compiler)
    for name, code, title in (("add.c", SOLUTION_C, "C"), ("add.py", SOLUTION_PY, "Python")):
        result = judged(judge, name, code)
        assert result.compile.status == "CE" and not result.judge_error and result.score == 0
        assert f"task pairsum has no {title} grader" in result.compile.message
        assert "grader.cpp" in result.compile.message
        assert [s.status for s in result.subtasks] == ["CE", "CE"]
    assert judged(judge, "add.cpp", SOLUTION_CPP).score == 100


# -- C++ standards -------------------------------------------------------------------

CPP20 = """#include <bits/stdc++.h>
int main() {
    int n;
    std::cin >> n;
    std::map<int, int> seen;
    for (int i : std::views::iota(1, n + 1)) seen[i * i] = i;
    std::cout << (seen.contains(n) ? "square" : "not square") << "\\n";
}
"""
SQUARE_TESTS = {"1": ("4\n", "square\n"), "2": ("5\n", "not square\n")}


def test_a_cpp20_solution_is_ce_by_default_and_ac_as_cpp20(tmp_path, compiler):
    root = make_cms_package(tmp_path / "square", code="square", tests=SQUARE_TESTS,
                            solutions={"correct/views.cpp": CPP20})  # fmt: skip
    judge = TaskJudge(load_task(root), compiler)
    default = judged(judge, "views.cpp", CPP20)
    assert default.compile.status == "CE" and "views" in default.compile.message
    assert "-std=gnu++17" in default.compile.flags
    chosen = judged(judge, "views.cpp", CPP20, std="c++20")
    assert chosen.score == 100
    assert [f for f in chosen.compile.flags if f.startswith("-std")] == ["-std=gnu++20"]
    # the precompiled header of gnu++20 was built for it, and GCC used it
    assert chosen.compile.used_pch


def test_the_cli_chooses_the_standard(tmp_path, capsys):
    root = make_cms_package(tmp_path / "square", code="square", tests=SQUARE_TESTS)
    (tmp_path / "views.cpp").write_text(CPP20)
    assert main(["judge", "task", str(root), str(tmp_path / "views.cpp"), "--std", "c++20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 100
    assert main(["judge", "task", str(root), str(tmp_path / "views.cpp"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["compile"]["status"] == "CE"
    with pytest.raises(SystemExit):
        main(["judge", "task", str(root), str(tmp_path / "views.cpp"), "--std", "c++98"])
    assert "unknown C++ standard" in capsys.readouterr().err


def square_yaml(root: Path, gcc_args: str) -> Path:
    """The task.yaml layout, whose `cpp_config.gcc_args` replace the contest flags."""
    (root / "tc").mkdir(parents=True)
    for name, (given, answer) in SQUARE_TESTS.items():
        (root / "tc" / f"{name}.in").write_text(given)
        (root / "tc" / f"{name}.out").write_text(answer)
    (root / "task.yaml").write_text(
        f"name: square\ntime_limit: 1.0s\nmemory_limit: 256MiB\ncpp_config:\n  gcc_args: {gcc_args}\n"
        "subtasks:\n  - points: 100\n    testcases:\n    - input: tc/*.in\n      output: tc/*.out\n"
    )
    return root


def test_a_package_standard_replaces_the_default_and_a_submission_choice_replaces_it(tmp_path, compiler):
    # the contest flags but for the standard: the precompiled headers of the other tests serve
    task = load_task(square_yaml(tmp_path / "square", "-DEVAL -std=gnu++20 -O2 -pipe -static -s"))
    judge = TaskJudge(task, compiler)
    result = judged(judge, "square.cpp", CPP20)
    assert result.score == 100 and result.compile.flags == with_standard(DEFAULT_CXX_FLAGS, "c++20")
    older = judged(judge, "square.cpp", CPP20, std="c++17")
    assert older.compile.status == "CE" and older.compile.flags == DEFAULT_CXX_FLAGS
    strict = TaskJudge(load_task(square_yaml(tmp_path / "strict", "-DEVAL -std=c++17 -O2 -pipe -static -s")), compiler)
    chosen = judged(strict, "square.cpp", CPP20, std="c++20")
    assert chosen.score == 100 and chosen.compile.flags == with_standard(DEFAULT_CXX_FLAGS, "c++20")


def test_the_precompiled_header_is_keyed_by_the_standard(compiler, monkeypatch):
    cxx, sandbox = compiler.options.cxx, compiler.sandbox
    flags17, flags20 = DEFAULT_CXX_FLAGS, with_standard(DEFAULT_CXX_FLAGS, "c++20")
    pch17 = compiler_module.precompiled_header(cxx, flags17, sandbox)
    pch20 = compiler_module.precompiled_header(cxx, flags20, sandbox)
    assert pch17 != pch20
    assert "-std=gnu++20" in json.loads((pch20 / "result.json").read_text())["flags"]
    source = SourceFile("keyed.cpp", CPP20.encode())
    assert compiler.compile([source], std="c++20").used_pch
    # a PCH of the other standard is refused by GCC (it reads the real header): reported, not hidden
    monkeypatch.setattr(compiler_module, "precompiled_header", lambda *args: pch17)
    stale = compiler.compile([SourceFile("stale.cpp", CPP20.encode())], std="c++20")
    assert stale.ok and not stale.used_pch
    assert ".gch" not in stale.message  # GCC's warning about our PCH is not the contestant's message


# -- Communication with a Python stub, and a Python manager ----------------------------

STUB_PY = """import sys

import guess as solution

{open_channels}


def ask(x):
    print("?", x, file=to_manager, flush=True)
    line = from_manager.readline()
    if not line:
        sys.exit(0)
    return int(line)


solution.ask = ask  # the contestant's module calls ask(), as the C++ one calls the stub's
n = int(from_manager.readline())
print("!", solution.guess(n), file=to_manager, flush=True)
"""
STD_IO = "from_manager, to_manager = sys.stdin, sys.stdout"
FIFO_IO = 'from_manager, to_manager = open(sys.argv[1]), open(sys.argv[2], "w")'
GUESS_PY = """def guess(n):
    lo, hi = 1, n
    while lo < hi:
        mid = (lo + hi) // 2
        reply = ask(mid)  # noqa: F821 - given by the stub
        if reply == 0:
            return mid
        lo, hi = (lo, mid - 1) if reply < 0 else (mid + 1, hi)
    return lo
"""
MANAGER_PY = """import math
import sys


def finish(outcome, message):
    print(outcome)
    print(message, file=sys.stderr)
    sys.exit(0)


to_user = open(sys.argv[2], "w")
from_user = open(sys.argv[1])
n, secret = map(int, sys.stdin.read().split()[:2])
print(n, file=to_user, flush=True)
bound, asked = math.ceil(math.log2(n)) + 1, 0
while True:
    words = from_user.readline().split()
    if len(words) != 2 or words[0] not in "?!" or not words[1].lstrip("-").isdigit():
        finish(0, "Protocol Violation: " + (" ".join(words) or "the program stopped before answering"))
    x = int(words[1])
    if words[0] == "!":
        finish(1 if x == secret and asked <= bound else 0.5 if x == secret else 0, "translate:success")
    asked += 1
    if not 1 <= x <= n or asked > 100:
        finish(0, "Protocol Violation: question out of range")
    print(-1 if secret < x else 1 if secret > x else 0, file=to_user, flush=True)
"""


def guess_package(root: Path, user_io: str, graders: dict[str, str]) -> Path:
    """The bundled `guess` task (Communication, one process), with other graders."""
    tests = {p.stem: (p.read_text(), p.with_suffix(".out").read_text()) for p in sorted((GUESS / "tests").glob("*.in"))}
    subtasks = {p.stem: (json.loads(p.read_text())["score"], json.loads(p.read_text())["testcases"])
                for p in sorted((GUESS / "subtasks").glob("*.json"))}  # fmt: skip
    params = {"task_type_parameters_Communication_num_processes": 1,
              "task_type_parameters_Communication_user_io": user_io}  # fmt: skip
    return make_cms_package(root, code="guess", task_type="Communication", params=params, graders=graders,
                            tests=tests, subtasks=subtasks)  # fmt: skip


@pytest.mark.parametrize("user_io", ["std_io", "fifo_io"])
def test_a_python_submission_talks_through_the_python_stub(tmp_path, compiler, user_io):
    stub = STUB_PY.format(open_channels=STD_IO if user_io == "std_io" else FIFO_IO)
    graders = {"manager.cpp": (GUESS / "graders" / "manager.cpp").read_text(), "stub.py": stub}
    judge = TaskJudge(load_task(guess_package(tmp_path / "guess", user_io, graders)), compiler, workers=2)
    assert judged(judge, "mine.py", GUESS_PY).score == 100
    lazy = judged(judge, "mine.py", "def guess(n):\n    return 1\n")  # right only where n is 1
    assert lazy.score == 0 and not lazy.judge_error and {"AC", "WA"} <= lazy.verdicts_seen()
    cpp = judged(judge, "mine.cpp", (GUESS / "solutions" / "model_solution" / "binary.cpp").read_text())
    assert cpp.compile.status == "CE" and "no C++ grader" in cpp.compile.message


def test_a_python_manager(tmp_path, compiler):
    graders = {"manager.py": MANAGER_PY, "stub.py": STUB_PY.format(open_channels=STD_IO),
               "stub.cpp": (GUESS / "graders" / "stub.cpp").read_text(),
               "guess.h": (GUESS / "graders" / "guess.h").read_text()}  # fmt: skip
    task = load_task(guess_package(tmp_path / "guess", "std_io", graders))
    assert task.manager_name == "manager.py"
    judge = TaskJudge(task, compiler, workers=2)
    assert judge.manager.language == Language.PYTHON
    assert judged(judge, "mine.py", GUESS_PY).score == 100
    assert judged(judge, "mine.cpp", (GUESS / "solutions" / "model_solution" / "binary.cpp").read_text()).score == 100
    garbage = judged(judge, "mine.cpp", '#include <cstdio>\nint guess(int){ std::puts("hello"); return 1; }\n')
    assert {s.status for s in garbage.subtasks} == {"PV"} and not garbage.judge_error


# -- a Python checker ----------------------------------------------------------------

CHECKER_PY = """import sys


def verdict(outcome, message):
    print(outcome)
    print(message, file=sys.stderr)
    sys.exit(0)


total = int(open(sys.argv[1]).read())
words = open(sys.argv[3]).read().split()
if len(words) != 2 or not all(w.lstrip("-").isdigit() for w in words) or sum(map(int, words)) != total:
    verdict(0, "Output isn't correct")
if min(map(int, words)) < 0:
    verdict(0.5, "Output is partially correct")
verdict(1, "Output is correct")
"""
CHECKER_C = r"""#include <stdio.h>
static int verdict(const char *outcome, const char *message) {
    puts(outcome);
    fprintf(stderr, "%s\n", message);
    return 0;
}
int main(int argc, char **argv) {
    long long total, a, b;
    char extra[2];
    FILE *in = fopen(argv[1], "r"), *out = fopen(argv[3], "r");
    if (argc < 4 || !in || !out || fscanf(in, "%lld", &total) != 1) return 1;
    if (fscanf(out, "%lld %lld", &a, &b) != 2 || fscanf(out, "%1s", extra) == 1 || a + b != total)
        return verdict("0", "Output isn't correct");
    if (a < 0 || b < 0) return verdict("0.5", "Output is partially correct");
    return verdict("1", "Output is correct");
}
"""
SPLIT_TESTS = {"1": ("10\n", "0 10\n"), "2": ("7\n", "0 7\n")}
SPLITS = {"model_solution/half.py": "s = int(input())\nprint(s // 2, s - s // 2)\n",
          "partially_correct/negative.py": "s = int(input())\nprint(-1, s + 1)\n",
          "incorrect/one.cpp": "#include <cstdio>\nint main(){ int s; std::scanf(\"%d\", &s); std::printf(\"1 %d\\n\", s); }\n"}  # fmt: skip


@pytest.mark.parametrize("checker", [{"checker.py": CHECKER_PY}, {"checker.c": CHECKER_C}], ids=["python", "c"])
def test_a_python_or_c_checker_decides(tmp_path, compiler, checker):
    params = {"task_type_parameters_Batch_output_eval": "comparator"}
    root = make_cms_package(tmp_path / "split", code="split", params=params, checker=checker, tests=SPLIT_TESTS,
                            solutions=SPLITS)  # fmt: skip
    task = load_task(root)
    assert task.checker_name() == next(iter(checker))
    checks = {c.label: c for c in verify_task(task, TaskJudge(task, compiler, workers=2))}
    # the answer files hold `0 S`: white diff would fail the model solution, the checker does not
    scores = {label: c.score for label, c in checks.items()}
    assert scores == {"model_solution/half.py": 100, "partially_correct/negative.py": 50, "incorrect/one.cpp": 0}
    assert all(c.ok for c in checks.values())


@pytest.mark.parametrize("files", [{"checker": b"\x7fELF"}, {"checker.java": b"class Checker {}"}],
                         ids=["binary", "java"])  # fmt: skip
def test_a_checker_folder_without_a_source_is_a_package_error_naming_it(tmp_path, files):
    root = make_cms_package(tmp_path / "split", code="split", tests=SPLIT_TESTS)
    (root / "checker").mkdir()
    for name, data in files.items():
        (root / "checker" / name).write_bytes(data)
    with pytest.raises(PackageError, match="checker: no checker source \\(checker.cpp, checker.c or checker.py\\)"):
        load_task(root)


def test_a_checker_folder_with_only_a_header_is_a_package_error(tmp_path):
    root = make_cms_package(tmp_path / "split", code="split", tests=SPLIT_TESTS, checker={"testlib.h": "//\n"})
    with pytest.raises(PackageError, match="checker: no checker source"):
        load_task(root)
    diff = {"task_type_parameters_Batch_output_eval": "diff"}  # white diff: the checker folder is not used
    task = load_task(make_cms_package(tmp_path / "diff", code="split", tests=SPLIT_TESTS, params=diff,
                                      checker={"testlib.h": "//\n"}))  # fmt: skip
    task.output_eval = None  # a task from elsewhere (rows) is checked too
    with pytest.raises(PackageError, match="checker/ holds no checker source .*testlib.h"):
        task.check()


# -- Codeforces-style judging and jobs -------------------------------------------------

AB_C = '#include <stdio.h>\nint main(void){ long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\\n", a + b); }\n'
PAIRS = [{"input": "1 2\n", "output": "3\n"}, {"input": "5 -7\n", "output": "-2\n"}]


def test_codeforces_pairs_and_jobs_accept_c_and_a_standard(compiler):
    assert judge_on_pairs(AB_C, "c", PAIRS, 1.0, 256, compiler).verdict == "AC"
    answer = run_job({"kind": "cf", "code": AB_C, "language": "c", "tests": PAIRS})
    assert answer["status"] == "ok" and answer["verdict"] == "AC"
    views = CPP20.replace("std::cin >> n;", "std::cin >> n; n *= n;")  # every n is then a square
    cpp20 = {"kind": "cf", "code": views, "language": "cpp", "tests": [{"input": "3\n", "output": "square\n"}]}
    assert run_job(cpp20)["verdict"] == "CE"
    assert run_job({**cpp20, "std": "c++20"})["verdict"] == "AC"
    assert run_job({**cpp20, "language": "cpp20"})["verdict"] == "AC"
    with pytest.raises(BadJob, match="unknown C\\+\\+ standard"):
        run_job({**cpp20, "std": "c++98"})


def test_judge_run_takes_a_standard_and_a_python_grader(tmp_path, capsys):
    tests = tmp_path / "tests"
    tests.mkdir()
    for name, (given, answer) in SQUARE_TESTS.items():
        (tests / f"{name}.in").write_text(given)
        (tests / f"{name}.out").write_text(answer)
    (tmp_path / "views.cpp").write_text(CPP20)
    run = ["judge", "run", "--source", str(tmp_path / "views.cpp"), "--tests", str(tests), "--json"]
    assert main([*run, "--std", "c++20"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "AC"
    for name, (given, answer) in PAIRSUM_TESTS.items():
        (tests / f"{name}.in").write_text(given)
        (tests / f"{name}.out").write_text(answer)
    (tmp_path / "pairsum.py").write_text(SOLUTION_PY)
    (tmp_path / "grader.py").write_text(GRADER_PY)
    run = ["judge", "run", "--source", str(tmp_path / "pairsum.py"), "--grader", str(tmp_path / "grader.py")]
    assert main([*run, "--tests", str(tests), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "AC"


def test_task_yaml_names_python_and_c_programs_by_their_language(tmp_path):
    root = square_yaml(tmp_path / "square", "-O2")
    (root / "grader").mkdir()
    for name in ("manager.py", "stub.py", "stub.c", "stub.java", "square.h"):
        (root / "grader" / name).write_text("#\n")
    (root / "checker").mkdir()
    (root / "checker" / "check.py").write_text("#\n")
    yaml = (root / "task.yaml").read_text()
    (root / "task.yaml").write_text(yaml + "task_type:\n  type: COMMUNICATION\n  manager: grader/manager.py\n"
                                    "grader:\n  - grader/stub.py\n  - grader/stub.c\n  - grader/stub.java\n"
                                    "  - grader/square.h\nchecker: checker/check.py\n")  # fmt: skip
    task = load_task(root)
    assert task.manager_name == "manager.py" and task.checker_name() == "checker.py"
    assert set(task.graders) == {"manager.py", "stub.py", "stub.c", "square.h"}
    assert set(task.submission_companions(Language.C)) == {"stub.c", "square.h"}
    assert set(task.submission_companions(Language.PYTHON)) == {"stub.py"}


def test_a_c_checker_from_the_command_line(tmp_path, compiler):
    (tmp_path / "checker.c").write_text(CHECKER_C)
    checker = load_checker(tmp_path / "checker.c", "cms", compiler)
    assert checker.executable.language == Language.C
    for name, text in (("in", "10\n"), ("ans", "0 10\n"), ("good", "3 7\n"), ("bad", "3 8\n")):
        (tmp_path / name).write_text(text)
    assert checker.check(tmp_path / "in", tmp_path / "ans", tmp_path / "good").outcome == 1.0
    assert checker.check(tmp_path / "in", tmp_path / "ans", tmp_path / "bad").outcome == 0.0
