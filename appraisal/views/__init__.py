from appraisal.views.inbox import inbox, inbox_count
from appraisal.views.reference import (
    campaign_detail,
    campaign_list,
    framework_detail,
    framework_export,
    framework_list,
    framework_lock,
    framework_upload,
    home,
    organisation_list,
)
from appraisal.views.roles import role_list, role_revoke
from appraisal.views.submissions import (
    audit_export,
    submission_detail,
    submission_timeline,
    submission_transition,
)
from appraisal.views.workspace import (
    item_not_applicable,
    item_save,
    na_request_decide,
    submission_export_xlsx,
    submission_import_xlsx,
    submission_workspace,
)

__all__ = [
    "audit_export",
    "campaign_detail",
    "campaign_list",
    "framework_detail",
    "framework_export",
    "framework_list",
    "framework_lock",
    "framework_upload",
    "home",
    "item_not_applicable",
    "item_save",
    "na_request_decide",
    "submission_workspace",
    "submission_export_xlsx",
    "submission_import_xlsx",
    "inbox",
    "inbox_count",
    "organisation_list",
    "role_list",
    "role_revoke",
    "submission_detail",
    "submission_timeline",
    "submission_transition",
]
