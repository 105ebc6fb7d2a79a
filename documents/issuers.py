"""Who issues a document and under which number (Decree 30/2020/NĐ-CP, Appendix I).

An organisation's issuing data is a row the secretariat or its leader keeps in the app, or,
until they do, what its kind and name imply (`default_profile`): "ỦY BAN NHÂN DÂN THÀNH PHỐ
HÀ NỘI", symbol "UBND", place "Hà Nội" for the city of Hà Nội. What a decision cannot be
issued without (`missing`) is named, never guessed: a signer's name, the legal grounds."""

import secrets
import unicodedata
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Campaign, Organisation
from appraisal.models.choices import OrganisationKind
from documents.models import IssuerProfile, Publication, Register
from documents.signers import configured_roles

LOCAL_PREFIXES = ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu ", "Thị trấn ")


def _place(name: str) -> str:
    for prefix in LOCAL_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _initials(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn")
    return "".join(word[0].upper() for word in plain.split() if word[0].isalpha())


def _head(name: str) -> str:
    """The title of a ministry-level body's head, as its decisions name the authority."""
    if name.startswith("Ngân hàng Nhà nước"):
        return "Thống đốc"
    if name.startswith(("Văn phòng Chính phủ", "Ủy ban")):
        return "Bộ trưởng, Chủ nhiệm"
    if name.startswith("Thanh tra Chính phủ"):
        return "Tổng Thanh tra"
    return "Bộ trưởng"


def default_profile(org: Organisation) -> IssuerProfile:
    """What the organisation's documents say until someone keeps its data in the app.
    Names are kept as written in a sentence; the documents capitalise where Decree 30 asks."""
    name = org.name_vi
    parent = default_or_saved(org.parent) if org.parent is not None else None
    if org.kind == OrganisationKind.MINISTRY:
        head = _head(name)
        return IssuerProfile(
            organisation=org,
            formal_name=name,
            symbol=org.code,
            place="Hà Nội",
            authority="Tổng Thanh tra Chính phủ" if head == "Tổng Thanh tra" else f"{head} {name}",
            signer_position=head.upper(),
            proposer="Vụ trưởng Vụ Tổ chức cán bộ",
            implementers="Chánh Văn phòng\nThủ trưởng các cơ quan, đơn vị có liên quan",
        )
    if org.kind in (OrganisationKind.PROVINCE, OrganisationKind.COMMUNE):
        formal = f"Ủy ban nhân dân {name[0].lower()}{name[1:]}"
        return IssuerProfile(
            organisation=org,
            formal_name=formal,
            superior_body=parent.formal_name if parent else "",
            symbol="UBND",
            place=_place(name),
            authority=f"Chủ tịch {formal}",
            signer_position="CHỦ TỊCH",
            proposer="Giám đốc Sở Nội vụ" if org.kind == OrganisationKind.PROVINCE else "",
            implementers="Chánh Văn phòng Ủy ban nhân dân\nThủ trưởng các cơ quan, đơn vị có liên quan",
        )
    # a department (sở, ban, ngành) under a province or a ministry
    return IssuerProfile(
        organisation=org,
        formal_name=name,
        superior_body=parent.formal_name if parent else "",
        symbol=_initials(name),
        place=parent.place if parent else "",
        authority=f"Giám đốc {name}",
        signer_position="GIÁM ĐỐC",
        implementers="Thủ trưởng các cơ quan, đơn vị có liên quan",
    )


def default_or_saved(org: Organisation) -> IssuerProfile:
    try:
        return org.issuer_profile
    except IssuerProfile.DoesNotExist:
        return default_profile(org)


# what an issued decision cannot do without, by field, in the order the form shows them
REQUIRED = tuple(name for name in IssuerProfile.EDITABLE if name != "superior_body")


def missing(profile: IssuerProfile) -> list[str]:
    """The labels of the required elements the profile lacks (empty: it may issue)."""
    return [
        str(getattr(IssuerProfile._meta.get_field(name), "verbose_name", name))
        for name in REQUIRED
        if not str(getattr(profile, name) or "").strip()
    ]


def lines(text: str) -> list[str]:
    return [line.strip().rstrip(";,.") for line in (text or "").splitlines() if line.strip()]


@dataclass
class Issuer:
    """The issuing data as documents print it; a campaign's publication keeps it as JSON."""

    code: str
    formal_name: str
    superior_body: str
    symbol: str
    place: str
    authority: str
    signer_position: list[str]
    signer_name: str
    grounds: list[str]
    proposer: str
    implementers: list[str]
    numbers: dict[str, int] = field(default_factory=dict)
    issued_on: str = ""

    @classmethod
    def of(cls, profile: IssuerProfile) -> "Issuer":
        return cls(
            code=profile.organisation.code,
            formal_name=profile.formal_name.strip(),
            superior_body=profile.superior_body.strip(),
            symbol=profile.symbol.strip(),
            place=profile.place.strip(),
            authority=profile.authority.strip(),
            signer_position=lines(profile.signer_position),
            signer_name=profile.signer_name.strip(),
            grounds=lines(profile.grounds),
            proposer=profile.proposer.strip(),
            implementers=lines(profile.implementers),
        )

    def as_json(self) -> dict:
        return asdict(self)


def next_number(issuer: Organisation, year: int) -> int:
    """The next number of the issuer's outgoing register for the year. Call inside the
    transaction that issues: the register's row stays locked until it commits, and a
    rolled-back issue gives its number back, so numbers have no gaps."""
    assert transaction.get_connection().in_atomic_block, "numbers are given inside a transaction"
    Register.objects.get_or_create(issuer=issuer, year=year)
    register = Register.objects.select_for_update().get(issuer=issuer, year=year)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return register.last_number


# a verification code: short enough to type from paper, no look-alike characters
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


# the documents publication numbers from the issuer's register
NUMBERED = ("decision", "year_report")


def issue_problem(org: Organisation) -> str:
    """Why the organisation cannot issue a decision now ("" when it can): the required
    elements its data lacks, and its signer's certificate where signing is required."""
    gaps = missing(default_or_saved(org))
    if settings.DOCUMENTS_REQUIRE_SIGNATURE and "person" not in configured_roles(org.code):
        gaps.append(_("chứng thư số của người ký"))
    if not gaps:
        return ""
    return _("Chưa thể ban hành văn bản: thông tin ban hành của %(issuer)s còn thiếu %(what)s.") % {
        "issuer": org.name_vi,
        "what": ", ".join(gaps),
    }


def freeze(campaign: Campaign) -> Publication:
    """At publication: keep the issuing data as it is now for the year's documents, date
    them and number them from the issuer's register. Inside the publishing transaction."""
    owner = campaign.program.owner
    problem = issue_problem(owner)
    if problem:
        raise ValidationError(problem)
    publication, _created = Publication.objects.select_for_update().get_or_create(campaign=campaign)
    issuer = Issuer.of(default_or_saved(owner))
    today = timezone.localdate()
    issuer.issued_on = today.isoformat()
    issuer.numbers = {kind: next_number(owner, today.year) for kind in NUMBERED}
    publication.snapshot = issuer.as_json()
    publication.save(update_fields=["snapshot", "updated_at"])
    return publication


def number(row, issuer: Organisation, symbol: str):
    """Number an issued row (documents.models.Issued) from the issuer's register, dated
    today, with a new verification code; rendered afterwards by the worker (`sha256` empty
    until then). Inside the issuing transaction."""
    today = timezone.localdate()
    row.issued_on, row.number = today, next_number(issuer, today.year)
    row.symbol, row.code, row.sha256 = symbol, new_code(), ""
    return row


def replace_file(row, name: str, pdf: bytes) -> None:
    """Put the PDF in the row's file field; the file it replaces is deleted on commit."""
    old_name = row.file.name if row.file else ""
    row.file.save(name, ContentFile(pdf), save=False)
    if old_name:
        transaction.on_commit(lambda: row.file.storage.delete(old_name))
