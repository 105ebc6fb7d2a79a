import time

from django.core.management.base import BaseCommand

from workflow.statistics import analyze, stale_tables


class Command(BaseCommand):
    help = (
        "Analyse every table so that the database plans queries on what it holds now: "
        "run it after restoring a dump or loading data outside the application."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only list the large tables whose statistics are missing or stale (exit 1 if any)",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            stale = stale_tables()
            if stale:
                self.stdout.write("Stale or missing statistics: " + ", ".join(stale))
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS("Statistics are fresh."))
            return
        started = time.monotonic()
        tables = analyze()
        self.stdout.write(
            self.style.SUCCESS(
                f"Analysed {len(tables)} tables in {time.monotonic() - started:.1f} s."
            )
        )
