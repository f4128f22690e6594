"""Core back office: users and their habilitations (with history), the email outbox.

django-celery-beat registers its own pages (tâches périodiques, planifications): operators see
the schedules declared in code (``setup_periodic_tasks``) and can pause them.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import admin_territories  # noqa: F401
from .admin_base import ConumModelAdmin
from .models import Habilitation, OutboxEmail, User
from .notifications import resend as resend_email


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un utilisateur existe déjà avec cette adresse électronique.")
        return email


class UserChangeForm(forms.ModelForm):
    """No password field at all: the hash (even masked) is never shown."""

    class Meta:
        model = User
        fields = (
            "email",
            "first_name",
            "last_name",
            "telephone",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Un utilisateur existe déjà avec cette adresse électronique.")
        return email


class HabilitationInline(admin.TabularInline):
    model = Habilitation
    fields = ("role", "departement", "region", "grand_reseau", "created_at")
    readonly_fields = ("created_at",)
    extra = 0
    verbose_name = "habilitation (rôle)"


@admin.register(User)
class UserAdmin(ConumModelAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password_status")}),
        ("Identité", {"fields": ("first_name", "last_name", "telephone")}),
        (
            "Accès au back office",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": "« Équipe » donne accès au back office ; les rôles métier sont les habilitations.",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )
    readonly_fields = ("password_status", "last_login", "date_joined")
    inlines = [HabilitationInline]
    list_display = ("email", "first_name", "last_name", "roles_display", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "habilitations__role")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    filter_horizontal = ("groups", "user_permissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("habilitations")

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.display(description="rôles")
    def roles_display(self, obj):
        return ", ".join(sorted({h.get_role_display() for h in obj.habilitations.all()})) or "—"

    @admin.display(description="mot de passe")
    def password_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        state = "Défini" if obj.has_usable_password() else "Aucun (connexion ProConnect ou invitation)"
        return format_html('{} — <a href="{}">Définir un nouveau mot de passe</a>', state, url)


@admin.register(Habilitation)
class HabilitationAdmin(ConumModelAdmin):
    list_display = ("user", "role", "departement", "region", "grand_reseau", "created_at")
    list_filter = ("role", "region", "grand_reseau")
    list_select_related = ("user", "departement", "region")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)
    history_list_display = ("role", "departement", "region", "grand_reseau")


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ConumModelAdmin):
    """Read-only: the outbox is written by services and sent by the worker."""

    save_on_top = False
    list_display = ("subject", "recipients", "status", "attempts", "created_at", "sent_at", "error_summary")
    list_filter = ("status", "template")
    search_fields = ("subject", "key", "template")
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = (
        "status",
        "recipients",
        "subject",
        "body",
        "html_body",
        "template",
        "key",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("conumapp.change_outboxemail")

    @admin.display(description="destinataires")
    def recipients(self, obj):
        return format_html_join(", ", "{}", ((address,) for address in obj.to))

    @admin.display(description="dernière erreur")
    def error_summary(self, obj):
        return obj.last_error[:80] if obj.last_error else "—"

    @admin.action(description="Renvoyer les courriels sélectionnés", permissions=["resend"])
    def resend(self, request, queryset):
        done = sum(self.run_service(request, resend_email, email=email) for email in queryset.order_by("pk"))
        if done:
            self.message_user(request, f"{done} courriel(s) remis en file d'envoi.")
