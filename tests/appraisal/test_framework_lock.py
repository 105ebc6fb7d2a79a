"""A locked framework is immutable, through the models and (on PostgreSQL) through any SQL."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from appraisal.models import Framework, FrameworkNode
from tests.conftest import SAMPLE_PROVINCE, import_sample
from workflow.services.frameworks import framework_lock

pytestmark = pytest.mark.django_db


def test_a_locked_framework_and_its_nodes_refuse_changes(province_framework):
    province_framework.name_vi = "Đổi tên"
    with pytest.raises(ValidationError, match="đã khóa"):
        province_framework.save()
    node = FrameworkNode.objects.filter(framework=province_framework).first()
    node.max_points += 1
    with pytest.raises(ValidationError, match="đã khóa"):
        node.save()
    with pytest.raises(ValidationError, match="đã khóa"):
        node.delete()
    with pytest.raises(ValidationError, match="đã khóa"):
        Framework.objects.get(pk=province_framework.pk).delete()


def test_even_a_bulk_update_is_refused_by_the_database(province_framework):
    statements = [
        lambda: FrameworkNode.objects.filter(framework=province_framework).update(max_points=0),
        lambda: Framework.objects.filter(pk=province_framework.pk).update(notice="sửa lén"),
    ]
    if connection.vendor == "postgresql":  # SQLite leaves DELETE to the models (see migration 0002)
        statements.append(
            lambda: FrameworkNode.objects.filter(
                framework=province_framework, is_leaf=True
            )._raw_delete("default")
        )
    for statement in statements:
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    assert Framework.objects.get(pk=province_framework.pk).notice == province_framework.notice


def test_a_draft_can_be_locked_once_by_the_secretariat(program, personas, tmp_path):
    path = tmp_path / "draft.yaml"
    path.write_text(
        SAMPLE_PROVINCE.read_text(encoding="utf-8").replace("code: tinh-876-mau", "code: tinh-moi")
    )
    draft = import_sample(path, program, lock=False)
    draft.notice = "Ghi chú sửa khi còn dự thảo"
    draft.save()  # a draft may still change
    with pytest.raises(PermissionDenied):
        framework_lock(framework=draft, actor=personas["bacninh_focal"])
    framework_lock(framework=draft, actor=personas["secretariat"])
    with pytest.raises(ValidationError, match="đã được khóa"):
        framework_lock(framework=draft, actor=personas["secretariat"])
