"""What the file-reading commands share: the program named on the command line, the file's
bytes, and a refusal that names every problem."""

from pathlib import Path

from django.core.management.base import CommandError

from appraisal.models import Program
from appraisal.problems import ProblemsError


def program_or_error(code: str) -> Program:
    found = Program.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"No program with code {code!r}.")
    return found


def read_or_error(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc


def problems_error(path: Path, exc: ProblemsError, outcome: str) -> CommandError:
    lines = [f"{path}: {len(exc.problems)} problem(s); {outcome}"]
    lines += [f"  - {problem}" for problem in exc.problems]
    return CommandError("\n".join(lines))
