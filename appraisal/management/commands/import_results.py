from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.exceptions import ProblemsError
from appraisal.models import Program
from appraisal.models.choices import Level
from appraisal.services.results import results_import


class Command(BaseCommand):
    help = (
        "Load a past year's published results of one level (CSV or XLSX) as a published "
        "campaign, so that year-on-year comparison works. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="program code, e.g. national")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--level", required=True, choices=Level.values)
        parser.add_argument("path", type=Path)

    def handle(self, *args, program: str, year: int, level: str, path: Path, **options) -> None:
        found = Program.objects.filter(code=program).first()
        if found is None:
            raise CommandError(f"No program with code {program!r}.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            result = results_import(
                program=found, year=year, level=level, data=data, filename=path.name, actor=None
            )
        except ProblemsError as exc:
            lines = [f"{path}: {len(exc.problems)} problem(s); nothing was written."]
            lines += [f"  - {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.stored} results of {level} stored for {found.code} {year}."
            )
        )
