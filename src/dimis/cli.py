"""The `dimis` command: manage.py for DIMIS, with every write logged as done by a command."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dimis.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "dimis"
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from dimis.core.actor import acting_as

    command = argv[1] if len(argv) > 1 else "help"
    with acting_as(None, source="command", label=f"dimis {command}"):
        execute_from_command_line(argv)


if __name__ == "__main__":
    main()
