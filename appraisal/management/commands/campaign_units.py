from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.models import Campaign, Organisation
from appraisal.problems import problem_text
from workflow.services.campaigns import campaign_remove_units, campaign_units_add


class Command(BaseCommand):
    help = (
        "Add units to a campaign's scope (while in preparation or self-assessment) or remove "
        "them (only in preparation, with a reason), as the campaign's units page does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--add", default="", help="unit codes, comma-separated")
        parser.add_argument("--remove", default="", help="unit codes, comma-separated")
        parser.add_argument("--reason", default="", help="why units are removed (required)")

    def _units(self, text: str) -> list[Organisation]:
        codes = [code.strip() for code in text.split(",") if code.strip()]
        found = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise CommandError(f"No organisation with code(s): {', '.join(missing)}.")
        return [found[code] for code in codes]

    def handle(self, *args, program: str, year: int, add: str, remove: str, reason: str, **o):
        campaign = Campaign.objects.filter(program__code=program, year=year).first()
        if campaign is None:
            raise CommandError(f"No campaign {program} {year}.")
        if not add and not remove:
            raise CommandError("Give --add or --remove.")
        try:
            if add:
                n = campaign_units_add(campaign=campaign, units=self._units(add), actor=None)
                self.stdout.write(self.style.SUCCESS(f"{n} unit(s) added."))
            if remove:
                n = campaign_remove_units(
                    campaign=campaign, units=self._units(remove), reason=reason, actor=None
                )
                self.stdout.write(self.style.SUCCESS(f"{n} unit(s) removed."))
        except ValidationError as exc:
            raise CommandError(problem_text(exc)) from exc
