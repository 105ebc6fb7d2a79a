"""Problems found in user input (files, imports), each with where it was found."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass
class Problem:
    where: str
    message: str | Promise

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else str(self.message)


def decode_utf8(data: bytes) -> tuple[str | None, list[Problem]]:
    """The text of an uploaded or imported file, which must be UTF-8 (a BOM is allowed)."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        message = _("Tệp không được mã hóa UTF-8 (byte thứ %(pos)s).") % {"pos": exc.start + 1}
        return None, [Problem("", message)]


def problem_text(exc: Exception) -> str:
    """The message of a refusal (ValidationError or PermissionDenied) as one line."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or str(_("Bạn không có quyền thực hiện thao tác này."))


def form_problems(form: BaseForm) -> str:
    """A form's errors as one line (for a message shown after a redirect)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class ProblemsError(ValidationError):
    """A file or request with one or more problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])
