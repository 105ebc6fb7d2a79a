from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from appraisal.management.commands._files import (
    problems_error,
    program_or_error,
    read_or_error,
)
from appraisal.models.choices import Level
from appraisal.problems import ProblemsError
from workflow.services.results import results_import


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
        found = program_or_error(program)
        data = read_or_error(path)
        try:
            result = results_import(
                program=found, year=year, level=level, data=data, filename=path.name, actor=None
            )
        except ProblemsError as exc:
            raise problems_error(path, exc, "nothing was written.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.stored} results of {level} stored for {found.code} {year}."
            )
        )
