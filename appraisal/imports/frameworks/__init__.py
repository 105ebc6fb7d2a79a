"""Framework files: YAML and XLSX in, the same out.

Reading produces a `FrameworkSpec` and a list of every `Problem` found, each with its
line (YAML) or sheet and row (XLSX). Nothing here touches the database: the service
`framework_import` writes a spec only when no problem was found.
"""

from appraisal.imports.frameworks.spec import FrameworkSpec, NodeSpec, Problem
from appraisal.imports.frameworks.xlsx_format import read_xlsx, write_xlsx
from appraisal.imports.frameworks.yaml_format import read_yaml, write_yaml

__all__ = [
    "FrameworkSpec",
    "NodeSpec",
    "Problem",
    "read_file",
    "read_xlsx",
    "read_yaml",
    "write_xlsx",
    "write_yaml",
]

XLSX_MAGIC = b"PK\x03\x04"


def read_file(data: bytes, filename: str) -> tuple[FrameworkSpec | None, list[Problem]]:
    """Read a framework file by its content (XLSX is a zip), falling back on its name."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    return read_yaml(data)
