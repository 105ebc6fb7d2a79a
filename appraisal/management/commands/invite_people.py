from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.exceptions import ProblemsError
from appraisal.models import Program
from appraisal.services.people import people_invite, people_read


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
        found = Program.objects.filter(code=program).first()
        if found is None:
            raise CommandError(f"No program with code {program!r}.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            people = people_read(program=found, data=data, filename=path.name)
            done = people_invite(program=found, people=people, actor=None)
        except ProblemsError as exc:
            lines = [f"{path}: {len(exc.problems)} problem(s); no one was invited."]
            lines += [f"  - {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(self.style.SUCCESS(f"{len(done)} people invited into {found.code}."))
