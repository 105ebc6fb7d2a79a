"""National-scale demo data, the evidence part: a pool of real PDF and image files shared by
reference, bound to items, frozen in manifests for submitted reports."""

import hashlib
import json
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from appraisal.demo.scale_base import EVIDENCE_POOL, People, S, at_least
from appraisal.demo.scale_rows import insert_rows, reserve_ids
from appraisal.models import (
    ScoreItem,
)
from appraisal.models.choices import ScoringMode
from documents.models import Binding, Document, DocumentVersion, EvidenceManifest


@dataclass
class PoolFile:
    name: str
    size: int
    sha256: str


def _pdf(text: str) -> bytes:
    """A small, valid one-page PDF showing `text` (ASCII)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def evidence_pool() -> list[PoolFile]:
    pool = []
    for n in range(EVIDENCE_POOL):
        data = _pdf(f"Tai lieu kiem chung so {n + 1} - du lieu quy mo quoc gia")
        name = f"evidence/scale/{n + 1:03}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        pool.append(PoolFile(name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest()))
    return pool


def make_evidence(submissions, states, people: People, pool: list[PoolFile]) -> int:
    """One to three files per self-scored item (two on average), each a document with one
    version bound to the item; the manifest of what was submitted. Written through
    scale_rows: ids reserved, so a document is written with its current version at once."""
    unit_of = {s.pk: s.unit_id for s in submissions}
    items = list(
        ScoreItem.objects.filter(
            submission_id__in=unit_of, scoring_mode=ScoringMode.SELF
        ).values_list("pk", "submission_id", "node__code")
    )
    plan = [(pk, sub, code, k) for pk, sub, code in items for k in range(1 + pk % 3)]
    documents = reserve_ids(Document, len(plan))
    versions = reserve_ids(DocumentVersion, len(plan))
    bindings = reserve_ids(Binding, len(plan))
    now = timezone.now()
    author = {sub: people.focal[unit].pk for sub, unit in unit_of.items()}
    insert_rows(
        Document,
        ("id", "submission_id", "current_id", "created_by_id", "created_at", "query_id"),
        (
            (document, sub, version, author[sub], now, None)
            for (_p, sub, _c, _k), document, version in zip(plan, documents, versions, strict=True)
        ),
    )
    files = [pool[(pk + k) % len(pool)] for pk, _s, _c, k in plan]
    names = [f"{code}-minh-chung-{k + 1}.pdf" for _p, _s, code, k in plan]
    insert_rows(
        DocumentVersion,
        ("id", "document_id", "number", "file", "name", "kind", "size", "sha256")
        + ("uploaded_by_id", "uploaded_at"),
        (
            (version, document, 1, source.name, name, "pdf", source.size, source.sha256)
            + (author[sub], now)
            for (_p, sub, _c, _k), document, version, source, name in zip(
                plan, documents, versions, files, names, strict=True
            )
        ),
    )
    insert_rows(
        Binding,
        ("id", "document_id", "item_id", "reference"),
        (
            (binding, document, pk, "")
            for (pk, _s, _c, _k), document, binding in zip(plan, documents, bindings, strict=True)
        ),
    )
    entries: dict[int, list] = {}
    for (_p, sub, _c, _k), document, source, name in zip(
        plan, documents, files, names, strict=True
    ):
        entries.setdefault(sub, []).append(
            {
                "document_id": document,
                "number": 1,
                "name": name,
                "size": source.size,
                "sha256": source.sha256,
            }
        )
    submitted = set(at_least(states, S.SUBMITTED))
    EvidenceManifest.objects.bulk_create(
        [
            EvidenceManifest(
                submission_id=sub,
                entries=rows,
                sha256=hashlib.sha256(
                    json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()
                ).hexdigest(),
            )
            for sub, rows in entries.items()
            if sub in submitted
        ]
    )
    return len(plan)
