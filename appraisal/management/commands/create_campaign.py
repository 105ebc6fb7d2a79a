import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.models import Framework, Organisation, Program
from appraisal.problems import problem_text
from appraisal.selectors.campaigns import STAGE_DAYS_DEFAULT, campaign_candidates
from workflow.services.campaigns import campaign_setup


class Command(BaseCommand):
    help = (
        "Create a year's campaign, as the page does: its frameworks (locked, one per level), "
        "its units in scope (all the assessed units of each level, or the codes given) and "
        "every stage's deadline in working days. All or nothing; the campaign stays in "
        "preparation until self-assessment is opened."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="program code, e.g. national")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--framework",
            action="append",
            required=True,
            help="code of a locked framework (once per level)",
        )
        parser.add_argument(
            "--units",
            default="all",
            help="'all' (every assessed unit of the frameworks' levels) or unit codes, comma-separated",
        )
        parser.add_argument(
            "--starts-on", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        for stage, days in STAGE_DAYS_DEFAULT.items():
            parser.add_argument(
                f"--{stage.replace('_', '-')}-days",
                type=int,
                default=days,
                dest=f"days_{stage}",
                help=f"working days of the {stage} stage (default {days})",
            )
        parser.add_argument("--name-vi", default="")
        parser.add_argument("--name-en", default="")

    def handle(self, *args, **options) -> None:
        program = Program.objects.filter(code=options["program"]).first()
        if program is None:
            raise CommandError(f"No program with code {options['program']!r}.")
        frameworks = []
        for code in options["framework"]:
            framework = Framework.objects.filter(program=program, code=code).first()
            if framework is None:
                raise CommandError(f"No framework {code!r} in program {program.code}.")
            frameworks.append(framework)
        year = options["year"]
        if options["units"].strip().lower() == "all":
            units = [
                unit
                for framework in frameworks
                for unit in campaign_candidates(program, framework.level, year)
            ]
        else:
            codes = [code.strip() for code in options["units"].split(",") if code.strip()]
            found = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
            missing = [code for code in codes if code not in found]
            if missing:
                raise CommandError(f"No organisation with code(s): {', '.join(missing)}.")
            units = [found[code] for code in codes]
        try:
            campaign = campaign_setup(
                program=program,
                year=year,
                name_vi=options["name_vi"],
                name_en=options["name_en"],
                frameworks=frameworks,
                units=units,
                starts_on=options["starts_on"],
                days={stage: options[f"days_{stage}"] for stage in STAGE_DAYS_DEFAULT},
                actor=None,
            )
        except ValidationError as exc:
            raise CommandError(problem_text(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Campaign {program.code} {year} created (pk {campaign.pk}) with "
                f"{campaign.submissions.count()} units; open self-assessment from its page."
            )
        )
