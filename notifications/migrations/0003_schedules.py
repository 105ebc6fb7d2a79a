"""The django-q2 schedules of the notifications: the deadline scan every hour, the digest
every morning (07:00 in Vietnam)."""

import datetime
import zoneinfo

from django.db import migrations

SCHEDULES = {
    "parcouncil: nhắc hạn và báo quá hạn": ("notifications.tasks.scan_deadlines", "H", 7),
    "parcouncil: e-mail tổng hợp hằng ngày": ("notifications.tasks.send_digests", "D", 7),
}


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    for name, (func, kind, hour) in SCHEDULES.items():
        next_run = datetime.datetime.combine(
            tomorrow, datetime.time(hour), tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
        )
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": kind, "repeats": -1, "next_run": next_run},
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_preferences_reminders"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
