from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from appraisal.management.commands._files import (
    problems_error,
    program_or_error,
    read_or_error,
)
from appraisal.problems import ProblemsError
from workflow.services.people_lists import people_invite, people_read


class Command(BaseCommand):
    help = (
        "Invite a list of people (CSV or XLSX: họ và tên, thư điện tử, mã cơ quan, vai trò) "
        "into a program, as the people page does: each new person gets an e-mail to set "
        "their password. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True)
        parser.add_argument("path", type=Path)

    def handle(self, *args, program: str, path: Path, **options) -> None:
        found = program_or_error(program)
        data = read_or_error(path)
        try:
            people = people_read(program=found, data=data, filename=path.name)
            done = people_invite(program=found, people=people, actor=None)
        except ProblemsError as exc:
            raise problems_error(path, exc, "no one was invited.") from exc
        self.stdout.write(self.style.SUCCESS(f"{len(done)} people invited into {found.code}."))
