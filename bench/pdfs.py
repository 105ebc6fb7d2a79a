"""Publication PDFs for a level of N units, made by a django-q2 cluster of W workers (issue 8).

    python bench/pdfs.py [--units 80] [--workers 2]

Builds a throw-away database (a temporary SQLite file; with DATABASE_URL on PostgreSQL, a
`test_` database beside it) holding one provincial program whose last year is published for
N units (`appraisal.demo.scale`, as `seed_demo --scale province` makes it). Then it queues what
publication queues — the decision with its ranking annexes, the year report with its charts,
one result sheet per unit — and starts `manage.py qcluster` with W workers on that database,
as production runs it. It prints the total time until the last PDF is stored, the time per
PDF (a sample made again one at a time: the decision, the year report, `--sample` sheets),
and the peak memory (resident set) of each process of the cluster.

The year is issued as publication issues it (issue 17): the owner's issuing data complete,
throw-away certificates for its signer and its organisation, the data frozen and the decision
and report numbered, so every PDF is rendered as PDF/A and signed twice (the sheets once).
`--drafts` measures the unsigned drafts instead.
"""

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, percentile  # noqa: I001
from django.conf import settings
from django.db import connection, transaction


def peak_rss_mb(pid: int) -> dict[int, float]:
    """The high-water resident memory of a process and all its descendants, by pid."""
    out = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                out[current] = int(line.split()[1]) / 1024
        pending += [int(child) for child in children]
    return out


def start_cluster(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so that a kill takes every worker
    )


def build(units: int):
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from appraisal.demo.scale import build as scale_build
    from appraisal.models import Campaign
    from appraisal.models.states import CampaignState
    from workflow.services.units import units_load

    units_load(data=(Path(settings.PARCOUNCIL_DATA_DIR) / "units.csv").read_bytes())
    scale_build(scale="province", years=2, provinces=1, units=units, password="bench", say=str)
    return Campaign.objects.get(state=CampaignState.PUBLISHED)


def issue(campaign, directory: Path) -> Path:
    """Publication's issue: complete issuing data, certificates, frozen and numbered."""
    from documents.certificates import write_demo_signers
    from documents.issuers import default_or_saved, freeze
    from workflow.services.issuers import issuer_profile_save

    owner = campaign.program.owner
    profile = issuer_profile_save(
        organisation=owner,
        data={"signer_name": "Nguyễn Văn An", "grounds": "Kế hoạch xác định Chỉ số CCHC (bench)"},
        actor=None,
    )
    signers = write_demo_signers(
        directory, {owner.code: (profile.signer_name, profile.formal_name)}
    )
    settings.DOCUMENT_SIGNERS_FILE = signers
    assert default_or_saved(owner).signer_name
    freeze(campaign)
    return signers


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=80)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=10, help="sheets timed one by one")
    parser.add_argument("--drafts", action="store_true", help="unsigned drafts, not issued")
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait at most")
    parser.add_argument(
        "--kill-after",
        type=int,
        default=0,
        help="fault test: SIGKILL the cluster once this many PDFs are stored, start a new one, "
        "and check that every PDF is stored exactly once",
    )
    args = parser.parse_args()

    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from documents.models import CampaignDocument
    from documents.publication import publication_keys
    from documents.tasks import enqueue_campaign_documents

    scratch = Path(tempfile.mkdtemp(prefix="parcouncil-pdfs-"))
    media = scratch / "media"
    settings.MEDIA_ROOT = media
    env = dict(os.environ, MEDIA_ROOT=str(media), Q_WORKERS=str(args.workers))
    if args.kill_after:  # the killed worker's task comes back after Q_RETRY seconds
        env.update(Q_TIMEOUT="50", Q_RETRY="60")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(scratch / "bench.sqlite3")
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    cluster = None
    try:
        if connection.vendor == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{test_name}"
        else:
            params = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
                f"{params['PORT'] or 5432}/{test_name}"
            )
        started = time.perf_counter()
        with transaction.atomic():
            campaign = build(args.units)
            if not args.drafts:
                env["PARCOUNCIL_SIGNERS"] = str(issue(campaign, scratch / "signing"))
        print(f"data built in {time.perf_counter() - started:.1f} s")
        keys = publication_keys(campaign)
        with transaction.atomic():
            enqueue_campaign_documents(campaign.pk, keys)
        connection.close()
        started = time.perf_counter()
        cluster = start_cluster(env)
        peaks: dict[int, float] = {}
        killed = False
        while CampaignDocument.objects.filter(campaign=campaign).count() < len(keys):
            if time.perf_counter() - started > args.timeout:
                sys.exit(f"timed out after {args.timeout} s")
            stored = CampaignDocument.objects.filter(campaign=campaign).count()
            if args.kill_after and not killed and stored >= args.kill_after:
                os.killpg(cluster.pid, signal.SIGKILL)  # workers die mid-render
                cluster.wait()
                killed = True
                print(f"cluster killed with SIGKILL after {stored} PDFs; starting a new one")
                cluster = start_cluster(env)
            for pid, peak in peak_rss_mb(cluster.pid).items():
                peaks[pid] = max(peak, peaks.get(pid, 0))
            time.sleep(0.2)
        total = time.perf_counter() - started
        for pid, peak in peak_rss_mb(cluster.pid).items():
            peaks[pid] = max(peak, peaks.get(pid, 0))
        connection.close()
        if args.kill_after:
            documents = CampaignDocument.objects.filter(campaign=campaign)
            stored_keys = sorted(documents.values_list("key", flat=True))
            on_disk = list((media / "publication" / str(campaign.pk)).glob("*.pdf"))
            print(
                f"after the kill: {len(stored_keys)} documents for {len(keys)} keys, each key "
                f"once: {stored_keys == sorted(keys)}; {len(on_disk) - len(stored_keys)} "
                "orphan files of the killed renders on disk"
            )
            assert stored_keys == sorted(keys), "a PDF missing or stored twice"
        # time per PDF: a sample made again in this process, one at a time
        from documents.publication import ensure_document

        durations: dict[str, list[float]] = {"decision": [], "year_report": [], "sheet": []}
        for key in keys[: 2 + args.sample]:
            CampaignDocument.objects.filter(campaign=campaign, key=key).delete()
            made = time.perf_counter()
            ensure_document(campaign.pk, key)
            durations[key.split(":")[0]].append(time.perf_counter() - made)
        sizes = [doc.file.size for doc in CampaignDocument.objects.filter(campaign=campaign)]
    finally:
        if cluster is not None:
            cluster.terminate()  # the sentinel stops its workers
            try:
                cluster.wait(timeout=60)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(cluster.pid, signal.SIGKILL)  # whatever did not stop
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"{machine()}; {args.units} units, {len(keys)} PDFs (decision, year report, "
        f"{len(keys) - 2} result sheets), {args.workers} workers, "
        + ("unsigned drafts" if args.drafts else "issued: PDF/A, signed")
    )
    print(
        f"total until the last PDF is stored: {total:.1f} s "
        f"({len(keys) / total:.2f} PDFs/s, cluster start included)"
    )
    sheets = durations["sheet"]
    print(
        f"time per PDF, made one at a time: decision {durations['decision'][0]:.2f} s, "
        f"year report {durations['year_report'][0]:.2f} s, result sheet median "
        f"{statistics.median(sheets):.2f} s, p95 {percentile(sheets, 0.95):.2f} s "
        f"(n={len(sheets)}); size median {statistics.median(sizes) / 1024:.0f} KiB"
    )
    ordered = sorted(peaks.values(), reverse=True)
    print(
        "peak resident memory per process (MiB): "
        + ", ".join(f"{peak:.0f}" for peak in ordered)
        + f" — cluster total at most {sum(ordered):.0f} MiB"
    )


if __name__ == "__main__":
    main()
