"""Throughput of report ingestion: reports per second on one core, and memory over a folder.

    python bench/ingest.py [--sizes 1000 10000] [--quick] [--no-write]

Generates folders of N report variants (the three seed reports of ../shared/seeds when present
and the fixture reports of tests/ingest/fixtures, with other names, rank spellings, document
numbers, paragraph orders and extra paragraphs), then extracts every report of each folder in a
fresh process pinned to one core: read, clean, extract, JSON. It prints the figures and rewrites
the ingestion section of bench/RESULTS.md (not with --quick or --no-write).
Peak memory must not grow with the folder: a folder is read one report at a time.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import common

TARGET_PER_S = 100
LOAD = os.getloadavg()
NAMES = [
    "Nguyen Van An", "Tran Quoc Binh", "Le Minh Chau", "Pham Duc Dung", "Hoang Van Em",
    "Vu Thanh Giang", "Dang Quang Hai", "Bui Xuan Khanh", "Do Tien Lam", "Ngo Huu Manh",
    "Duong Cong Nghia", "Ly Van Phuc", "Trinh Dinh Quang", "Phan Anh Son", "Dinh Trong Tuan",
]  # fmt: skip
RANK_SPELLINGS = {
    "Senior Lieutenant General": ["Sr. Lt. Gen.", "Senior Lieutenant General", "Sen. Lt. Gen."],
    "Lieutenant General": ["Lt. Gen.", "Lieutenant General", "Lt.Gen."],
    "Major General": ["Maj. Gen.", "Major General", "Maj Gen"],
    "Vice Admiral": ["Vice Adm.", "Vice Admiral"],
}
EXTRA = [
    "Delegates discussed solutions to remove difficulties in production and business.",
    "Over the past period, units have actively applied digital transformation in management.",
    "The conference also heard reports on the implementation of investment projects.",
    "He asked units to strengthen inspection and supervision and to save costs.",
]


def templates() -> list[str]:
    folders = [
        common.PROJECT_DIR.parent / "shared" / "seeds",
        common.PROJECT_DIR / "tests" / "ingest" / "fixtures" / "reports",
    ]
    texts = [
        p.read_text(encoding="utf-8")
        for f in folders
        if f.is_dir()
        for p in sorted(f.glob("*.txt"))
    ]
    if not texts:
        raise SystemExit("no template reports found")
    return texts


def variant(text: str, rng: random.Random) -> str:
    for canonical, spellings in RANK_SPELLINGS.items():
        text = text.replace(canonical, rng.choice(spellings))
    names = sorted(
        set(
            re.findall(
                r"\b(?:Nguyen|Tran|Le|Pham|Hoang|Phan|Vu|Bui|Luong|Phung|Dang|Ngo|Do)(?: [A-Z][a-z]+){2}\b",
                text,
            )
        )
    )
    for name in names:
        text = text.replace(name, rng.choice(NAMES))
    text = re.sub(
        r"\b(\d{1,4})([-/])(NQ|CT|KL|KH|QĐ)\b",
        lambda m: f"{rng.randint(1, 2000):02d}{m.group(2)}{m.group(3)}",
        text,
    )
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 3:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(EXTRA))
    return "\n\n".join(paragraphs)


def generate(folder: Path, count: int) -> int:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(count)
    sources = templates()
    size = 0
    for i in range(count):
        text = variant(sources[i % len(sources)], rng)
        path = folder / f"{i:06d}_variant.txt"
        path.write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def measure(folder: Path) -> dict:
    """In this process (pinned to one core): extract every report of the folder."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    common.configure("sqlite")  # settings only: ingestion never touches the database
    import django

    django.setup()
    from dimis.ingest.extract import extract
    from dimis.ingest.sources import iter_folder

    extract("Sr. Lt. Gen. Nguyen Van An asked units to save costs.")  # builds the pipeline
    warm_rss = common.rss_mb()
    count = directives = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _path, source in iter_folder(folder):
        result = extract(source.text)
        json.dumps(result.to_schema())
        directives += len(result.directives)
        count += 1
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {
        "reports": count,
        "seconds": seconds,
        "per_s": count / seconds,
        "ms": 1000 * seconds / count,
        "cpu_seconds": cpu,
        "cpu_per_s": count / cpu,
        "cpu_ms": 1000 * cpu / count,
        "directives": directives,
        "warm_rss_mb": warm_rss,
        "peak_rss_mb": common.peak_rss_mb(),
    }


def run(sizes: list[int]) -> list[dict]:
    rows = []
    for size in sizes:
        folder = common.VAR_DIR / f"bench-ingest-{size}"
        megabytes = generate(folder, size) / 1024 / 1024
        completed = subprocess.run(
            [sys.executable, __file__, "--measure", str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(completed.stdout.strip().splitlines()[-1])
        row["size"], row["megabytes"] = size, megabytes
        rows.append(row)
        print(
            f"{size:>7,} reports ({megabytes:.1f} MB): {row['per_s']:.0f} reports/s "
            f"({row['cpu_per_s']:.0f} per CPU second), "
            f"{row['ms']:.2f} ms each, peak RSS {row['peak_rss_mb']:.0f} MB "
            f"(after start-up {row['warm_rss_mb']:.0f} MB)",
            flush=True,
        )
        shutil.rmtree(folder)
    return rows


def section(rows: list[dict], command: str) -> str:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    commit = subprocess.run(
        ["git", "-C", str(common.PROJECT_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    import spacy

    lines = [
        "## Ingestion of conference reports",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC with `{command}`.",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu.group(1).strip() if cpu else platform.machine()}), "
        f"one core used (the process is pinned to it); load average (1 min) {LOAD[0]:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end.",
        f'- Python {platform.python_version()}, spaCy {spacy.__version__} (`spacy.blank("en")` and rules); DIMIS commit {commit}.',
        "- Reports: variants of the seed and fixture reports (other names, rank spellings, document "
        "numbers, paragraph order, an extra paragraph), about 2-3 KB each, one file each. Each folder is "
        "read by `iter_folder` (one report at a time), cleaned, extracted and turned into the JSON of "
        "SCHEMA.md, in a fresh process; the time includes reading the files.",
        "",
        "Reports/s on one core is the number of reports over the CPU time of the process (user +"
        " system): what one core does when nothing else runs. Wall-clock figures are beside it; on"
        " this shared machine other work competes for the core (see the load average).",
        "",
        f"| Reports in the folder | MB | CPU seconds | Reports/s on one core | CPU ms per report | Wall seconds | Reports/s wall clock | Peak RSS MB | RSS after start-up MB | ≥ {TARGET_PER_S}/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        verdict = "**PASS**" if row["cpu_per_s"] >= TARGET_PER_S else "**FAIL**"
        lines.append(
            f"| {row['size']:,} | {row['megabytes']:.1f} | {row['cpu_seconds']:.1f} | {row['cpu_per_s']:.0f} | "
            f"{row['cpu_ms']:.2f} | {row['seconds']:.1f} | {row['per_s']:.0f} | "
            f"{row['peak_rss_mb']:.0f} | {row['warm_rss_mb']:.0f} | {verdict} |"
        )
    growth = rows[-1]["peak_rss_mb"] - rows[0]["peak_rss_mb"]
    lines += [
        "",
        f"Peak memory grows by {growth:.1f} MB from {rows[0]['size']:,} to {rows[-1]['size']:,} reports: "
        "flat (what remains is the sorted list of file names).",
    ]
    return "\n".join(lines) + "\n"


def write(text: str) -> None:
    path = common.BENCH_DIR / "RESULTS.md"
    start, end = "<!-- bench:ingest -->", "<!-- /bench:ingest -->"
    current = path.read_text()
    block = f"{start}\n{text}{end}"
    if start in current:
        current = re.sub(
            re.escape(start) + r".*?" + re.escape(end), lambda _m: block, current, flags=re.S
        )
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 reports, print only")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    sizes = [200, 2000] if args.quick else args.sizes
    rows = run(sizes)
    if not (args.quick or args.no_write):
        command = "python bench/ingest.py" + (
            "" if args.sizes == [1000, 10000] else " --sizes " + " ".join(map(str, args.sizes))
        )
        write(section(rows, command))
        print("Wrote the ingestion section of bench/RESULTS.md.")


if __name__ == "__main__":
    main()
