from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.imports.frameworks import write_xlsx, write_yaml
from appraisal.models import Framework
from appraisal.selectors.frameworks import framework_to_spec


class Command(BaseCommand):
    help = "Write a framework to YAML or XLSX (to --output, or YAML to standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--format", choices=["yaml", "xlsx"], default="yaml")
        parser.add_argument("--output", "-o", type=Path)

    def handle(self, *args, code: str, format: str, output: Path | None, **options) -> None:
        framework = Framework.objects.select_related("program").filter(code=code).first()
        if framework is None:
            raise CommandError(f"No framework with code {code!r}.")
        spec = framework_to_spec(framework)
        data = write_yaml(spec) if format == "yaml" else write_xlsx(spec)
        if output is None:
            if format == "xlsx":
                raise CommandError("XLSX needs --output.")
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        output.write_bytes(data)
        self.stderr.write(f"Wrote {output}.")
