"""Render a branch pack's report.html in headless Chromium: a 1280 px screenshot and an A4 PDF.

    python benchmarks/render_report.py [--report pack/report.html] [--out benchmarks/out]

Without --report, runs `planner branch scenarios/baseline.yaml` (with the unified-centre remedy)
into benchmarks/out/pack first. Writes benchmarks/out/report-1280.png (full page), report-a4.pdf
and, when `pdftoppm` is installed, report-a4-N.png pages to look at. Needs Debian's `chromium`
(`apt-get install chromium`); says so and exits 1 without it. The browser runs with networking
disabled, so a report that needed the network would show it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str | None:
    """The first headless-capable browser on PATH."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def run(cmd: list[str], timeout: float = 120) -> float:
    """Run ``cmd``; its wall time (exit on failure, showing its stderr)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-2000:])
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd[:3])} ...")
    return took


def trim(png: Path) -> None:
    """Cut the blank space below the page off a tall screenshot (needs Pillow; else left as is)."""
    try:
        from PIL import Image, ImageChops
    except ImportError:
        return
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, (255, 255, 255))).getbbox()
        if box is not None and box[3] + 24 < rgb.height:
            rgb.crop((0, 0, rgb.width, box[3] + 24)).save(png)


def chromium_args(exe: str, profile: str) -> list[str]:
    return [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--no-first-run",
        # no network at all: a report that fetched anything would render without it
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--height", type=int, default=0, help="Screenshot height (0: measured page).")
    args = parser.parse_args()
    exe = browser()
    if exe is None:
        print("blocked: no chromium on PATH (apt-get install chromium)")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.report
    if report is None:
        pack = args.out / "pack"
        took = run(
            [
                sys.executable,
                "-c",
                "from planner.commands import run; run()",
                "branch",
                str(ROOT / "scenarios/baseline.yaml"),
                "--remedy",
                str(ROOT / "scenarios/unified-centre.yaml"),
                "--no-schedule",
                "--out",
                str(pack),
            ],
            timeout=600,
        )
        print(f"planner branch: {took:.1f} s")
        report = pack / "report.html"
    url = report.resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="planner-chromium-") as profile:
        height = args.height or 16000  # then trimmed to the page (with Pillow, where installed)
        png = args.out / "report-1280.png"
        took = run([*chromium_args(exe, profile), f"--window-size=1280,{height}", f"--screenshot={png}", url])
        trim(png)
        print(f"screenshot 1280 px: {png} ({took:.1f} s)")
        pdf = args.out / "report-a4.pdf"
        took = run([*chromium_args(exe, profile), "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url])
        print(f"A4 print: {pdf} ({took:.1f} s)")
    if shutil.which("pdftoppm"):
        run(["pdftoppm", "-png", "-r", "60", str(pdf), str(args.out / "report-a4")])
        pages = sorted(args.out.glob("report-a4-*.png"))
        print(f"A4 pages as PNG: {len(pages)} ({pages[0].name} ...)" if pages else "no PDF pages")
    else:
        print("pdftoppm not installed (apt-get install poppler-utils): PDF pages not turned into PNGs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
