"""The `aduan` console command: Django's management commands with hyphenated names.

`aduan seed-city 33.72` runs the `seed_city` management command; `aduan migrate` works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    if len(argv) > 1 and argv[1] == "demo":
        os.environ.setdefault("ADUAN_DEMO", "1")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
