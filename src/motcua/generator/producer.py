"""Running the row generator in a second process, so that making rows and loading them overlap.

Generating a dossier's rows in Python and PostgreSQL's COPY of them cost about the same; in one process
they take turns, in two they share the machine's cores. The generating process is forked after everything
read from the database is in memory (the demo's world, the sequences, the ids), never touches the
database connection, and sends back picklable items (blocks of COPY text) through a pipe; the loading
process keeps the connection and its single transaction. The pipe holds one item: the generator runs at
most one batch ahead, so memory stays flat.

Where ``fork`` is unavailable, or when asked, the same items are produced in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Generic, TypeVar

Item = TypeVar("Item")


class ProducerError(RuntimeError):
    """The generating process failed or died; its traceback is the message."""


class Producer(Generic[Item]):
    """``with Producer(make, parallel=True) as items: for item in items: ...``"""

    def __init__(
        self, make: Callable[[], Iterator[Item]], *, parallel: bool, close_in_child: Sequence[int] = ()
    ) -> None:
        """``close_in_child``: file descriptors the child must not keep open, the database connection's
        socket above all: were the parent killed, the server would otherwise wait for the child's end of
        it, holding the load's locks, instead of rolling back at once."""
        self.make = make
        self.close_in_child = tuple(close_in_child)
        self.parallel = parallel and "fork" in multiprocessing.get_all_start_methods()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None

    def __enter__(self) -> Iterator[Item]:
        if not self.parallel:
            return self.make()
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_produce, args=(self.make, sender, receiver, self.close_in_child), daemon=True
        )
        self._process.start()
        sender.close()  # the child's end: EOF here when the child dies
        self._receiver = receiver
        return self._receive(receiver)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._receiver is not None:
            self._receiver.close()
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()

    @staticmethod
    def _receive(receiver: Connection) -> Iterator[Item]:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise ProducerError("The generating process ended before finishing.") from None
            if kind == "item":
                yield payload
            elif kind == "error":
                raise ProducerError(payload)
            else:
                return


def _produce(
    make: Callable[[], Iterator[object]], sender: Connection, receiver: Connection, close: Sequence[int]
) -> None:
    """The child: send every item, then "done"; on failure, the traceback. It closes its copy of the
    reading end first, so that a send to a dead parent fails instead of waiting for ever."""
    receiver.close()
    for descriptor in close:
        os.close(descriptor)
    try:
        for item in make():
            sender.send(("item", item))
        sender.send(("done", None))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()
