"""Vietnamese first, English second, both complete: every string in the code is translated."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    "appraisal",
    "config",
    "workflow",
    "documents",
    "notifications",
    "templates",
    "locale",
    "manage.py",
]


def catalogue(path: Path) -> dict[str, list[str]]:
    """msgid → its msgstr forms, read from a .po file; fuzzy entries are reported as such."""
    entries: dict[str, list[str]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not match:
            continue
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        if not msgid:
            continue
        forms = [
            "".join(re.findall(r'"(.*)"', value))
            for value in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        ]
        entries[msgid] = ["<fuzzy>"] if "#, fuzzy" in block else forms
    return entries


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated(language):
    entries = catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 250
    untranslated = [
        msgid for msgid, forms in entries.items() if not all(forms) or "<fuzzy>" in forms
    ]
    assert untranslated == []


def test_the_catalogues_cover_every_string_in_the_code(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = set(catalogue(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    committed = set(catalogue(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert fresh - committed == set(), "run `make messages-update` and translate the new strings"


@pytest.mark.django_db
def test_the_language_switch_shows_english(client, personas, campaign_factory):
    campaign = campaign_factory()
    client.force_login(personas["secretariat"])
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("campaign_list")}
    )
    assert response.status_code == 302
    body = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert 'lang="en"' in body
    assert "Stage deadlines" in body and "Self-assessment" in body and "Campaigns" in body
    assert campaign.name_en in body
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    body = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "Thời hạn các giai đoạn" in body and campaign.name_vi in body


@pytest.mark.django_db
def test_vietnamese_dates_and_decimal_comma(client, personas):
    from appraisal.models import Framework

    client.force_login(personas["secretariat"])
    framework = Framework.objects.get(code="bo-876-mau")
    body = client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "31,5" in body and "68,5" in body  # survey and appraised points with a decimal comma
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    assert "31.5" in body
