"""Keeping an organisation's issuing data (how its documents name it, who signs, on which
grounds), with every change in the audit trail."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import Campaign, Organisation
from documents.issuers import default_profile
from documents.models import IssuerProfile, Publication
from workflow.audit import audit_campaign, audit_record
from workflow.models import AuditKind

FIELDS = IssuerProfile.EDITABLE


@transaction.atomic
def issuer_profile_save(
    *, organisation: Organisation, data: dict[str, str], actor: User | None, ip: str | None = None
) -> IssuerProfile:
    """Store the organisation's issuing data (the fields of `FIELDS` in `data`); one audit
    row per field that changed. The secretariat of any program and the organisation's own
    leader may; the command line and the demo act as None."""
    if actor is not None and not permissions.can_edit_issuer_profile(actor, organisation):
        raise PermissionDenied
    profile = IssuerProfile.objects.select_for_update().filter(
        organisation=organisation
    ).first() or default_profile(organisation)
    changed = []
    for name in FIELDS:
        if name in data:
            old, value = str(getattr(profile, name) or ""), str(data[name] or "").strip()
            if value != old:
                changed.append((name, old, value))
            setattr(profile, name, value)
    profile.updated_by = actor if actor is not None and actor.is_authenticated else None
    profile.full_clean(exclude=["organisation"])
    profile.save()
    for name, old, new in changed:
        audit_record(
            kind=AuditKind.DOCUMENT,
            actor=actor,
            ip=ip,
            obj_type="issuer_profile",
            obj_id=organisation.pk,
            action="edit",
            field=name,
            old_value=old[:4000],
            new_value=new[:4000],
        )
    return profile


def issuer_profiles_load(data: dict[str, dict[str, str]], *, actor: User | None = None) -> int:
    """Issuing data for several organisations at once ({code: fields}), as the demo and a
    new program's set-up keep it; unknown codes are refused by name, nothing written."""
    orgs = Organisation.objects.in_bulk(list(data), field_name="code")
    unknown = sorted(set(data) - set(orgs))
    if unknown:
        raise ValidationError(
            _("Không có cơ quan, đơn vị mã %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    with transaction.atomic():
        for code, fields in data.items():
            issuer_profile_save(organisation=orgs[code], data=fields, actor=actor)
    return len(data)


@transaction.atomic
def publication_texts_save(
    *, campaign: Campaign, data: dict[str, str], actor: User | None, ip: str | None = None
) -> Publication:
    """The secretariat's texts of the year's decision and report; refused once the year is
    published (its documents are issued and never change)."""
    if actor is not None and not permissions.is_secretariat(actor, campaign.program_id):
        raise PermissionDenied
    publication, _created = Publication.objects.select_for_update().get_or_create(campaign=campaign)
    if publication.snapshot:
        raise ValidationError(_("Văn bản công bố đã ban hành: không sửa được nội dung nữa."))
    for name in ("decision_text", "report_text"):
        value = str(data.get(name) or "").strip()
        old = getattr(publication, name)
        if value != old:
            setattr(publication, name, value)
            audit_campaign(
                campaign,
                "publication_text",
                kind=AuditKind.DOCUMENT,
                actor=actor,
                ip=ip,
                field=name,
                old_value=old[:4000],
                new_value=value[:4000],
            )
    publication.updated_by = actor if actor is not None and actor.is_authenticated else None
    publication.save()
    return publication
