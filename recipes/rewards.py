"""GRPO rewards for code, scored by our judge.

Every function has TRL's signature `f(completions, **kwargs) -> list[float | None]`;
dataset columns arrive as kwargs, one value per completion. A judge failure
(sandbox or compiler trouble, a crashed worker, no remote worker answering)
gives None, which TRL turns into NaN and leaves out of the sums and baselines:
an unknown score is never a 0 (`judge_error_reward` sets a number instead).

Rewards named as Open R1's (`ioi_code`, `cf_code`, `code_format`, `format`,
`tag_count`, `soft_overlong_punishment`) compute its value on the same input: its
code extraction, penalties, rounding and early stop. Where ours differ, they are
options with the anchor's behaviour as default (`code_extraction`, `ioi_add_includes`,
`max_completion_len: null`, `cf_scoring_mode: balanced`) or rewards of their own
(`code_block`, `think_format`); recipes/README.md lists them.

TRL adds the rewards it has for a completion (nansum), so `build_rewards` gates
the other rewards on the judge: where the judge failed they are None too, and the
completion is left out instead of scoring like a wrong answer with a format bonus.

Judging runs in a pool of worker processes (`judge.jobs.JobPool`), with
`judge_backend: ray` on the judge actors of a Ray cluster (`judge.executors.ray_cluster`),
or, with `judge_urls`, on remote `olympicforge judge serve` workers (`judge.remote`); their
token comes from the environment (OLYMPICFORGE_JUDGE_TOKEN), not from the YAML, so
that it is not committed or pushed with the config.
"""

from __future__ import annotations

import logging
import os
import re
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from builders.generation.extract import extract_code
from judge.cftests import problem_tests
from judge.evaluate import default_workers
from judge.executors import make_job_judge
from judge.jobs import JobJudge, is_judge_failure
from judge.remote import RemoteJudge
from recipes.training import with_org

log = logging.getLogger(__name__)
CF_SCORING_MODES = ("pass_fail", "partial", "weighted_sum", "balanced")
CODE_EXTRACTIONS = ("open_r1", "answer")
JUDGE_REWARDS = ("ioi_code", "cf_code")
JUDGE_BACKENDS = ("local", "ray", "serve")
REWARD_NAMES = ("ioi_code", "cf_code", "code_format", "format", "tag_count", "code_block", "think_format",
                "soft_overlong_punishment")  # fmt: skip
DEFAULT_TIME_LIMIT = 2.0  # seconds, when a row has none
DEFAULT_MEMORY_MB = 256.0


@dataclass
class RewardArguments:
    """The reward settings a GRPO YAML may carry (TrlParser rejects keys not declared here)."""

    reward_funcs: list[str] = field(
        default_factory=lambda: ["cf_code", "code_format"],
        metadata={"help": f"rewards, in the order of reward_weights: {', '.join(REWARD_NAMES)}"},
    )
    code_language: str = field(
        default="python",
        metadata={"help": "code_format's language (and cf_code's, code_block's) unless a `language` column says; "
                  "python by default, as Open R1's"},
    )  # fmt: skip
    code_extraction: str = field(
        default="open_r1",
        metadata={"help": "open_r1: the last ```<language> block of the last message, anywhere (Open R1's); "
                  "answer (ours): the last block after </think>, any tag of the language or none"},
    )  # fmt: skip
    cf_scoring_mode: str = field(
        default="weighted_sum",
        metadata={"help": "pass_fail | partial | weighted_sum (Open R1's: all passed + 0.1 x share passed) | "
                  "balanced (ours: 0.5 x share + 0.5 x all passed)"},
    )  # fmt: skip
    cf_no_submission_reward: float = field(default=-1.0, metadata={"help": "cf_code of an answer without code"})
    cf_no_compile_reward: float = field(default=-0.1, metadata={"help": "cf_code of code that does not compile"})
    ioi_tests: str = field(
        default="{org}/ioi-test-cases", metadata={"help": "ioi-test-cases dataset (Hub id or local folder)"}
    )
    judge_backend: str = field(
        default="local",
        metadata={"help": "where completions are judged: local (a process pool on this node), ray (the judge actors "
                  "of the Ray cluster at ray_address, shared by every rank), serve (the judge_urls workers)"},
    )  # fmt: skip
    judge_urls: list[str] | None = field(
        default=None,
        metadata={
            "help": "remote `olympicforge judge serve` workers (token: env OLYMPICFORGE_JUDGE_TOKEN); "
            "given, they are the backend"
        },
    )
    ray_address: str = field(
        default="auto", metadata={"help": "judge_backend ray: auto (the cluster this node is part of), HOST:PORT"}
    )
    ray_cores_per_actor: int | None = field(
        default=None, metadata={"help": "judge_backend ray: cores per judge actor (default: one actor per node)"}
    )
    cf_tests_folder: str | None = field(
        default=None,
        metadata={"help": "folder of the codeforces dataset's generated_tests (test_cases_NNNN.parquet); "
                  "default: env CF_TESTS_FOLDER, as Open R1 reads it"},
    )  # fmt: skip
    cf_examples_fallback: bool = field(
        default=False,
        metadata={"help": "judge a row without a full test suite on its examples (logged, counted as "
                  "cf_code/examples_only); off: such a row is an error"},
    )  # fmt: skip
    code_eval_test_batch_size: int = field(
        default=1,
        metadata={"help": "cf_code pass_fail: tests per batch, judging stops after the first failing batch "
                  "(below 1: one batch of every test), as Open R1's; ioi_code always stops at a test scoring 0"},
    )  # fmt: skip
    ioi_add_includes: bool = field(
        default=True,
        metadata={"help": "ioi_code: put <bits/stdc++.h>, the task's header and `using namespace std;` before "
                  "C++ code that lacks them (Open R1's add_includes); false: judge the code as written"},
    )  # fmt: skip
    judge_error_reward: float | None = field(
        default=None,
        metadata={"help": "the reward of a completion the judge failed on; null (ours): unknown, left out of "
                  "TRL's sums, and the other rewards gated on it (Open R1's ioi_code scores 0 there)"},
    )  # fmt: skip
    judge_workers: int | None = field(default=None, metadata={"help": "local judge processes (default: cores)"})
    judge_timeout: float = field(default=600.0, metadata={"help": "seconds a batch of judge jobs may take"})
    max_completion_len: int | None = field(
        default=16384,
        metadata={"help": "soft_overlong_punishment: L_max in tokens (Open R1's key and default); null (ours): "
                  "the GRPO max_completion_length"},
    )  # fmt: skip
    soft_punish_cache: int = field(
        default=4096, metadata={"help": "soft_overlong_punishment: L_cache, the tokens before L_max where it ramps"}
    )


def completion_text(completion) -> str:
    """A completion as text: conversational completions are lists of messages."""
    if isinstance(completion, str):
        return completion
    return "".join(m.get("content") or "" for m in completion if m.get("role", "assistant") == "assistant")


def message(completion, position: int) -> str:
    """One message's content, where Open R1 reads it: the first for format rewards, the last for code."""
    if isinstance(completion, str):
        return completion
    return (completion[position].get("content") or "") if completion else ""


def open_r1_code(text: str, language: str) -> str:
    """Open R1's extract_code: the body of the last block opened by ```<language> and a newline, "" when none."""
    blocks = re.findall(rf"```{re.escape(language)}\n(.*?)```", text, re.S)
    return blocks[-1] if blocks else ""


def code_of(completion, language: str, extraction: str) -> tuple[str, bool]:
    """(code, found) in the completion, extracted the `code_extraction` way."""
    if extraction == "open_r1":
        code = open_r1_code(message(completion, -1), language)
        return code, code != ""  # an empty block is no submission, as there
    return extract_code(completion_text(completion), extraction_language(language))


def check_extraction(extraction: str) -> str:
    if extraction not in CODE_EXTRACTIONS:
        raise ValueError(f"code_extraction {extraction!r}: use one of {', '.join(CODE_EXTRACTIONS)}")
    return extraction


def column(kwargs: dict, name: str, count: int, default=None) -> list:
    values = kwargs.get(name)
    if values is None:
        return [default] * count
    if len(values) != count:
        raise ValueError(f"reward column {name!r} has {len(values)} values for {count} completions")
    return list(values)


def languages(kwargs: dict, count: int, default: str) -> list[str]:
    return [(lang or default).lower() for lang in column(kwargs, "language", count, default)]


def require_columns(kwargs: dict, names: tuple[str, ...], reward: str) -> None:
    missing = [n for n in names if n not in kwargs]
    if missing:
        raise ValueError(f"reward {reward} needs the dataset columns {missing} (keep them in dataset_mixture columns)")


class JudgeReward(ABC):
    """Shared by the judge-backed rewards: extract code, build jobs, judge them in one batch."""

    __name__ = "judge_reward"
    no_code_reward = 0.0  # the reward of an answer without a code block

    def __init__(self, judge: JobJudge, language: str = "cpp", *, extraction: str = "open_r1",
                 judge_error_reward: float | None = None) -> None:  # fmt: skip
        self.judge = judge
        self.language = language
        self.extraction = check_extraction(extraction)
        self.judge_error_reward = judge_error_reward
        self._last: tuple | None = None

    @abstractmethod
    def job(self, code: str, language: str, index: int, kwargs: dict) -> dict:
        """The judge job for completion `index` (its row's columns are in kwargs)."""

    @abstractmethod
    def score(self, answer: dict, index: int, kwargs: dict) -> float:
        """The reward of a judged answer."""

    def __call__(self, completions: list, **kwargs) -> list[float | None]:
        """Judged once per batch: TRL hands every reward the same `completions` list, so gated
        rewards asking again for it get the cached answer (holding the list keeps its id unique)."""
        if self._last is None or self._last[0] is not completions:
            self._last = (completions, self.judge_batch(completions, kwargs))
        return list(self._last[1])

    def judge_batch(self, completions: list, kwargs: dict) -> list[float | None]:
        count = len(completions)
        langs = languages(kwargs, count, self.language)
        rewards: list[float | None] = [self.no_code_reward] * count  # no code block: nothing to judge
        jobs, where = [], []
        for index, (completion, language) in enumerate(zip(completions, langs, strict=True)):
            code, found = code_of(completion, language, self.extraction)
            if found:
                jobs.append(self.job(code, language, index, kwargs))
                where.append(index)
        failures = 0
        for index, answer in zip(where, self.judge.map(jobs) if jobs else [], strict=True):
            if answer is None or is_judge_failure(answer):
                if answer is not None:
                    log.warning("%s: judge error: %s", self.__name__, answer.get("message", "")[:300])
                rewards[index] = self.judge_error_reward
                failures += 1
            else:
                rewards[index] = self.score(answer, index, kwargs)
        if "log_metric" in kwargs:
            kwargs["log_metric"](f"{self.__name__}/judge_errors", float(failures))
        return rewards


class CFCode(JudgeReward):
    """Codeforces-style rows (`codeforces` config `verifiable-prompts`), judged as Open R1's
    `cf_code` does: on the official tests plus the generated ones (read from the
    `generated_tests` folder), with the row's checker (`generated_checker`), I/O mode and
    limits. A row with no tests at all is an error (Open R1 scores it None), unless
    `examples_fallback` (then its examples, logged and counted as `cf_code/examples_only`);
    official tests known to be incomplete, with no generated tests, are judged as they
    are, logged and counted as `cf_code/incomplete_suites`.

    The values are the anchor's: no code -1.0, a compile error -0.1; pass_fail 1 when
    every test passes (judging stops after the first failing batch of `batch_size` tests;
    below 1, one batch of all); partial the share passed; weighted_sum pass_fail + 0.1 x
    share, every test judged. `balanced` (ours, under a name of its own) is 0.5 x share +
    0.5 x pass_fail."""

    __name__ = "cf_code"
    CACHED_SUITES = 16  # problems whose generated tests are kept (a batch repeats a prompt G times)

    def __init__(self, judge: JobJudge, language: str = "cpp", scoring: str = "weighted_sum", *,
                 tests_folder: str | None = None, examples_fallback: bool = False, batch_size: int = 1,
                 no_submission_reward: float = -1.0, no_compile_reward: float = -0.1, extraction: str = "open_r1",
                 judge_error_reward: float | None = None) -> None:  # fmt: skip
        super().__init__(judge, language, extraction=extraction, judge_error_reward=judge_error_reward)
        if scoring not in CF_SCORING_MODES:
            raise ValueError(f"cf_scoring_mode {scoring!r}: use one of {', '.join(CF_SCORING_MODES)}")
        if type(batch_size) is not int:
            raise ValueError(f"code_eval_test_batch_size must be an integer, not {batch_size!r}")
        self.scoring = scoring
        self.tests_folder = tests_folder if tests_folder is not None else os.environ.get("CF_TESTS_FOLDER")
        self.examples_fallback = examples_fallback
        self.batch_size = batch_size if batch_size >= 1 else None  # Open R1: below 1, every test in one batch
        self.no_code_reward, self.no_compile_reward = no_submission_reward, no_compile_reward
        self._suites: OrderedDict[str, list[dict]] = OrderedDict()
        self._examples_only = self._incomplete = 0

    def generated_tests(self, problem_id: str) -> list[dict]:
        if not self.tests_folder or not problem_id:
            return []
        if problem_id not in self._suites:
            self._suites[problem_id] = list(problem_tests(self.tests_folder, problem_id))
            while len(self._suites) > self.CACHED_SUITES:
                self._suites.popitem(last=False)
        self._suites.move_to_end(problem_id)
        return self._suites[problem_id]

    def suite(self, index: int, kwargs: dict) -> list[dict]:
        count = len(kwargs["official_tests"])
        problem_id = column(kwargs, "id", count, "")[index] or ""
        official = list(kwargs["official_tests"][index] or [])
        generated = self.generated_tests(problem_id)
        if official or generated:
            # without an official_tests_complete column the official tests are taken as the suite
            if not generated and not column(kwargs, "official_tests_complete", count, True)[index]:
                log.warning("%s: row %s: its official tests are incomplete and it has no generated tests",
                            self.__name__, problem_id or index)  # fmt: skip
                self._incomplete += 1
            return official + generated
        if not self.examples_fallback:
            raise ValueError(
                f"{self.__name__}: row {problem_id or index} has no tests (no official tests, no generated tests "
                f"in {self.tests_folder or 'CF_TESTS_FOLDER (unset)'}); use the verifiable configs, point "
                f"cf_tests_folder at the generated tests, or set cf_examples_fallback: true"
            )
        require_columns(kwargs, ("examples",), self.__name__)
        log.warning("%s: row %s judged on its examples only (no test suite)", self.__name__, problem_id or index)
        self._examples_only += 1
        return list(kwargs["examples"][index] or [])

    def job(self, code: str, language: str, index: int, kwargs: dict) -> dict:
        require_columns(kwargs, ("official_tests",), self.__name__)
        count = len(kwargs["official_tests"])
        tests = self.suite(index, kwargs)
        if not tests:
            raise ValueError(f"{self.__name__}: row {index} has neither tests nor examples")
        job = {"kind": "cf", "code": code, "language": language,
               "tests": [{"input": t["input"], "output": t["output"]} for t in tests],
               "time_limit": float(column(kwargs, "time_limit", count)[index] or DEFAULT_TIME_LIMIT),
               "memory_limit": float(column(kwargs, "memory_limit", count)[index] or DEFAULT_MEMORY_MB),
               "input_mode": column(kwargs, "input_mode", count, "stdio")[index] or "stdio",
               "checker": column(kwargs, "generated_checker", count, None)[index] or None}  # fmt: skip
        if self.scoring == "pass_fail" and self.batch_size is not None:  # the other modes judge every test
            job["batch_size"] = self.batch_size
        return job

    def judge_batch(self, completions: list, kwargs: dict) -> list[float | None]:
        self._examples_only = self._incomplete = 0
        rewards = super().judge_batch(completions, kwargs)
        if "log_metric" in kwargs:
            kwargs["log_metric"](f"{self.__name__}/examples_only", float(self._examples_only))
            kwargs["log_metric"](f"{self.__name__}/incomplete_suites", float(self._incomplete))
        return rewards

    def score(self, answer: dict, index: int, kwargs: dict) -> float:
        if answer["compile"] != "OK":
            return self.no_compile_reward
        if not answer["total"]:
            return 0.0
        partial = answer["passed"] / answer["total"]
        full = float(answer["passed"] == answer["total"])
        return {
            "pass_fail": full,
            "partial": partial,
            "weighted_sum": full + 0.1 * partial,
            "balanced": 0.5 * partial + 0.5 * full,
        }[self.scoring]


IOI_COLUMNS = ("id", "name", "year", "subtask", "grader_files", "test_names", "score")
IOI_OPTIONAL = ("day", "time_limit", "memory_limit", "score_precision", "task_type")


def add_includes(code: str, problem_id: str) -> str:
    """Open R1's fix-ups of IOI C++ code: `<bits/stdc++.h>` first, then the task's header
    unless the code includes it, then `using namespace std;` unless the code has it."""
    task_header = f'#include "{problem_id}.h"'
    lines = ["#include <bits/stdc++.h>\n"]
    if task_header not in code:
        lines.append(task_header + "\n")
    if "using namespace std;" not in code:
        lines.append("\nusing namespace std;\n\n")
    return "".join(lines) + code


def is_cpp(language: str) -> bool:
    return language.startswith(("cpp", "c++", "gnu++"))


class IOICode(JudgeReward):
    """`ioi` rows, one per subtask (ours, or Open R1's with `graders/grader_config.json`),
    scored as Open R1's `ioi_code`: the target subtask's score as a fraction, not its
    points: the lowest test score of the subtask (IOI GroupMin; 0 once a test scores 0,
    where judging stops), rounded to the row's `score_precision`. Code without a
    C++ block, or that does not compile, scores 0. C++ is what is extracted unless a
    `language` column says otherwise; `add_includes` (Open R1's, on by default) puts
    the usual headers before it. Tests are read by the judge worker from `ioi-test-cases`."""

    __name__ = "ioi_code"

    def __init__(self, judge: JobJudge, tests, language: str = "cpp", *, add_includes: bool = True,
                 extraction: str = "open_r1", judge_error_reward: float | None = None) -> None:  # fmt: skip
        super().__init__(judge, language, extraction=extraction, judge_error_reward=judge_error_reward)
        self.tests = tests
        self.add_includes = add_includes

    def job(self, code: str, language: str, index: int, kwargs: dict) -> dict:
        require_columns(kwargs, IOI_COLUMNS, self.__name__)
        row = {key: kwargs[key][index] for key in (*IOI_COLUMNS, *IOI_OPTIONAL) if key in kwargs}
        if self.add_includes and is_cpp(language):
            code = add_includes(code, row["id"])
        return {"kind": "ioi", "code": code, "language": language, "row": row, "tests": self.tests}

    def score(self, answer: dict, index: int, kwargs: dict) -> float:
        precision = answer.get("score_precision")
        if precision is None:  # a worker from before the answer carried it
            precision = column(kwargs, "score_precision", len(kwargs["id"]), 2)[index]
        return round(float(answer["score"]), 2 if precision is None else int(precision))


def extraction_language(language: str) -> str:
    return "python" if language.startswith("py") else "cpp"


_FORMAT = r"^<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>$"


def format_reward(completions: list, **kwargs) -> list[float]:
    r"""Open R1's `format`: 1 when the (first) message is `<think>\n...\n</think>\n<answer>\n...\n</answer>`
    (re.match, DOTALL and MULTILINE: `$` may also match before a newline)."""
    return [1.0 if re.match(_FORMAT, message(c, 0), re.S | re.M) else 0.0 for c in completions]


format_reward.__name__ = "format"


def tag_count(completions: list, **kwargs) -> list[float]:
    r"""Open R1's `tag_count`: 0.25 for each of `<think>\n`, `\n</think>\n`, `\n<answer>\n` and
    `\n</answer>` that the (first) message holds exactly once."""
    tags = ("<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>")
    return [sum(0.25 for tag in tags if message(c, 0).count(tag) == 1) for c in completions]


class CodeFormat:
    r"""Open R1's `code_format`: 1 when the (first) message is `<think>\n...\n</think>\n<answer>\n`,
    then a block fenced with ```<language> (the row's `language`, else `code_language`), then
    `\n</answer>` (re.match, DOTALL and MULTILINE)."""

    __name__ = "code_format"

    def __init__(self, language: str = "python") -> None:
        self.language = language

    def __call__(self, completions: list, **kwargs) -> list[float]:
        langs = [lang or self.language for lang in column(kwargs, "language", len(completions), self.language)]
        return [1.0 if re.match(rf"^<think>\n.*?\n</think>\n<answer>\n.*?```{re.escape(lang)}.*?```.*?\n</answer>$",
                                message(c, 0), re.S | re.M) else 0.0
                for c, lang in zip(completions, langs, strict=True)]  # fmt: skip


class CodeBlock:
    """Ours: 1 when the answer (after `</think>`, if any) holds a fenced block in the row's
    language (any of its tags, or an unlabelled block); no <answer> tags asked for."""

    __name__ = "code_block"

    def __init__(self, language: str = "cpp") -> None:
        self.language = language

    def __call__(self, completions: list, **kwargs) -> list[float]:
        langs = languages(kwargs, len(completions), self.language)
        return [float(extract_code(completion_text(c), extraction_language(lang))[1])
                for c, lang in zip(completions, langs, strict=True)]  # fmt: skip


_THINK = re.compile(r"^\s*(?:<think>)?(?P<reasoning>.*?)</think>(?P<answer>.*)$", re.S)


def think_format(completions: list, **kwargs) -> list[float]:
    """Ours: 1 for reasoning closed by exactly one `</think>`, then a non-empty answer. The opening
    `<think>` is optional: with the prefill it is part of the prompt, not the completion."""
    rewards = []
    for completion in completions:
        text = completion_text(completion)
        match = _THINK.match(text)
        ok = (match is not None and text.count("</think>") == 1 and text.count("<think>") <= 1
              and match["reasoning"].strip() != "" and match["answer"].strip() != "")  # fmt: skip
        rewards.append(1.0 if ok else 0.0)
    return rewards


class Gated:
    """Another reward, None wherever the judge failed on the completion. TRL sums the rewards
    it has (nansum), so without this a completion the judge never saw would keep its format
    bonus and score like a wrong answer: a silent 0. With it, the whole row is unknown and
    TRL gives it no advantage."""

    def __init__(self, reward: Callable, judged: JudgeReward) -> None:
        self.reward = reward
        self.judged = judged
        self.__name__ = reward.__name__

    def __call__(self, completions: list, **kwargs) -> list[float | None]:
        rewards = self.reward(completions, **kwargs)
        verdicts = self.judged(completions, **kwargs)  # the batch is judged once, whichever reward asks first
        return [None if verdict is None else reward for reward, verdict in zip(rewards, verdicts, strict=True)]


def soft_overlong_punishment(max_completion_len: int, soft_punish_cache: int) -> Callable:
    """DAPO's length penalty, as Open R1's (and TRL's) on the completion's token ids: 0 up to
    L_max - L_cache tokens, then (L_max - L_cache - length) / L_cache down to -1 at L_max,
    -1 beyond."""
    from trl.rewards import get_soft_overlong_punishment

    if not 0 <= soft_punish_cache <= max_completion_len:
        raise ValueError(f"soft_punish_cache {soft_punish_cache} must be between 0 and max_completion_len "
                         f"{max_completion_len}")  # fmt: skip
    reward = get_soft_overlong_punishment(max_completion_len, soft_punish_cache)
    reward.__name__ = "soft_overlong_punishment"
    return reward


def make_judge(args: RewardArguments) -> JobJudge:
    """Remote workers when listed (the token from OLYMPICFORGE_JUDGE_TOKEN), the Ray cluster's judge
    actors with `judge_backend: ray`, else a local pool; by default the node's cores are shared among
    the training processes on it (each rank judges its own slice)."""
    if args.judge_backend not in JUDGE_BACKENDS:
        raise ValueError(f"judge_backend {args.judge_backend!r}: use one of {', '.join(JUDGE_BACKENDS)}")
    if args.judge_urls and args.judge_backend == "ray":
        raise ValueError("judge_backend ray and judge_urls: give one of them (judge_urls are the serve backend)")
    if args.judge_backend == "serve" or args.judge_urls:
        if not args.judge_urls:
            raise ValueError("judge_backend serve needs judge_urls (the `olympicforge judge serve` workers)")
        return RemoteJudge(args.judge_urls, timeout=args.judge_timeout)
    ranks_here = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
    return make_job_judge(args.judge_backend, args.judge_workers or max(1, default_workers() // ranks_here),
                          ray_address=args.ray_address, cores_per_actor=args.ray_cores_per_actor,
                          timeout=args.judge_timeout)  # fmt: skip


def build_rewards(args: RewardArguments, org: str, max_completion_length: int) -> list[Callable]:
    """The reward functions named in `args.reward_funcs`, in order; judge rewards share one judge,
    and the other rewards are gated on it (None where the judge failed)."""
    unknown = [name for name in args.reward_funcs if name not in REWARD_NAMES]
    if unknown:
        raise ValueError(f"reward_funcs: unknown {unknown}; known: {', '.join(REWARD_NAMES)}")
    check_extraction(args.code_extraction)
    judge = make_judge(args) if set(args.reward_funcs) & set(JUDGE_REWARDS) else None
    funcs: list[Callable] = []
    for name in args.reward_funcs:
        if name == "cf_code":
            funcs.append(CFCode(judge, args.code_language, args.cf_scoring_mode, tests_folder=args.cf_tests_folder,
                                examples_fallback=args.cf_examples_fallback,
                                batch_size=args.code_eval_test_batch_size,
                                no_submission_reward=args.cf_no_submission_reward,
                                no_compile_reward=args.cf_no_compile_reward, extraction=args.code_extraction,
                                judge_error_reward=args.judge_error_reward))  # fmt: skip
        elif name == "ioi_code":  # C++, as Open R1's, whatever code_language says (a `language` column wins)
            funcs.append(IOICode(judge, with_org(args.ioi_tests, org), "cpp", add_includes=args.ioi_add_includes,
                                 extraction=args.code_extraction,
                                 judge_error_reward=args.judge_error_reward))  # fmt: skip
        elif name == "code_format":
            funcs.append(CodeFormat(args.code_language))
        elif name == "format":
            funcs.append(format_reward)
        elif name == "tag_count":
            funcs.append(tag_count)
        elif name == "code_block":
            funcs.append(CodeBlock(args.code_language))
        elif name == "think_format":
            funcs.append(think_format)
        else:
            limit = args.max_completion_len if args.max_completion_len is not None else max_completion_length
            if limit > max_completion_length:
                log.warning("soft_overlong_punishment: max_completion_len %d is above max_completion_length %d: "
                            "generation stops first, the penalty never reaches -1",
                            limit, max_completion_length)  # fmt: skip
            funcs.append(soft_overlong_punishment(limit, args.soft_punish_cache))
    judged = next((f for f in funcs if isinstance(f, JudgeReward)), None)
    if judged is not None:
        funcs = [f if isinstance(f, JudgeReward) else Gated(f, judged) for f in funcs]
    return funcs
