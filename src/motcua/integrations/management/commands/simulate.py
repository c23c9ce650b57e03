"""``motcua simulate <system>``: serve one external system's simulator on loopback."""

from __future__ import annotations

import inspect
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.integrations import simulators


class Command(BaseCommand):
    help = "Run the local simulator of an external system (national portal, payment, identity, SMS...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("system", help=f"one of: {', '.join(simulators.systems()) or '(none yet)'}")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=0, help="default: the simulator's own port")
        parser.add_argument(
            "--data", default="", help="the simulator's data file, for those that keep one (portal)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            module = simulators.load(options["system"])
        except LookupError:
            raise CommandError(
                f"Unknown system {options['system']!r}; known: {', '.join(simulators.systems())}"
            ) from None
        port = options["port"] or module.DEFAULT_PORT
        self.stdout.write(f"{options['system']} simulator on http://{options['host']}:{port}/")
        if options["data"]:
            if "data" not in inspect.signature(module.serve).parameters:
                raise CommandError(f"The {options['system']} simulator keeps no data file (--data).")
            module.serve(options["host"], port, data=options["data"])
        else:
            module.serve(options["host"], port)
