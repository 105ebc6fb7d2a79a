from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.imports.frameworks import read_file
from appraisal.models import Program
from appraisal.problems import ProblemsError
from workflow.services.frameworks import framework_import, framework_lock


class Command(BaseCommand):
    help = "Import a criteria framework from a YAML or XLSX file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--program", help="program code (default: the file's `program`)")
        parser.add_argument("--lock", action="store_true", help="lock the framework after import")
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(
        self, *args, path: Path, program: str | None, lock: bool, check: bool, **options
    ) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        spec, problems = read_file(data, path.name)
        if problems or spec is None:
            raise CommandError(self._report(path, problems))
        target = None
        if program:
            target = Program.objects.filter(code=program).first()
            if target is None:
                raise CommandError(f"{path}: no program with code {program!r}")
            spec.program = target.code
        if check:
            self.stdout.write(self.style.SUCCESS(f"{path}: valid ({len(spec.nodes)} nodes)."))
            return
        try:
            framework = framework_import(spec=spec, actor=None, program=target)
        except ProblemsError as exc:
            raise CommandError(self._report(path, exc.problems)) from exc
        if lock:
            framework_lock(framework=framework, actor=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {framework.code} ({len(spec.nodes)} nodes, {framework.get_status_display()})."
            )
        )

    @staticmethod
    def _report(path: Path, problems: list) -> str:
        lines = [f"{path}: {len(problems)} problem(s); nothing was written."]
        lines += [f"  - {problem}" for problem in problems]
        return "\n".join(lines)
