"""What an uploaded file really is, and a safe name for it.

Types are recognised by their content (magic bytes; for DOCX and XLSX, the parts inside the
zip), and the name's extension must agree: a PNG named .pdf, HTML or SVG named .jpg, or a zip
that is not an Office document is refused.
"""

import re
import unicodedata
import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from documents.models import FileKind

EXTENSIONS = {
    ".pdf": FileKind.PDF,
    ".docx": FileKind.DOCX,
    ".xlsx": FileKind.XLSX,
    ".jpg": FileKind.JPEG,
    ".jpeg": FileKind.JPEG,
    ".png": FileKind.PNG,
}
CONTENT_TYPES: dict[str, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
}
MAX_NAME = 150
UNSAFE = re.compile(r"[^\w\-. ()\[\],]+", re.UNICODE)


def safe_name(raw: str) -> str:
    """The last path component, NFC, without control or unsafe characters, bounded."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]  # both separators, whatever the client's system
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = UNSAFE.sub("_", name).strip(" .")
    if not name or name.startswith("."):
        raise ValidationError(_("Tên tệp không hợp lệ."))
    stem, dot, ext = name.rpartition(".")
    if not dot:
        raise ValidationError(_("Tệp “%(name)s” không có phần mở rộng.") % {"name": name})
    return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext.lower()}"


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return FileKind.DOCX
    if "xl/workbook.xml" in names:
        return FileKind.XLSX
    return None


def sniff(stream: IO[bytes]) -> str | None:
    """The kind of file the bytes are, among the allowed ones; None for anything else."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
        return kind
    return None


def check_upload(name: str, stream: IO[bytes]) -> tuple[str, str]:
    """(safe name, kind) of an allowed file, or a ValidationError saying what is wrong."""
    clean = safe_name(name)
    expected = EXTENSIONS.get("." + clean.rpartition(".")[2])
    if expected is None:
        raise ValidationError(
            _("“%(name)s”: chỉ nhận tệp PDF, DOCX, XLSX, JPEG, PNG.") % {"name": clean}
        )
    actual = sniff(stream)
    if actual is None:
        raise ValidationError(
            _("“%(name)s”: nội dung tệp không phải PDF, DOCX, XLSX, JPEG hay PNG.")
            % {"name": clean}
        )
    if actual != expected:
        raise ValidationError(
            _("“%(name)s”: nội dung tệp (%(actual)s) không khớp với tên tệp.")
            % {"name": clean, "actual": FileKind(actual).label}
        )
    return clean, actual
