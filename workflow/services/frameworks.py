from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.imports.frameworks import FrameworkSpec, Problem
from appraisal.models import Framework, FrameworkNode, Organisation, Program
from appraisal.models.choices import FrameworkStatus
from appraisal.problems import ProblemsError
from workflow.services.base import require_secretariat


@transaction.atomic
def framework_import(
    *, spec: FrameworkSpec, actor: User | None, program: Program | None = None
) -> Framework:
    """Create a draft framework from a validated spec.

    `actor` None means the command line (the system administrator on the server).
    Raises ProblemsError naming every problem, and writes nothing, when the spec refers
    to what does not exist or clashes with what does.
    """
    problems: list[Problem] = []
    if program is None:
        program = Program.objects.filter(code=spec.program).first()
        if program is None:
            raise ProblemsError(
                [
                    Problem(
                        "",
                        _("Không có chương trình đánh giá mã “%(code)s”.") % {"code": spec.program},
                    )
                ]
            )
    if actor is not None and not permissions.can_manage_frameworks(actor, program):
        raise PermissionDenied(
            _("Chỉ cơ quan thường trực của chương trình mới được nhập bộ chỉ số.")
        )
    if Framework.objects.filter(code=spec.code).exists():
        problems.append(Problem("", _("Đã có bộ chỉ số mã “%(code)s”.") % {"code": spec.code}))
    owner_codes = {node.owner for node in spec.nodes if node.owner}
    owners = {org.code: org for org in Organisation.objects.filter(code__in=owner_codes)}
    for node in spec.nodes:
        if node.owner and node.owner not in owners:
            problems.append(
                Problem(node.where, _("Không có cơ quan mã “%(code)s”.") % {"code": node.owner})
            )
    if problems:
        raise ProblemsError(problems)

    framework = Framework.objects.create(
        program=program,
        code=spec.code,
        level=spec.level,
        version=spec.version,
        name_vi=spec.name_vi,
        name_en=spec.name_en,
        legal_basis=spec.legal_basis,
        notice=spec.notice,
        total_points=spec.total_points,
        survey_points=spec.survey_points,
        appraised_points=spec.appraised_points,
    )
    created: dict[str, FrameworkNode] = {}
    # Parents before children: create level by level so each child knows its parent's id.
    for depth in (1, 2, 3):
        batch = []
        for position, node in enumerate(spec.nodes, start=1):
            if node.depth != depth:
                continue
            batch.append(
                FrameworkNode(
                    framework=framework,
                    parent=created[node.code.rsplit(".", 1)[0]] if depth > 1 else None,
                    kind=node.kind,
                    code=node.code,
                    position=position,
                    name_vi=node.name_vi,
                    name_en=node.name_en,
                    max_points=node.max_points,
                    is_leaf=node.is_leaf,
                    scoring_mode=node.mode if node.is_leaf else "",
                    scoring_method=node.method if node.is_leaf else "",
                    method_params=node.params if node.is_leaf else {},
                    guidance=node.guidance,
                    owner=owners.get(node.owner),
                )
            )
        for obj in FrameworkNode.objects.bulk_create(batch):
            created[obj.code] = obj
    if any(obj.pk is None for obj in created.values()):
        # Backends without RETURNING on bulk insert: read the ids back.
        for obj in FrameworkNode.objects.filter(framework=framework):
            created[obj.code].pk = obj.pk
    return framework


@transaction.atomic
def framework_lock(*, framework: Framework, actor: User | None) -> Framework:
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    require_secretariat(
        actor, framework.program_id, _("Chỉ cơ quan thường trực mới được khóa bộ chỉ số.")
    )
    if framework.is_locked:
        raise ValidationError(_("Bộ chỉ số này đã được khóa."))
    framework.status = FrameworkStatus.LOCKED
    framework.locked_at = timezone.now()
    framework.save(update_fields=["status", "locked_at"])
    return framework


def framework_ensure_locked(*, spec: FrameworkSpec, program: Program) -> Framework:
    """The locked framework of `spec.code`, imported and locked first if it is not there yet
    (the demo, the national-scale data and the benchmarks load sample files this way)."""
    framework = Framework.objects.filter(code=spec.code).first()
    if framework is None:
        framework = framework_import(spec=spec, actor=None, program=program)
    if not framework.is_locked:
        framework = framework_lock(framework=framework, actor=None)
    return framework
