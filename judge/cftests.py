"""Full Codeforces test suites in the anchor's layout: per-contest parquet files.

    <root>/test_cases_NNNN.parquet   columns problem_id ("1234/A"), input, output

(`NNNN` is the contest id, zero-padded to 4 digits; the anchor's `codeforces`
dataset keeps them in `generated_tests/`). Suites are large (the anchor's is
~244 GB), so tests are read a batch at a time, row groups whose statistics rule
the problem out are skipped, and writing streams row groups: no contest is ever
held in memory whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

TEST_COLUMNS = ("problem_id", "input", "output")
ROW_GROUP_BYTES = 16 << 20  # input + output bytes per written row group
READ_BATCH = 64  # tests per batch read
PROBLEM_ID = re.compile(r"(?P<contest>[0-9]{1,7})/(?P<index>[A-Z][0-9A-Z]{0,3})")


class TestSuiteError(ValueError):
    """A test collection is malformed: names the file and what is wrong."""

    __test__ = False


def contest_of(problem_id: str) -> int:
    """`1234/A` -> 1234; anything else (a path, `..`) is refused: ids name files."""
    match = PROBLEM_ID.fullmatch(problem_id or "")
    if not match:
        raise TestSuiteError(f"problem id {problem_id!r} is not of the form CONTEST/INDEX (e.g. 1234/A)")
    return int(match["contest"])


def contest_file(root: Path, contest_id: int) -> Path:
    return Path(root) / f"test_cases_{int(contest_id):04d}.parquet"


def problem_tests(root: str | Path, problem_id: str) -> Iterator[dict]:
    """The tests of one problem, in file order, as {"input", "output"}; none when the
    contest has no file."""
    import pyarrow.parquet as pq  # lazy: the CLI must start fast

    path = contest_file(Path(root), contest_of(problem_id))
    if not path.exists():
        return
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        raise TestSuiteError(f"{path}: not a readable parquet file: {exc}") from None
    missing = [c for c in TEST_COLUMNS if c not in parquet.schema_arrow.names]
    if missing:
        raise TestSuiteError(f"{path}: lacks the columns {missing} (want {list(TEST_COLUMNS)})")
    column = parquet.schema_arrow.names.index("problem_id")
    for group in range(parquet.num_row_groups):
        stats = parquet.metadata.row_group(group).column(column).statistics
        if stats is not None and stats.has_min_max and not stats.min <= problem_id <= stats.max:
            continue
        for batch in parquet.iter_batches(batch_size=READ_BATCH, row_groups=[group], columns=list(TEST_COLUMNS)):
            for row in batch.to_pylist():
                if row["problem_id"] == problem_id:
                    yield {"input": row["input"], "output": row["output"]}


def count_tests(root: str | Path, problem_id: str) -> int:
    return sum(1 for _ in problem_tests(root, problem_id))


class ContestTestsWriter:
    """Streams one contest's tests into its parquet file (temp file, then rename), in
    row groups of bounded size; problems may follow one another in any order."""

    def __init__(self, root: Path, contest_id: int) -> None:
        self.path = contest_file(root, contest_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(f".{self.path.name}.partial")
        self._writer = None
        self._pending: list[dict] = []
        self._pending_bytes = 0
        self.count = 0

    def write(self, problem_id: str, test: dict) -> None:
        self._pending.append({"problem_id": problem_id, "input": test["input"], "output": test["output"]})
        self._pending_bytes += len(test["input"]) + len(test["output"])
        self.count += 1
        if self._pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._pending:
            return
        schema = pa.schema(
            [(name, pa.large_string() if name != "problem_id" else pa.string()) for name in TEST_COLUMNS]
        )
        table = pa.Table.from_pylist(self._pending, schema=schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.partial, schema, compression="zstd")
        self._writer.write_table(table)
        self._pending, self._pending_bytes = [], 0

    def close(self) -> Path | None:
        """Finish the file and move it into place; None (and no file) when nothing was written."""
        self._flush()
        if self._writer is None:
            return None
        self._writer.close()
        self.partial.replace(self.path)
        return self.path

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.partial.unlink(missing_ok=True)


def write_contest(root: Path, contest_id: int, tests: Iterable[tuple[str, dict]]) -> Path | None:
    writer = ContestTestsWriter(root, contest_id)
    try:
        for problem_id, test in tests:
            writer.write(problem_id, test)
    except BaseException:
        writer.abort()
        raise
    return writer.close()
