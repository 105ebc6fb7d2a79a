from django.contrib import admin
from django.http import HttpRequest

from appraisal.models import (
    Campaign,
    CampaignFramework,
    Framework,
    FrameworkNode,
    Organisation,
    OrganisationLineage,
    Program,
    RoleAssignment,
    StageDeadline,
    Submission,
)


class LineageInline(admin.TabularInline):
    model = OrganisationLineage
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_vi",
        "kind",
        "region",
        "assessed",
        "ranked",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", "region", "assessed", "ranked"]
    search_fields = ["code", "name_vi", "name_en"]
    autocomplete_fields = ["parent"]
    inlines = [LineageInline]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "owner"]
    autocomplete_fields = ["owner"]


class FrameworkNodeInline(admin.TabularInline):
    model = FrameworkNode
    extra = 0
    fields = ["code", "name_vi", "max_points", "scoring_mode", "scoring_method", "owner"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        # Nodes come from framework files, which are validated as a whole.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is not None and not obj.is_locked and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "program", "level", "version", "status", "total_points"]
    list_filter = ["program", "level", "status"]
    search_fields = ["code", "name_vi"]
    inlines = [FrameworkNodeInline]
    readonly_fields = [
        "program",
        "code",
        "level",
        "status",
        "total_points",
        "survey_points",
        "appraised_points",
        "locked_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Frameworks are imported from files (import_framework or the upload page).
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None or not obj.is_locked


class CampaignFrameworkInline(admin.TabularInline):
    model = CampaignFramework
    extra = 0


class StageDeadlineInline(admin.TabularInline):
    model = StageDeadline
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "name_vi", "program", "state"]
    list_filter = ["program", "state"]
    readonly_fields = ["state"]
    inlines = [CampaignFrameworkInline, StageDeadlineInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["unit", "campaign", "level", "state", "updated_at"]
    list_filter = ["campaign", "level", "state"]
    search_fields = ["unit__code", "unit__name_vi"]
    list_select_related = ["unit", "campaign"]
    readonly_fields = ["campaign", "unit", "level", "framework", "state"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "organisation", "granted_at"]
    list_filter = ["program", "role"]
    search_fields = ["user__username", "organisation__code"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "program", "organisation"]
