"""The review report of the whole bench sector: each format built and rendered in a fresh
process, its time and peak memory (run by run.py --reports or --reports-only).

The bench sector has figures but no documents, tasks or meetings; `prepare()` adds them once
(kept, like the sector): 10 documents of 6 clauses, 5 tasks per unit (10,000, half from a
clause, 500 from the previous meeting's conclusions), on time, late, open past their deadline
or cancelled, with deadlines from July 2022 to December 2023; the previous meeting (January
2023) and the six-month review of the first half of 2023 hosted by the root. Written with
bulk_create (no change records), as the generator writes its bench data.
"""

import datetime
import random

import common

PERIOD = "2023S1"
FORMATS = ("html", "pdf", "docx", "xlsx")
TARGET_SECONDS = 10
MARK = "BENCH-KH"  # the documents' number prefix: present means prepared
TASKS_PER_UNIT = 5


def prepare(seed: int = 2024) -> dict:
    """Add the review report's records to the bench sector if they are missing."""
    from django.db import transaction

    from dimis.directives.models import Clause, Document, Task
    from dimis.directives.numbers import normalise_number
    from dimis.meetings.models import Conclusion, Meeting
    from dimis.org.models import OrgUnit

    root = OrgUnit.objects.get(code=common.ROOT_CODE)
    if not Document.objects.filter(number__startswith=MARK).exists():
        rng = random.Random(seed)
        D = datetime.date
        with transaction.atomic():
            documents = Document.objects.bulk_create(
                Document(
                    number=f"{MARK}-{n:02d}",
                    number_key=normalise_number(f"{MARK}-{n:02d}"),
                    title=f"Kế hoạch thực hiện chương trình {n} (mẫu)",
                    kind="plan",
                    issuer=root,
                    issue_date=D(2022, 1, 10) + datetime.timedelta(days=20 * n),
                    owning_unit=root,
                )
                for n in range(1, 11)
            )
            clauses = Clause.objects.bulk_create(
                Clause(
                    document=d,
                    number=str(c),
                    text=f"Nhiệm vụ trọng tâm {c} của {d.number}",
                    owning_unit=root,
                )
                for d in documents
                for c in range(1, 7)
            )
            previous = Meeting.objects.create(
                kind="annual_review",
                title="Hội nghị tổng kết năm 2022 (mẫu)",
                date=D(2023, 1, 10),
                host_unit=root,
                owning_unit=root,
                period_start=D(2022, 1, 1),
                period_end=D(2022, 12, 31),
            )
            conclusions = Conclusion.objects.bulk_create(
                Conclusion(
                    meeting=previous,
                    number=n,
                    text=f"Kết luận {n}: đẩy nhanh tiến độ (mẫu)",
                    owning_unit=root,
                )
                for n in range(1, 11)
            )
            Meeting.objects.create(
                kind="six_month_review",
                title="Hội nghị sơ kết 6 tháng đầu năm 2023 (mẫu)",
                date=D(2023, 7, 5),
                host_unit=root,
                owning_unit=root,
                period_start=D(2023, 1, 1),
                period_end=D(2023, 6, 30),
            )
            tasks = []
            first, span = D(2022, 7, 1), (D(2023, 12, 31) - D(2022, 7, 1)).days
            for unit in OrgUnit.objects.filter(is_sample=True).order_by("code"):
                for _ in range(TASKS_PER_UNIT):
                    n = len(tasks)
                    deadline = first + datetime.timedelta(days=rng.randrange(span))
                    roll = rng.random()
                    status, completed, progress = "in_progress", None, rng.randrange(10, 90)
                    if roll < 0.5:
                        status, progress = "done", 100
                        completed = deadline - datetime.timedelta(days=rng.randrange(1, 30))
                    elif roll < 0.7:
                        status, progress = "done", 100
                        completed = deadline + datetime.timedelta(days=rng.randrange(1, 90))
                    elif roll < 0.75:
                        status = "cancelled"
                    tasks.append(
                        Task(
                            title=f"Nhiệm vụ {n + 1} của {unit.code} (mẫu)",
                            owning_unit=root,
                            lead_unit=unit,
                            clause=clauses[n % len(clauses)] if n % 2 == 0 else None,
                            conclusion=conclusions[n % len(conclusions)] if n % 20 == 1 else None,
                            assigned_on=D(2022, 1, 15),
                            deadline=deadline,
                            status=status,
                            progress=progress,
                            completed_on=completed,
                            classification=unit.classification,
                        )
                    )
            Task.objects.bulk_create(tasks, batch_size=2000)
    return {
        "documents": Document.objects.filter(number__startswith=MARK).count(),
        "tasks": Task.objects.count(),
        "meeting": Meeting.objects.get(kind="six_month_review", host_unit=root).pk,
    }


def measure(db, child, log) -> dict:
    """Each format in a fresh process: building the report, then rendering that format."""
    results = {"baseline": child(db, "baseline")["peak_rss_mb"], "formats": {}}
    for fmt in FORMATS:
        out = common.VAR_DIR / f"bench-report-{PERIOD}.{fmt}"
        result = child(db, "report", fmt, str(out), "--period", PERIOD)
        result["mb"] = out.stat().st_size / 1e6
        results["formats"][fmt] = result
        log(
            f"  report {fmt:<5} build {result['build_seconds']:5.1f} s  render "
            f"{result['render_seconds']:5.1f} s  total {result['seconds']:5.1f} s  peak RSS "
            f"{result['peak_rss_mb']:.0f} MB  ({result['mb']:.1f} MB"
            + (f", {result['pages']} pages" if result.get("pages") else "")
            + ")"
        )
    return results


def section(db, info, results, prepared, command, date) -> str:
    title = "PostgreSQL" if db == "postgres" else "SQLite"
    f = results["formats"]
    sizes = next(iter(f.values()))
    out = [
        f"## Review report, {title}",
        "",
        f"Run {date} with `{command}`.",
        "",
        f"- Machine: {info['cpu']}, {info['ram']} RAM; {info['database']}.",
        f"- Load average (1 min): {info['load']}.",
        f"- Python {info['python']}, Django {info['django']}; DIMIS {info['code']}.",
        f"- The six-month review report of the whole bench sector ({common.ROOT_CODE}, "
        f"{PERIOD}) for the sector-wide viewer, in Vietnamese, with its meeting: "
        f"{sizes['sections']} sections, {sizes['rows']:,} table rows "
        f"({prepared['documents']} documents, {prepared['tasks']:,} tasks in the sector, "
        f"50 indicators over 2,000 units).",
        "",
        "Each format in a fresh process: `build_report()` (every section's queries and the "
        "assembly), then that format's renderer. Seconds exclude Django's start-up (the "
        "process's wall time beside them); peak RSS is the process's VmHWM, nothing "
        f"subtracted (an idle Django process peaks at {results['baseline']:.0f} MB).",
        "",
        f"| Format | Build s | Render s | Total s (process) | Peak RSS MB | Output | Total ≤ {TARGET_SECONDS} s |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for fmt in FORMATS:
        r = f[fmt]
        output = f"{r['mb']:.1f} MB" + (f", {r['pages']} pages" if r.get("pages") else "")
        verdict = "**PASS**" if r["seconds"] <= TARGET_SECONDS else "**FAIL**"
        out.append(
            f"| {fmt.upper()} | {r['build_seconds']:.1f} | {r['render_seconds']:.1f} | "
            f"{r['seconds']:.1f} ({r['wall_seconds']:.1f}) | {r['peak_rss_mb']:.0f} | {output} | "
            f"{verdict} |"
        )
    return "\n".join(out) + "\n"
