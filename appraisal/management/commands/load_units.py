from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.problems import ProblemsError
from workflow.services.units import unit_names_load, units_load


class Command(BaseCommand):
    help = "Load organisations and their lineage from a CSV file (idempotent, all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, default=settings.PARCOUNCIL_DATA_DIR / "units.csv"
        )

    def handle(self, *args, path: Path, **options) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            result = units_load(data=data)
        except ProblemsError as exc:
            lines = [f"{path}: {len(exc.problems)} problem(s); nothing was written."]
            lines += [f"  - {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{path.name}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.lineage_created} lineage links added."
            )
        )
        # the former names of units renamed without a merger, kept beside the units
        names = path.with_name("unit_names.csv")
        if names.exists():
            try:
                count = unit_names_load(data=names.read_bytes())
            except ProblemsError as exc:
                lines = [f"{names}: {len(exc.problems)} problem(s); no name was written."]
                lines += [f"  - {problem}" for problem in exc.problems]
                raise CommandError("\n".join(lines)) from exc
            self.stdout.write(self.style.SUCCESS(f"{names.name}: {count} former names."))
