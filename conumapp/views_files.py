"""A ready-made, permission-checked download view for private files.

Each app declares its own URL and subclass, for example::

    class CvView(PrivateFileView):
        model = Conseiller
        file_field = "cv"
        filename_field = "cv_nom"             # optional: the original name kept at upload

        def get_queryset(self, request):
            return Conseiller.objects.visible_to(request.user)   # unseen → 404

        def has_permission(self, request, obj):
            return can_read_cv(request.user, obj)                # seen but not allowed → 403

    path("conseillers/<int:pk>/cv/", CvView.as_view(), name="conseiller_cv")

The default ``has_permission`` refuses everything: a subclass must decide.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View

from .files import serve_private_file


class PrivateFileView(View):
    model = None
    file_field: str = ""
    filename_field: str | None = None
    http_method_names = ["get", "head"]

    def get_queryset(self, request):
        return self.model._default_manager.all()

    def get_object(self, request, **kwargs):
        return get_object_or_404(self.get_queryset(request), pk=kwargs["pk"])

    def has_permission(self, request, obj) -> bool:
        return False

    def get_filename(self, obj) -> str | None:
        return getattr(obj, self.filename_field, None) if self.filename_field else None

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        if not self.has_permission(request, obj):
            raise PermissionDenied("Vous n'avez pas accès à ce document.")
        fieldfile = getattr(obj, self.file_field)
        if not fieldfile:
            raise Http404("Aucun document déposé.")
        return serve_private_file(request, fieldfile, self.get_filename(obj))
