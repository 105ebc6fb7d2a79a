"""documents' tables: the evidence locker and the PDFs made from it (evidence.py), and what
makes a PDF an issued administrative document (issuing.py)."""

from documents.models.evidence import (
    Binding,
    CampaignDocument,
    Document,
    DocumentVersion,
    EvidenceManifest,
    FileKind,
    GeneratedReport,
    campaign_document_path,
    report_path,
    version_path,
)
from documents.models.issuing import IssuerProfile, Publication, Register

__all__ = [
    "Binding",
    "CampaignDocument",
    "Document",
    "DocumentVersion",
    "EvidenceManifest",
    "FileKind",
    "GeneratedReport",
    "IssuerProfile",
    "Publication",
    "Register",
    "campaign_document_path",
    "report_path",
    "version_path",
]
