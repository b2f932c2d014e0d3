"""One module per task type, each declaring its parameters as data (as CMS's
`cms/grading/tasktypes/` does) and running what is particular to it."""

from __future__ import annotations

from judge.task import TaskType
from judge.tasktypes import batch, batch_and_output, communication, output_only, two_steps
from judge.tasktypes.parameters import Choice, Parameter

PARAMETERS: dict[TaskType, tuple[Parameter, ...]] = {
    TaskType.BATCH: batch.PARAMETERS,
    TaskType.BATCH_AND_OUTPUT: batch_and_output.PARAMETERS,
    TaskType.COMMUNICATION: communication.PARAMETERS,
    TaskType.OUTPUT_ONLY: output_only.PARAMETERS,
    TaskType.TWO_STEPS: two_steps.PARAMETERS,
}


def choices(task_type: TaskType, name: str) -> tuple[str, ...]:
    """The values a task type accepts for its choice parameter `name`; () when it has none."""
    return next((p.choices for p in PARAMETERS[task_type] if isinstance(p, Choice) and p.name == name), ())
