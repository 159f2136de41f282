"""Write planner/data/china_calendar.json: China's working days for the years most plans cover.

Run from the repository root after the ``holidays`` package changes (the table is used only while
the package's China sources hash to the key stored in it; tests/data_layer/test_china_table.py
checks the table against the package):

    python scripts/china_calendar.py [FIRST LAST]      # default 2020 2035
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planner.data.calendar import CHINA_TABLE, china_sources_key, china_year  # noqa: E402
from planner.report.export import write_with  # noqa: E402


def main() -> None:
    first, last = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (2020, 2035)
    import holidays

    table = {
        "about": (
            "China's working calendar as the holidays package computes it (holidays, make-up days); "
            "written by scripts/china_calendar.py, used while the package's China sources hash to 'sources'"
        ),
        "holidays_version": holidays.__version__,
        "sources": china_sources_key(),
        "years": {str(y): china_year(y) for y in range(first, last + 1)},
    }
    text = json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_with(CHINA_TABLE, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    print(f"wrote {CHINA_TABLE.relative_to(REPO)}: {first}-{last}, holidays {holidays.__version__}")


if __name__ == "__main__":
    main()
