"""National-scale demo data, who takes part: the units of each program and year (the provinces
before and after 2025, generated departments and communes) and their people."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model

from appraisal.demo.scale_base import (
    NATIONAL,
    PROVINCIAL_REVIEWERS,
    REVIEWING,
    Built,
    People,
)
from appraisal.imports.frameworks import read_yaml
from appraisal.models import (
    Framework,
    Organisation,
    Program,
    RoleAssignment,
)
from appraisal.models.choices import OrganisationKind, Role
from workflow.services.frameworks import framework_ensure_locked
from workflow.services.programs import program_ensure


def national_plan():
    def make():
        program = program_ensure(
            code=NATIONAL,
            name_vi="Chỉ số cải cách hành chính (dữ liệu quy mô quốc gia)",
            name_en="PAR Index (national-scale data)",
            owner=Organisation.objects.get(code="BNV"),
            actor=None,
        )
        frameworks = [
            sample_framework("ministry-876-sample.yaml", "scale-ministry", "ministry", program),
            sample_framework("province-876-sample.yaml", "scale-province", "province", program),
        ]
        reviewing = {code: Organisation.objects.get(code=code) for code in REVIEWING}
        candidates = list(
            Organisation.objects.filter(
                kind__in=[OrganisationKind.MINISTRY, OrganisationKind.PROVINCE], assessed=True
            ).order_by("code")
        )

        def in_scope(year: int) -> list[Organisation]:
            return [org for org in candidates if org.is_valid_on(datetime.date(year, 12, 31))]

        return program, frameworks, reviewing, in_scope

    return make


# units of a provincial program unless told otherwise; a program of another size is built
# beside it under its own codes (`scale-t01-600`, units `T01-600-S001`...)
UNITS = 60


def province_plan(province: Organisation, units: int):
    tag = province.code if units == UNITS else f"{province.code}-{units}"

    def make():
        program = program_ensure(
            code=f"scale-{tag.lower()}",
            name_vi=f"Chỉ số CCHC các sở, ngành, xã — {province.name_vi}",
            name_en=f"PAR Index of departments and communes — {province.name_en or province.name_vi}",
            owner=province,
            actor=None,
        )
        frameworks = [
            sample_framework(
                "ministry-876-sample.yaml", f"{program.code}-so", "department", program
            ),
            sample_framework("province-876-sample.yaml", f"{program.code}-xa", "commune", program),
        ]
        orgs = province_units(province, tag, units)
        reviewing = {code: orgs[n] for n, code in enumerate(PROVINCIAL_REVIEWERS)}
        return program, frameworks, reviewing, lambda year: orgs

    return make


def province_units(province: Organisation, tag: str, units: int) -> list[Organisation]:
    prefix = f"{tag}-"
    existing = list(
        Organisation.objects.filter(code__regex=rf"^{prefix}[SX][0-9]+$").order_by("code")
    )
    if existing:
        return existing
    departments = max(len(PROVINCIAL_REVIEWERS), units // 3)
    rows = []
    for n in range(units):
        if n < len(PROVINCIAL_REVIEWERS):
            name_vi, name_en = list(PROVINCIAL_REVIEWERS.values())[n]
        elif n < departments:
            name_vi, name_en = f"Sở, ngành số {n + 1}", f"Department no. {n + 1}"
        else:
            name_vi, name_en = f"Xã số {n + 1 - departments}", f"Commune no. {n + 1 - departments}"
        rows.append(
            Organisation(
                code=f"{prefix}{'S' if n < departments else 'X'}{n + 1:04}",
                name_vi=f"{name_vi} ({province.name_vi})",
                name_en=f"{name_en} ({province.name_en or province.name_vi})",
                kind=OrganisationKind.DEPARTMENT if n < departments else OrganisationKind.COMMUNE,
                parent=province,
                region=province.region,
            )
        )
    Organisation.objects.bulk_create(rows)
    return list(Organisation.objects.filter(code__regex=rf"^{prefix}[SX][0-9]+$").order_by("code"))


def make_people(program, reviewing, units, password_hash: str, built: Built) -> People:
    user_model = get_user_model()
    slug = program.code.removeprefix("scale-")
    wanted: list[tuple[str, str, str, Organisation | None]] = [
        (f"{slug}.thuky", "Thư ký", Role.SECRETARIAT, None),
        (f"{slug}.quanly", "Lãnh đạo theo dõi", Role.MANAGER, None),
        (f"{slug}.chutich", "Chủ tịch Hội đồng", Role.COUNCIL_CHAIR, None),
    ]
    for code, org in reviewing.items():
        tag = code.lower()
        wanted.append((f"{slug}.dieuphoi.{tag}", f"Điều phối {org.name_vi}", Role.COORDINATOR, org))
        for n in (1, 2):
            wanted.append(
                (f"{slug}.thamdinh.{tag}{n}", f"Thẩm định {n} {org.name_vi}", Role.REVIEWER, org)
            )
    for unit in units:
        tag = unit.code.lower()
        wanted.append((f"{slug}.{tag}.daumoi", f"Đầu mối {unit.name_vi}", Role.FOCAL_POINT, unit))
        wanted.append((f"{slug}.{tag}.lanhdao", f"Lãnh đạo {unit.name_vi}", Role.LEADER, unit))
    user_model.objects.bulk_create(
        [
            user_model(
                username=username,
                first_name=name,
                email=f"{username}@scale.parcouncil.invalid",
                password=password_hash,
            )
            for username, name, _role, _org in wanted
        ]
    )
    users = {u.username: u for u in user_model.objects.filter(username__startswith=f"{slug}.")}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users[username], program=program, role=role, organisation=org)
            for username, _name, role, org in wanted
        ]
    )
    built.users += len(wanted)
    built.samples += [
        f"{slug}.thuky",
        f"{slug}.thamdinh.bnv1",
        f"{slug}.{units[-1].code.lower()}.daumoi",
    ]
    by_role: dict = {}
    for username, _name, role, org in wanted:
        by_role.setdefault(role, []).append((users[username], org))
    reviewers: dict[int, list] = {}
    for user, org in by_role[Role.REVIEWER]:
        reviewers.setdefault(org.pk, []).append(user)
    return People(
        secretariat=users[f"{slug}.thuky"],
        reviewers=reviewers,
        coordinators={org.pk: user for user, org in by_role[Role.COORDINATOR]},
        focal={org.pk: user for user, org in by_role[Role.FOCAL_POINT]},
        leader={org.pk: user for user, org in by_role[Role.LEADER]},
    )


def sample_framework(yaml_name: str, code: str, level: str, program: Program) -> Framework:
    """A sample framework under this program's own code and level."""
    path = settings.PARCOUNCIL_DATA_DIR / "frameworks" / yaml_name
    spec, problems = read_yaml(path.read_bytes())
    assert spec is not None and not problems, problems
    spec.code, spec.program, spec.level = code, program.code, level
    return framework_ensure_locked(spec=spec, program=program)
