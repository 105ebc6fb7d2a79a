"""Problems found in user input (files, imports), each with where it was found."""

from dataclasses import dataclass

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
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or str(_("Bạn không có quyền thực hiện thao tác này."))
