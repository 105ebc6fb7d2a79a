"""Each domain review names its campaign (its submission's): a campaign's reviews are read by
an index on (campaign, state) instead of through every review of every year."""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE appraisal_domainreview SET campaign_id = (
    SELECT campaign_id FROM appraisal_submission
    WHERE appraisal_submission.id = appraisal_domainreview.submission_id
)
"""


def _campaign(**extra) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="domain_reviews",
        to="appraisal.campaign",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0016_query_waiting_due_idx"),
    ]

    operations = [
        # nullable while the rows are filled, then required
        migrations.AddField(model_name="domainreview", name="campaign", field=_campaign(null=True)),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(model_name="domainreview", name="campaign", field=_campaign()),
        migrations.AddIndex(
            model_name="domainreview",
            index=models.Index(fields=["campaign", "state"], name="review_campaign_state_idx"),
        ),
    ]
