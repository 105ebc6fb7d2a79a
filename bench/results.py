"""Results computation for one level of N units (issue 8: "results computation for a level of
2,100 units under 2 s").

    python bench/results.py [--units 2100] [--runs 7]

Builds its data in a throw-away test database (SQLite by default; PostgreSQL with
DATABASE_URL): N units of the sample province framework (88 sub-criteria each), every report
appraised with final scores and survey points. Then it times, several times each,
- the results preview as its page computes it (`level_preview(..., parts=False)`: one sum
  per report in the database, then the index, groups, ranks, averages);
- the same with the parts publication stores (`level_preview`: the sums per criterion with
  their domain, the domains added up, then the same);
- beside it, as the reference, one plain aggregate query of the final scores per report (the
  least any computation must read);
and prints the median, the 95th percentile, the queries and the peak memory of each.
"""

import argparse
import time
from decimal import Decimal
from pathlib import Path

from _common import measure, print_rows
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Sum, Value

HEADER = "code,name_vi,name_en,kind,region,assessed,ranked,valid_from,valid_to,predecessors\n"
REGIONS = ["DBSH", "TDMNPB", "BTB-DHMT", "TN", "DNB", "DBSCL"]


def build(units: int):
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from appraisal.imports.frameworks import read_yaml
    from appraisal.models import Organisation, ScoreItem, Submission, SurveyResult
    from workflow.services.campaigns import campaign_add_units, campaign_create
    from workflow.services.frameworks import framework_ensure_locked
    from workflow.services.programs import program_ensure
    from workflow.services.units import units_load

    data_dir = Path(settings.PARCOUNCIL_DATA_DIR)
    units_load(data=(data_dir / "units.csv").read_bytes())
    program = program_ensure(
        code="bench",
        name_vi="Bench",
        name_en="Bench",
        owner=Organisation.objects.get(code="BNV"),
        actor=None,
    )
    spec, problems = read_yaml((data_dir / "frameworks" / "province-876-sample.yaml").read_bytes())
    assert not problems, problems
    spec.code, spec.program = "bench-province", "bench"
    framework = framework_ensure_locked(spec=spec, program=program)
    rows = "".join(
        f"B{n:05},Đơn vị {n},Unit {n},province,{REGIONS[n % 6]},yes,{'no' if n % 50 == 0 else 'yes'},2025-07-01,,\n"
        for n in range(units)
    )
    units_load(data=(HEADER + rows).encode())
    campaign = campaign_create(
        program=program, year=2026, name_vi="Bench 2026", frameworks=[framework], actor=None
    )
    orgs = list(Organisation.objects.filter(code__startswith="B0").order_by("code"))
    campaign_add_units(campaign=campaign, units=orgs, actor=None)
    # every report appraised: a final score that varies with the item and the unit
    ScoreItem.objects.filter(submission__campaign=campaign, is_deduction=False).exclude(
        scoring_mode="survey"
    ).update(
        final_score=ExpressionWrapper(
            F("max_points") * Value(Decimal("0.75")),
            output_field=DecimalField(max_digits=7, decimal_places=2),
        )
    )
    Submission.objects.filter(campaign=campaign).update(state="appraised")
    SurveyResult.objects.bulk_create(
        [
            SurveyResult(campaign=campaign, unit=org, points=Decimal(20) + Decimal(n % 1000) / 100)
            for n, org in enumerate(orgs)
        ],
        batch_size=1000,
    )
    return campaign


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=2100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from appraisal.models import ScoreItem
    from appraisal.selectors.results import level_preview

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        with transaction.atomic():
            campaign = build(args.units)
        built = time.perf_counter() - started
        with connection.cursor() as cursor:  # statistics, as autovacuum keeps them in service
            cursor.execute("ANALYZE")
        items = ScoreItem.objects.filter(submission__campaign=campaign).count()

        def preview():
            results = level_preview(campaign, "province", parts=False)
            assert len(results.results) == args.units

        def publication():
            results = level_preview(campaign, "province")
            assert len(results.results) == args.units

        def reference():
            list(
                ScoreItem.objects.filter(submission__campaign=campaign)
                .values("submission_id")
                .annotate(total=Sum("final_score"))
            )

        rows = [
            measure("results preview (index, groups, ranks)", preview, args.runs),
            measure("publication (the same, with domains and criteria)", publication, args.runs),
            measure("reference: one SUM per report", reference, args.runs),
        ]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"database: {connection.vendor}; {args.units} units, {items} score items (built in {built:.1f} s)"
    )
    print_rows(rows)
    floor = rows[2]["median"]
    print(
        f"preview / reference: {rows[0]['median'] / floor:.1f}× (target ≤ 8×); "
        f"publication / reference: {rows[1]['median'] / floor:.1f}×"
    )


if __name__ == "__main__":
    main()
