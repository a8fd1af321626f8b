from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Exists, OuterRef, Q, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import admin_csv
from .admin_forms import MutualAdminForm, SourceInlineFormSet
from .db import by_name
from .history import related_changes
from .models import Commissioner, Contract, Correction, District, Mutual, PublishedFigure, Region, Sector, Source

admin.site.site_header = "Mutuals Directory: editors"
admin.site.site_title = "Mutuals Directory admin"
admin.site.index_title = "Keep the directory true"

IMPORT_SALT = "directory.mutual-import"
IMPORT_MAX_BYTES = 2 * 1024 * 1024


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "mutual_count"]
    search_fields = ["name", "ons_code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mutual_count=Count("mutuals"))

    @admin.display(description="mutuals", ordering="mutual_count")
    def mutual_count(self, region):
        return region.mutual_count


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "mutual_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mutual_count=Count("mutuals"))

    @admin.display(description="mutuals", ordering="mutual_count")
    def mutual_count(self, sector):
        return sector.mutual_count


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """England's districts, as read from the ONS boundaries by import_research: looked up here, never edited."""

    list_display = ["name", "mutual_count"]
    search_fields = ["name"]
    fields = ["name", "slug", ("west", "south", "east", "north")]

    def get_queryset(self, request):
        # Grouped queries drop Meta.ordering, and the districts' search pages through them: order explicitly.
        return super().get_queryset(request).annotate(mutual_count=Count("mutuals")).order_by(by_name())

    @admin.display(description="mutuals serving it", ordering="mutual_count")
    def mutual_count(self, district):
        return district.mutual_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commissioner)
class CommissionerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "contract_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contract_count=Count("contracts"))

    @admin.display(description="contract values", ordering="contract_count")
    def contract_count(self, commissioner):
        return commissioner.contract_count


class ContractInline(admin.StackedInline):
    model = Contract
    extra = 0
    autocomplete_fields = ["commissioner"]
    readonly_fields = ["annual_value_gbp"]
    fields = [
        ("commissioner", "funding_type"),
        "service",
        ("value_gbp", "value_basis", "annual_value_gbp"),
        ("start_year", "end_year"),
        "funding_detail",
        "source_url",
        "source_quote",
    ]
    verbose_name = "contract value"
    verbose_name_plural = "contract values and funding"


class SourceInline(admin.TabularInline):
    model = Source
    formset = SourceInlineFormSet
    extra = 1
    fields = ["url", "title", "backs", "position"]


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(is_published=True)
        if self.value() == "draft":
            return queryset.filter(is_published=False)
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("stale", "Not verified for 12 months"), ("never", "Never verified")]

    def queryset(self, request, queryset):
        year_ago = timezone.localdate() - timedelta(days=365)
        if self.value() == "stale":
            return queryset.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=year_ago))
        if self.value() == "never":
            return queryset.filter(last_verified__isnull=True)
        return queryset


class MissingFilter(admin.SimpleListFilter):
    title = "missing"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("location", "No location"), ("website", "No website"), ("sources", "No sources")]

    def queryset(self, request, queryset):
        if self.value() == "location":
            return queryset.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
        if self.value() == "website":
            return queryset.filter(website="")
        if self.value() == "sources":
            return queryset.filter(~Exists(Source.objects.filter(mutual=OuterRef("pk"))))
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="The columns of the research file mutuals.csv; “Export as CSV” in the list gives you one to edit.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError("The file is larger than 2 MB; split it into smaller files.")
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”."
            ) from None


@admin.register(Mutual)
class MutualAdmin(SimpleHistoryAdmin):
    form = MutualAdminForm
    change_list_template = "admin/directory/mutual/change_list.html"
    object_history_template = "admin/directory/mutual/object_history.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "services"]}),
        ("Sectors", {"fields": ["primary_sector", "sectors", "sector_detail"]}),
        (
            "Where it is",
            {
                "fields": [
                    "region",
                    ("town", "postcode"),
                    "location_map",
                    ("latitude", "longitude"),
                    "location_basis",
                    "location_note",
                ]
            },
        ),
        (
            "Where it works",
            {
                "description": (
                    "The districts where it delivers its services, and how that was found: shown with its basis "
                    "and source wherever its areas are."
                ),
                "fields": [
                    "area_scope",
                    "districts",
                    "area_basis",
                    "area_basis_detail",
                    "area_source_urls",
                    "area_quote",
                ],
            },
        ),
        (
            "Organisation",
            {
                "fields": [
                    "website",
                    "legal_form",
                    ("register", "registration_number"),
                    "org_id",
                    "year_spun_out",
                    "parent_body",
                    ("staff_count", "staff_count_detail"),
                    "ownership_detail",
                    ("turnover_gbp", "turnover_period"),
                ]
            },
        ),
        ("Status", {"fields": ["status", "status_year", "status_note"]}),
        (
            "Evidence and publication",
            {"fields": ["evidence", "notes", "is_published", ("last_verified", "last_verified_by")]},
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["org_id", "created_at", "updated_at", "last_verified_by"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sectors"]
    autocomplete_fields = ["districts"]
    inlines = [ContractInline, SourceInline]
    list_display = [
        "name",
        "primary_sector_name",
        "region_name",
        "status",
        "publication",
        "last_verified",
        "source_count",
        "updated_at",
        "public_page",
    ]
    list_filter = [
        PublicationFilter,
        "status",
        "sectors",
        "region",
        "evidence",
        VerificationFilter,
        MissingFilter,
    ]
    search_fields = ["name", "town", "parent_body", "registration_number", "summary"]
    list_select_related = ["region", "primary_sector"]
    actions = ["publish", "unpublish", "mark_verified_today", "export_csv"]
    list_per_page = 50
    save_on_top = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources", distinct=True))

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{info}_import"),
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name=f"{info}_preview"),
            *super().get_urls(),
        ]

    def view_on_site(self, mutual):
        if mutual.is_published:
            return mutual.get_absolute_url()
        return reverse("admin:directory_mutual_preview", args=[mutual.pk])

    @admin.display(description="primary sector", ordering="primary_sector__name")
    def primary_sector_name(self, mutual):
        return mutual.primary_sector.name

    @admin.display(description="region", ordering="region__name")
    def region_name(self, mutual):
        return mutual.region.name if mutual.region else "not known"

    @admin.display(description="publication", ordering="is_published")
    def publication(self, mutual):
        return "Published" if mutual.is_published else "Draft"

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, mutual):
        return mutual.source_count

    @admin.display(description="public page")
    def public_page(self, mutual):
        if mutual.is_published:
            return format_html('<a href="{}">View</a>', mutual.get_absolute_url())
        return format_html('<a href="{}">Preview draft</a>', self.view_on_site(mutual))

    @admin.display(description="Org-ID")
    def org_id(self, mutual):
        return mutual.org_id or "none (no register and number)"

    def save_model(self, request, obj, form, change):
        if "last_verified" in form.changed_data:
            obj.last_verified_by = Mutual.VerifiedBy.EDITOR
        super().save_model(request, obj, form, change)

    def save_with_reason(self, request, mutual, reason, **changes):
        """Save `changes` to one mutual through save(), so history, the admin log and signals all see it."""
        for name, value in changes.items():
            setattr(mutual, name, value)
        mutual._change_reason = reason
        mutual.save(update_fields=[*changes, "updated_at"])
        self.log_change(request, mutual, reason)

    @admin.action(description="Publish the selected mutuals", permissions=["change"])
    def publish(self, request, queryset):
        published, refused = [], []
        for mutual in queryset.filter(is_published=False):
            problems = mutual.publication_problems()
            if problems:
                refused.append(f"{mutual} ({'; '.join(problems)})")
                continue
            self.save_with_reason(request, mutual, "Published.", is_published=True)
            published.append(mutual)
        if published:
            count = len(published)
            self.message_user(
                request, ngettext("Published %d mutual.", "Published %d mutuals.", count) % count, messages.SUCCESS
            )
        if refused:
            left = ngettext("Not published, left as a draft", "Not published, left as drafts", len(refused))
            self.message_user(request, f"{left}: {', '.join(refused)}.", messages.ERROR)
        if not published and not refused:
            self.message_user(request, "The selected mutuals were already published.", messages.INFO)

    @admin.action(description="Unpublish the selected mutuals (make them drafts)", permissions=["change"])
    def unpublish(self, request, queryset):
        mutuals = list(queryset.filter(is_published=True))
        for mutual in mutuals:
            self.save_with_reason(request, mutual, "Unpublished.", is_published=False)
        if not mutuals:
            self.message_user(request, "The selected mutuals were already drafts.", messages.INFO)
            return
        count = len(mutuals)
        message = ngettext(
            "Unpublished %d mutual: it is a draft now.", "Unpublished %d mutuals: they are drafts now.", count
        )
        self.message_user(request, message % count, messages.SUCCESS)

    @admin.action(description="Mark the selected mutuals verified today", permissions=["change"])
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        mutuals = list(queryset)
        for mutual in mutuals:
            self.save_with_reason(
                request,
                mutual,
                f"Verified on {today.isoformat()}.",
                last_verified=today,
                last_verified_by=Mutual.VerifiedBy.EDITOR,
            )
        count = len(mutuals)
        message = ngettext("Marked %d mutual verified today.", "Marked %d mutuals verified today.", count)
        self.message_user(request, message % count, messages.SUCCESS)

    @admin.action(description="Export the selected mutuals as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return admin_csv.export_response(queryset)

    def preview_view(self, request, object_id):
        mutual = get_object_or_404(Mutual.objects.for_detail(), pk=object_id)
        if not self.has_view_or_change_permission(request, mutual):
            raise PermissionDenied
        return render(request, "directory/mutual_preview.html", {"mutual": mutual, "object": mutual})

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "related_changes": related_changes(object_id)}
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting_to = get_object_or_404(Mutual.history, id=object_id, history_id=version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        version = getattr(request, "reverting_to", None)
        if version is None:
            return form
        # django-simple-history rebuilds a past version's fields but not its many-to-many ones: offer the sectors and
        # districts it had then, so that Revert restores them too.
        then = {
            field.name: [
                row[f"{field.related_model._meta.model_name}_id"] for row in getattr(version, field.name).values()
            ]
            for field in (Mutual._meta.get_field("sectors"), Mutual._meta.get_field("districts"))
        }

        class RevertForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial.update(then)

        return RevertForm

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form, report, payload, file_name = ImportForm(), None, "", ""
        if request.method == "POST" and "payload" in request.POST:
            try:
                file_name, text = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600)
            except signing.BadSignature:
                self.message_user(request, "That preview has expired: upload the file again.", messages.ERROR)
                return redirect("admin:directory_mutual_import")
            report = admin_csv.import_mutuals(text, dry_run=False, reason=f"Imported from {file_name}.")
            if report.applied:
                self.log_import(request, report, file_name)
                return redirect("admin:directory_mutual_changelist")
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                file_name, text = form.cleaned_data["file"]
                report = admin_csv.import_mutuals(text, dry_run=True)
                payload = signing.dumps([file_name, text], salt=IMPORT_SALT, compress=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import mutuals from CSV",
            "form": form,
            "report": report,
            "payload": payload,
            "file_name": file_name,
            "columns": admin_csv.COLUMNS,
            "area_columns": admin_csv.AREA_COLUMNS.values(),
            "media": self.media + form.media,
        }
        return render(request, "admin/directory/mutual/import.html", context)

    def log_import(self, request, report, file_name):
        for row in report.created:
            self.log_addition(request, row.mutual, f"Imported from {file_name} (row {row.number}), as a draft.")
        for row in report.changed:
            changed = ", ".join(label for label, _old, _new in row.changes)
            self.log_change(request, row.mutual, f"Imported from {file_name} (row {row.number}): {changed}.")
        created = len(report.created)
        created_text = ngettext("%d created as a draft", "%d created as drafts", created) % created
        self.message_user(
            request,
            f"Imported {file_name}: {created_text}, {len(report.changed)} changed, {len(report.unchanged)} unchanged.",
            messages.SUCCESS,
        )


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["service", "mutual", "commissioner", "value_gbp", "value_basis", "start_year", "end_year"]
    list_filter = ["funding_type", "value_basis", "end_year"]
    search_fields = ["service", "mutual__name", "commissioner__name"]
    autocomplete_fields = ["mutual", "commissioner"]
    list_select_related = ["mutual", "commissioner"]
    readonly_fields = ["annual_value_gbp"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["label", "mutual", "backs", "position"]
    search_fields = ["url", "title", "mutual__name"]
    autocomplete_fields = ["mutual"]
    list_select_related = ["mutual"]


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ["figure", "value", "unit", "as_of", "position"]
    list_filter = ["figure"]
    search_fields = ["figure", "scope", "wording"]


@admin.register(Correction)
class CorrectionAdmin(SimpleHistoryAdmin):
    """The editors' queue of readers' reports: open ones first, each with its history of who changed its status."""

    list_display = ["created_at", "kind", "status", "concerning", "excerpt", "source_link", "reply_to"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["message", "email", "name", "mutual__name", "editor_note"]
    list_select_related = ["mutual"]
    readonly_fields = ["kind", "mutual", "name", "website", "message", "source_url", "email", "created_at"]
    fields = [*readonly_fields, "status", "editor_note"]
    history_list_display = ["status", "editor_note"]
    actions = ["mark_checking", "mark_added", "mark_declined"]

    def has_add_permission(self, request):
        return False

    def get_ordering(self, request):
        statuses = list(Correction.Status)
        rank = Case(*(When(status=status, then=position) for position, status in enumerate(statuses)))
        return [rank.asc(), "-created_at"]

    @admin.display(description="about")
    def concerning(self, correction):
        if correction.mutual:
            url = reverse("admin:directory_mutual_change", args=[correction.mutual.pk])
            return format_html('<a href="{}">{}</a>', url, correction.mutual.name)
        if correction.kind == Correction.Kind.MISSING:
            return correction.name or "name not given"
        return "the directory in general"

    @admin.display(description="email for a reply", ordering="email")
    def reply_to(self, correction):
        return correction.email or "none given"

    @admin.display(description="what they say")
    def excerpt(self, correction):
        return Truncator(correction.message).chars(120)

    @admin.display(description="source")
    def source_link(self, correction):
        if not correction.source_url:
            return "none given"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', correction.source_url, "Open")

    def set_status(self, request, queryset, status):
        label = Correction.Status(status).label.lower()
        reports = list(queryset.exclude(status=status))
        for report in reports:
            report.status = status
            report._change_reason = f"Marked {label}."
            report.save(update_fields=["status"])
            self.log_change(request, report, f"Marked {label}.")
        if not reports:
            self.message_user(request, f"The selected reports were already marked {label}.", messages.INFO)
            return
        message = ngettext("Marked %d report %s.", "Marked %d reports %s.", len(reports))
        self.message_user(request, message % (len(reports), label), messages.SUCCESS)

    @admin.action(description="Mark the selected reports: checking", permissions=["change"])
    def mark_checking(self, request, queryset):
        self.set_status(request, queryset, Correction.Status.CHECKING)

    @admin.action(description="Mark the selected reports: added or corrected", permissions=["change"])
    def mark_added(self, request, queryset):
        self.set_status(request, queryset, Correction.Status.ADDED)

    @admin.action(description="Mark the selected reports: declined", permissions=["change"])
    def mark_declined(self, request, queryset):
        self.set_status(request, queryset, Correction.Status.DECLINED)
