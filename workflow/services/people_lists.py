"""A list of people from a file (CSV or XLSX): read and checked, then invited one by one."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from appraisal.imports.tables import read_table
from appraisal.models import Invitation, Organisation, Program
from appraisal.models.choices import Role
from appraisal.problems import Problem, ProblemsError
from workflow.services.base import require_secretariat
from workflow.services.people import PersonInput, clean_person, person_invite

# accepted column names, Vietnamese first (as the template has them), then English
COLUMNS = {
    "full_name": ("họ và tên", "họ tên", "full_name", "name"),
    "email": ("thư điện tử", "email", "e-mail"),
    "organisation": ("mã cơ quan", "cơ quan", "organisation", "organization", "organisation_code"),
    "role": ("vai trò", "role"),
}


def _column(row: dict[str, str], field: str) -> str:
    for name in COLUMNS[field]:
        if name in row:
            return row[name].strip()
    return ""


def _role_value(text: str) -> str:
    """A role as a file may name it: its code, or its label in Vietnamese or English."""
    wanted = " ".join(text.split()).casefold()
    for language in ("vi", "en"):
        with translation.override(language):
            for role in Role:
                if wanted in (role.value, str(role.label).casefold()):
                    return role.value
    return text


def people_read(*, program: Program, data: bytes, filename: str) -> list[PersonInput]:
    """The people listed in a CSV or XLSX file (columns: họ và tên, thư điện tử, mã cơ quan,
    vai trò), all checked; any problem raises ProblemsError naming every line at fault."""
    rows, problems = read_table(data, filename)
    if not problems and rows:
        missing = [
            COLUMNS[field][0]
            for field in ("full_name", "email", "role")
            if not any(name in rows[0] for name in COLUMNS[field])
        ]
        if missing:
            raise ProblemsError(
                [Problem("", _("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})]
            )
    codes = {_column(row, "organisation") for row in rows} - {""}
    organisations = (
        {
            org.code.casefold(): org
            for org in Organisation.objects.filter(
                Q(*(Q(code__iexact=code) for code in codes), _connector=Q.OR)
            )
        }
        if codes
        else {}
    )
    people: list[PersonInput] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        where = _("dòng %(n)s") % {"n": number}
        code = _column(row, "organisation")
        organisation = organisations.get(code.casefold()) if code else None
        if code and organisation is None:
            problems.append(Problem(where, _("Không có cơ quan mã “%(code)s”.") % {"code": code}))
            continue
        person = PersonInput(
            full_name=_column(row, "full_name"),
            email=_column(row, "email"),
            role=_role_value(_column(row, "role")),
            organisation=organisation,
        )
        errors = clean_person(
            full_name=person.full_name,
            email=person.email,
            role=person.role,
            organisation=person.organisation,
        )
        problems += [Problem(where, message) for message in errors]
        key = (person.email.casefold(), person.role, code.casefold())
        if not errors and key in seen:
            problems.append(
                Problem(where, _("Trùng với dòng %(n)s.") % {"n": seen[key]}),
            )
        seen.setdefault(key, number)
        people.append(person)
    if not rows and not problems:
        problems.append(Problem("", _("Tệp không có dòng dữ liệu nào.")))
    if problems:
        raise ProblemsError(problems)
    return people


@transaction.atomic
def people_invite(
    *,
    program: Program,
    people: list[PersonInput],
    actor: User | None,
    ip: str | None = None,
) -> list[Invitation]:
    """Invite everyone of a list, or no one: the first refusal undoes the whole list."""
    require_secretariat(actor, program, _("Chỉ cơ quan thường trực mới quản lý người dùng."))
    done = []
    for number, person in enumerate(people, start=1):
        try:
            done.append(
                person_invite(
                    program=program,
                    full_name=person.full_name,
                    email=person.email,
                    role=person.role,
                    organisation=person.organisation,
                    actor=actor,
                    ip=ip,
                )
            )
        except ValidationError as exc:
            raise ProblemsError(
                [Problem(f"{person.email} (#{number})", message) for message in exc.messages]
            ) from exc
    return done
