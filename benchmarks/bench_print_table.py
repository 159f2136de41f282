"""What fitting a table to the terminal costs. Prints its figures; asserts nothing.

Run from the repository root:  python benchmarks/bench_print_table.py [ROWS]

A portfolio-like table (one row per manager, nine columns) printed with ``print_table`` on an
80-column console (checked for cuts, then stacked in two parts) against a plain ``console.print``
of the same table on a console wide enough to need neither (the reference, measured in the same
run). Figures on a shared machine vary; compare the ratio, not the seconds.
"""

from __future__ import annotations

import sys
import time
from io import StringIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rich.table import Table  # noqa: E402

from planner.report.tables import print_table  # noqa: E402
from planner.report.terminal import SafeConsole  # noqa: E402


def managers(rows: int) -> Table:
    table = Table(title="Managers")
    for name in ("manager", "role", "customers by tier", "customers", "hours needed", "hours given"):
        table.add_column(name)
    for name in ("load", "", "districts"):
        table.add_column(name)
    for i in range(rows):
        table.add_row(
            f"KM-{i:04d}",
            "commercial_manager",
            "crystal:10 bronze:5 silver:3 gold:1",
            f"{i * 3:,}",
            "1,234",
            "1,200",
            "[bold red]102.8%[/]",
            "OVER",
            "3: North, South, East +2",
        )
    return table


def best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500

    def console(width: int) -> SafeConsole:
        return SafeConsole(width=width, file=StringIO(), highlight=False, color_system=None)

    plain = best(lambda: console(200).print(managers(rows)))
    fitted = best(lambda: print_table(console(80), managers(rows)))
    print(f"{rows:,} rows x 9 columns, best of 3:")
    print(f"  console.print at 200 columns (reference)  {plain:6.3f} s")
    print(f"  print_table at 80 columns (two parts)     {fitted:6.3f} s  x{fitted / plain:4.2f} reference")


if __name__ == "__main__":
    main()
