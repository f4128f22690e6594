"""NUL characters removed from query strings and form fields, before any view reads them.

Nobody types a NUL character; robots and hostile posts do. PostgreSQL refuses it in text
columns and in query parameters, so a raw value reaching a query (a search box, a foreign key
typed in the back office, a reason posted on a confirmation page, a filter) turned into a 500.
Forms then validate what remains, with their French messages. Uploaded files are untouched.
"""

from __future__ import annotations

from django.http import QueryDict

NUL = "\x00"


def _sans_nul(data: QueryDict) -> QueryDict:
    if not any(NUL in key or any(NUL in value for value in values) for key, values in data.lists()):
        return data
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    clean._mutable = False
    return clean


class NulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _sans_nul(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _sans_nul(request.POST)
        return self.get_response(request)
