"""Two small Codeforces problems with recorded model answers (generators, validators,
checkers) and labelled submissions, for `build codeforces-tests` tests.

2000/A "Sum of Numbers": n <= 20000 numbers up to 1e9, print their sum (needs 64 bits).
2000/B "Pair With Sum": print any i < j with a_i + a_j = x, or -1 (several valid answers).
2000/C "Disputed Sum": 2000/A whose second reference overflows 32 bits (the references disagree).
"""

from __future__ import annotations

import json
from pathlib import Path

from builders.codeforces.synth.command import work_items
from olympicforge.cli import main

from cf_helpers import problem

SUM_ID, PAIR_ID, DISPUTED_ID = "2000/A", "2000/B", "2000/C"
SUM_EXAMPLE = ("3\n1 2 3\n", "6\n")
PAIR_EXAMPLE = ("4 5\n1 4 2 3\n", "1 2\n")

# --- reference solutions and labelled submissions -------------------------------------

SUM_CPP = ('#include <cstdio>\nint main(){int n;long long s=0,x;std::scanf("%d",&n);'
           'for(int i=0;i<n;i++){std::scanf("%lld",&x);s+=x;}std::printf("%lld\\n",s);}\n')  # fmt: skip
SUM_PY = "import sys\nd = sys.stdin.read().split()\nn = int(d[0])\nprint(sum(map(int, d[1:1 + n])))\n"
SUM_OVERFLOW = ('#include <cstdio>\nint main(){int n,s=0,x;std::scanf("%d",&n);'
                'for(int i=0;i<n;i++){std::scanf("%d",&x);s+=x;}std::printf("%d\\n",s);}\n')  # fmt: skip
# drops the last number once n > 3: the example (n = 3) does not show it
SUM_OFF_BY_ONE = ("import sys\nd = sys.stdin.read().split()\nn = int(d[0])\n"
                  "print(sum(map(int, d[1:n if n > 3 else n + 1])))\n")  # fmt: skip
SUM_EXAMPLE_ONLY = "print(6)\n"

PAIR_CPP = (
    "#include <cstdio>\n#include <unordered_map>\n"
    'int main(){int n;long long x;std::scanf("%d %lld",&n,&x);std::unordered_map<long long,int> seen;'
    'for(int j=1;j<=n;j++){long long a;std::scanf("%lld",&a);auto it=seen.find(x-a);'
    'if(it!=seen.end()){std::printf("%d %d\\n",it->second,j);return 0;}if(!seen.count(a))seen[a]=j;}'
    'std::printf("-1\\n");}\n'
)  # fmt: skip
PAIR_PY = (  # scans from the right: another pair than the C++ one where there are several
    "import sys\nd = sys.stdin.read().split()\nn, x = int(d[0]), int(d[1])\na = list(map(int, d[2:2 + n]))\n"
    "later = {}\nfor i in range(n - 1, -1, -1):\n    if x - a[i] in later:\n"
    "        print(i + 1, later[x - a[i]])\n        break\n    later.setdefault(a[i], i + 1)\nelse:\n    print(-1)\n"
)  # fmt: skip
PAIR_SAME_INDEX = (  # takes i == j when 2 a_i = x
    "import sys\nd = sys.stdin.read().split()\nn, x = int(d[0]), int(d[1])\na = list(map(int, d[2:2 + n]))\n"
    "pos = {}\nfor i, v in enumerate(a):\n    pos.setdefault(v, i + 1)\n"
    "for i, v in enumerate(a):\n    if x - v in pos:\n        j = pos[x - v]\n"
    "        print(min(i + 1, j), max(i + 1, j))\n        break\nelse:\n    print(-1)\n"
)  # fmt: skip
PAIR_EXAMPLE_ONLY = "print(1, 2)\n"

SUM_ROW = problem(
    2000, "A", "Sum of Numbers",
    "Given n integers a_1, ..., a_n (1 <= n <= 20000, 1 <= a_i <= 10^9), print their sum.",
    [SUM_EXAMPLE], input_format="The first line holds n, the second line n integers a_i.",
    output_format="Print the sum.",
    solutions=[{"language": "GNU C++17", "code": SUM_CPP}, {"language": "Python 3", "code": SUM_PY}],
)  # fmt: skip
PAIR_ROW = problem(
    2000, "B", "Pair With Sum",
    "Given n integers a_1, ..., a_n and x (2 <= n <= 20000, 1 <= a_i <= 10^9, 2 <= x <= 2*10^9), print two "
    "indices i < j with a_i + a_j = x (any such pair), or -1 if there is none.",
    [PAIR_EXAMPLE], input_format="The first line holds n and x, the second line n integers a_i.",
    output_format="Print i and j, or -1.",
    solutions=[{"language": "GNU C++17", "code": PAIR_CPP}, {"language": "Python 3", "code": PAIR_PY}],
)  # fmt: skip
DISPUTED_ROW = SUM_ROW | {
    "id": DISPUTED_ID, "index": "C", "title": "Disputed Sum",
    "solutions": [{"language": "Python 3", "code": SUM_PY}, {"language": "GNU C++17", "code": SUM_OVERFLOW}],
}  # fmt: skip
ROWS = {SUM_ID: SUM_ROW, PAIR_ID: PAIR_ROW, DISPUTED_ID: DISPUTED_ROW}

# --- model-written programs ---------------------------------------------------------

SUM_GENERATOR = """import sys, random
seed, size = int(sys.argv[1]), sys.argv[2]
rng = random.Random(f"{seed}-{size}")
cases = ["1\\n1000000000\\n", "3\\n1000000000 1000000000 1000000000\\n", "2\\n1 1\\n"]
if size == "edge":
    sys.stdout.write(cases[seed % len(cases)])
else:
    n = rng.randint(4, 10) if size == "small" else 20000
    high = 100 if size == "small" else 10**9
    print(n)
    print(*[rng.randint(1, high) for _ in range(n)])
"""
SUM_VALIDATOR = """import sys
d = sys.stdin.buffer.read().split()
try:
    n = int(d[0])
    assert 1 <= n <= 20000 and len(d) == n + 1, "token count"
    assert all(1 <= int(x) <= 10**9 for x in d[1:]), "a value out of range"
except Exception as e:
    print("invalid:", e, file=sys.stderr)
    sys.exit(1)
"""
PAIR_GENERATOR = """import sys, random
seed, size = int(sys.argv[1]), sys.argv[2]
rng = random.Random(f"{seed}-{size}")
cases = ["2 3\\n1 2\\n", "2 5\\n1 2\\n", "3 2\\n1 1 1\\n"]
if size == "edge":
    sys.stdout.write(cases[seed % len(cases)])
else:
    n = rng.randint(4, 10) if size == "small" else 20000
    high = 20 if size == "small" else 10**9
    a = [rng.randint(1, high) for _ in range(n)]
    x = rng.randint(2, 2 * high) if size == "small" else a[1] + a[-2]
    print(n, x)
    print(*a)
"""
PAIR_VALIDATOR = """import sys
d = sys.stdin.buffer.read().split()
try:
    n, x = int(d[0]), int(d[1])
    assert 2 <= n <= 20000 and 2 <= x <= 2 * 10**9 and len(d) == n + 2, "header"
    assert all(1 <= int(v) <= 10**9 for v in d[2:]), "a value out of range"
except Exception as e:
    print("invalid:", e, file=sys.stderr)
    sys.exit(1)
"""
PAIR_CHECKER = """import sys
def correct():
    d = open(sys.argv[1]).read().split()
    n, x = int(d[0]), int(d[1])
    a = [int(v) for v in d[2:2 + n]]
    exists = open(sys.argv[2]).read().split() != ["-1"]
    out = open(sys.argv[3]).read().split()
    if out == ["-1"]:
        return not exists
    if len(out) != 2 or not all(t.isdigit() for t in out):
        return False
    i, j = int(out[0]), int(out[1])
    return 1 <= i < j <= n and a[i - 1] + a[j - 1] == x
print("ok" if correct() else "wrong")
"""
CHECKER_ACCEPTS_ALL = 'print("ok")\n'
CHECKER_CRASHES_ON_GARBAGE = """import sys
d = open(sys.argv[1]).read().split()
n, x = int(d[0]), int(d[1])
a = [int(v) for v in d[2:2 + n]]
exists = open(sys.argv[2]).read().split() != ["-1"]
out = open(sys.argv[3]).read().split()
if out == ["-1"]:
    print("wrong" if exists else "ok")
else:
    i, j = map(int, out)  # a ValueError on anything but two numbers
    print("ok" if 1 <= i < j <= n and a[i - 1] + a[j - 1] == x else "wrong")
"""


def code_answer(code: str) -> str:
    """A model answer: reasoning, then the program in a python block."""
    return f"<think>\nLet me write it.\n</think>\nHere it is:\n```python\n{code}```\n"


def kind_answer(kind: str, checker: str | None = None) -> str:
    block = f"\n```python\n{checker}```\n" if checker else ""
    return f"<think>\nHow many answers are there?\n</think>\nkind: {kind}\n{block}"


def good_answers(problem_id: str) -> dict[str, list[str]]:
    """Answers per role (one per sample) that make a good suite."""
    if problem_id in (SUM_ID, DISPUTED_ID):
        return {"generator": [code_answer(SUM_GENERATOR)], "validator": [code_answer(SUM_VALIDATOR)],
                "checker": [kind_answer("single")]}  # fmt: skip
    return {"generator": [code_answer(PAIR_GENERATOR)], "validator": [code_answer(PAIR_VALIDATOR)],
            "checker": [kind_answer("multiple", PAIR_CHECKER)]}  # fmt: skip


ROLE_INSTRUCTIONS = {  # each role's prompt says this (builders/generation/templates/codeforces_*.md.j2)
    "generator": "Write test inputs for this problem",
    "validator": "Write an input validator for this problem",
    "checker": "Decide how an output of this problem must be checked",
}


def respond_with(answers: dict[str, dict[str, list[str]]]):
    """A FakeOpenAI `respond`: the recorded answer for the prompt's problem (by its title),
    role (by its instruction) and sample (the request's seed)."""

    def respond(body: dict) -> str:
        prompt = body["messages"][0]["content"]
        (problem_id,) = [p for p in answers if f"# {ROWS[p]['title']}\n" in prompt]
        (role,) = [r for r, said in ROLE_INSTRUCTIONS.items() if said in prompt]
        return answers[problem_id][role][body.get("seed") or 0]

    return respond


def answer_records(answers: dict[str, dict[str, list[str]]]) -> list[dict]:
    """Generation records, as step 1 writes them, holding `answers` (problem -> role -> one
    answer per sample)."""
    found = []
    for problem_id, roles in answers.items():
        samples = max(len(texts) for texts in roles.values())
        for item in work_items([ROWS[problem_id]], samples):
            texts = roles.get(item.variant, [])
            if item.sample < len(texts):
                found.append({"key": item.key, "problem": item.problem, "variant": item.variant,
                              "sample": item.sample, "messages": list(item.messages),
                              "generation": texts[item.sample], "finish_reason": "stop", "usage": {}})  # fmt: skip
    return found


def write_run(run: Path, dataset: Path, answers: dict[str, dict[str, list[str]]]) -> Path:
    """A finished generation run (run.json + generations.jsonl) holding `answers`."""
    run.mkdir(parents=True)
    manifest = {"kind": "codeforces-tests", "model": "fake/model", "dataset": str(dataset), "generations": 1,
                "prefill_think": False, "sampling": "defaults", "config": "default", "split": "train"}  # fmt: skip
    (run / "run.json").write_text(json.dumps(manifest))
    (run / "generations.jsonl").write_text("".join(json.dumps(r) + "\n" for r in answer_records(answers)))
    return run


def labelled_line(problem_id: str, language: str, code: str, verdict: str, source: str) -> str:
    return json.dumps({"problem_id": problem_id, "language": language, "code": code, "verdict": verdict,
                       "source": source})  # fmt: skip


LABELLED = [
    (SUM_ID, "GNU C++17", SUM_CPP, "OK", "sum-cpp"),
    (SUM_ID, "Python 3", SUM_PY, "OK", "sum-py"),
    (SUM_ID, "GNU C++17", SUM_OVERFLOW, "WRONG_ANSWER", "sum-overflow"),
    (SUM_ID, "Python 3", SUM_OFF_BY_ONE, "WRONG_ANSWER", "sum-off-by-one"),
    (SUM_ID, "Python 3", SUM_EXAMPLE_ONLY, "WRONG_ANSWER", "sum-example-only"),
    (PAIR_ID, "GNU C++17", PAIR_CPP, "OK", "pair-cpp"),
    (PAIR_ID, "Python 3", PAIR_PY, "OK", "pair-py"),
    (PAIR_ID, "Python 3", PAIR_SAME_INDEX, "WRONG_ANSWER", "pair-same-index"),
    (PAIR_ID, "Python 3", PAIR_EXAMPLE_ONLY, "WRONG_ANSWER", "pair-example-only"),
]


def write_labelled(path: Path, problems=(SUM_ID, PAIR_ID)) -> Path:
    path.write_text("".join(labelled_line(*entry) + "\n" for entry in LABELLED if entry[0] in problems))
    return path


PLAN = "small=4,edge=3,max=1"


def validate(run: Path, *extra: str, plan: str = PLAN) -> int:
    """`build codeforces-tests --validate` on `run` (two workers: this machine's cores)."""
    return main(["build", "codeforces-tests", "--validate", "--out", str(run), "--plan", plan, "--workers", "2",
                 *extra])  # fmt: skip


def records(run: Path) -> dict[str, dict]:
    """RUN/synth.jsonl per problem."""
    path = run / "synth.jsonl"
    return {r["problem"]: r for r in map(json.loads, path.read_text().splitlines())} if path.exists() else {}


def suite_files(run: Path, problem_id: str) -> list[str]:
    folder = run / "suites" / problem_id
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
