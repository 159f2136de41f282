"""``python cli.py ...`` behaves exactly like the ``planner`` console script."""

from planner.commands import run

if __name__ == "__main__":
    run()
