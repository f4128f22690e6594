"""Back-office imports (django-import-export): CSV as French spreadsheets save it.

Excel and LibreOffice in French save CSV with ``;`` between columns (the comma is the decimal
separator), often with a byte-order mark. The CSV format below reads both ``;`` and ``,``
(whichever the header line uses more) and drops the mark, so an operator imports the file
exactly as their spreadsheet wrote it.
"""

from __future__ import annotations

from import_export.formats import base_formats


def delimiter_of(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        in_stream = in_stream.removeprefix("\ufeff")
        kwargs.setdefault("delimiter", delimiter_of(in_stream.split("\n", 1)[0]))
        return super().create_dataset(in_stream, **kwargs)


class FrenchCsvImportMixin:
    """For ``ImportExportMixin`` admins: the import's CSV choice reads ``;`` files too."""

    def get_import_formats(self):
        return [CSV if fmt is base_formats.CSV else fmt for fmt in super().get_import_formats()]
