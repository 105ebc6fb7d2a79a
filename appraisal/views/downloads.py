"""Files made from long lists, streamed row by row (a year's audit trail, a whole matrix):
the server never holds the whole file."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

from appraisal.imports.tables import spreadsheet_safe


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(rows: Iterable[Iterable[object]], filename: str) -> StreamingHttpResponse:
    """A UTF-8 CSV that Excel opens as such (with a BOM), each cell safe from being read as a
    formula."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
