"""Base class for every back-office ModelAdmin, and the back office's titles."""

import functools

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from .services import DomainError


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget queries the bound value as is: a value that is not a key
    (a crafted POST) raised ValueError while re-rendering the refused form (a 500), and an
    integer beyond the column's range overflowed the database driver. Values the target field
    cannot read or store are left out; the form's own error is shown."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or "pk")
        low = high = None
        if isinstance(target, models.IntegerField):  # auto and big auto fields included
            low, high = connections[self.db or "default"].ops.integer_field_range(target.get_internal_type())
        readable = []
        for item in value:
            try:
                key = target.to_python(item)
            except ValidationError:
                continue
            if isinstance(key, int) and (
                (low is not None and key < low) or (high is not None and key > high)
            ):
                continue
            readable.append(item)
        return super().optgroups(name, readable, attr)


def has_simple_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class ConumModelAdmin(SimpleHistoryAdmin):
    """save_on_top, relations loaded up front, fields owned by services read-only.

    * ``service_owned_fields``: fields a service writes (states, dates of transitions,
      amounts computed by a service). They are never editable here; the admin's actions
      call the service through :meth:`run_service` instead.
    * Relations: ``list_select_related`` when given, otherwise the forward foreign keys shown
      in ``list_display``, are loaded with the rows (no query per line); the change form's
      foreign-key drop-downs use ``raw_id_fields``/``autocomplete_fields`` where subclasses
      declare them.
    * History: models with django-simple-history get its "Historique" page (who changed
      what and when); other models fall back to Django's admin log.
    """

    save_on_top = True
    list_per_page = 50
    show_full_result_count = False
    service_owned_fields: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @property
    def object_history_template(self):
        return "simple_history/object_history.html" if has_simple_history(self.model) else None

    def history_view(self, request, object_id, extra_context=None):
        if has_simple_history(self.model):
            return super().history_view(request, object_id, extra_context=extra_context)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context=extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in self.service_owned_fields if f not in fields)

    def related_to_load(self) -> list[str]:
        if isinstance(self.list_select_related, list | tuple):
            return list(self.list_select_related)
        related = []
        for name in self.list_display:
            if not isinstance(name, str):
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # a method or a callable column
                continue
            if isinstance(field, models.ForeignKey | models.OneToOneField):
                related.append(name)
        return related

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        related = self.related_to_load()
        return qs.select_related(*related) if related else qs

    def get_list_select_related(self, request):
        return self.related_to_load() or self.list_select_related

    def run_service(self, request, func, /, success_message: str | None = None, **kwargs):
        """Call a service; show its French error instead of a 500. Returns True on success."""
        try:
            func(**kwargs)
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return False
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return False
        self.log_service_action(request, func, kwargs)
        if success_message:
            self.message_user(request, success_message, level=messages.SUCCESS)
        return True

    def log_service_action(self, request, func, kwargs) -> None:
        """Write the admin log (LogEntry, "Historique") for each object a successful action changed.

        The objects are the model instances passed to the service (lists included), the acting
        user aside; the message names the admin action (or the service when called otherwise).
        """
        action = request.POST.get("action", "") if request.method == "POST" else ""
        actions = self.get_actions(request) if action else {}
        label = str(actions[action][2]) if action in actions else func.__name__.replace("_", " ")
        objects = []
        for value in kwargs.values():
            values = value if isinstance(value, list | tuple | models.QuerySet) else [value]
            objects.extend(v for v in values if isinstance(v, models.Model) and not (v == request.user))
        for obj in objects:
            self.log_change(request, obj, f"Action : {label}")


class ActionLogMixin:
    """The admin log for the actions of the other apps' admins (allauth's "vérifier les adresses",
    axes' clean-up, django-celery-beat's enable/disable/toggle/run): they write none of their own.

    Once such an action has run, one LogEntry per selected object names it ("Action : ...", as
    :meth:`ConumModelAdmin.log_service_action`). An action that answers with a page (a
    confirmation, a download) has not acted yet and is not logged; Django's ``delete_selected``
    logs each deletion itself; the project's actions log through ``run_service``.
    """

    def get_action(self, action):
        found = super().get_action(action)
        if found is None or found[1] == "delete_selected":
            return found
        func, name, description = found
        return _logged_action(func, description), name, description


def _logged_action(func, description):
    @functools.wraps(func)
    def action(modeladmin, request, queryset):
        selected = list(queryset)  # before the action changes or removes them
        if not hasattr(request, "axes_attempt_time"):
            # django-axes' "clean up expired attempts" reads the time its login handler sets on
            # the request: absent outside a login (AttributeError, a 500); None means "now".
            request.axes_attempt_time = None
        response = func(modeladmin, request, queryset)
        if response is None and selected:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=selected,
                action_flag=CHANGE,
                change_message=f"Action : {description}",
            )
        return response

    return action


def log_every_action(site: admin.AdminSite) -> None:
    """Give every registered admin that is not a :class:`ConumModelAdmin` the action log of
    :class:`ActionLogMixin` (idempotent)."""
    for model_admin in site._registry.values():
        cls = type(model_admin)
        if not issubclass(cls, ConumModelAdmin | ActionLogMixin):
            model_admin.__class__ = type(cls.__name__, (ActionLogMixin, cls), {"__module__": cls.__module__})


def _site_urls_with_action_log(get_urls):
    """The site's URLs are built once every app has registered its admins: the place to add the
    action log to the other apps' admins."""

    @functools.wraps(get_urls)
    def wrapped():
        log_every_action(admin.site)
        return get_urls()

    return wrapped


@login_not_required
def admin_login(request, extra_context=None):
    """The back office has no login form of its own: allauth's applies its checks to operators
    too (rate limits and lockout, two-factor step). Staff already signed in go on to the back
    office; a signed-in user without access gets 403."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated and admin.site.has_permission(request):
        return redirect(next_url)
    if request.user.is_authenticated:
        return render(
            request,
            "403.html",
            {
                "title": "Accès refusé",
                "message": "Vous êtes connecté, mais vous n’êtes pas autorisé à accéder au back office.",
            },
            status=403,
        )
    return redirect_to_login(next_url, login_url=reverse("account_login"))


admin.site.login = admin_login
admin.site.get_urls = _site_urls_with_action_log(admin.site.get_urls)
admin.site.site_header = "Conum — back office ANCT / Banque des Territoires"
admin.site.site_title = "Conum — back office"
admin.site.index_title = "Pilotage du dispositif Conseiller numérique"
