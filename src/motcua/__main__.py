"""The `motcua` console script: the project's manage.py with the settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua", *sys.argv[1:]])


if __name__ == "__main__":
    main()
