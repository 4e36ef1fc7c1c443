"""Killing a piece of work part way, as a crash of the machine would (SIGKILL), many times fast.

Each attempt forks this (already imported) process, so a kill costs milliseconds, not the
second or two an interpreter takes to import Threadline: 200 kills fit in a minute or two.
"""

from __future__ import annotations

import os
import select
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Attempt:
    killed: bool  # False: the work finished before the kill
    output: str  # what the work wrote to its pipe before it ended


def run_and_kill(work: Callable[[Callable[[str], None]], None], delay: float) -> Attempt:
    """Run ``work`` in a forked child and SIGKILL it ``delay`` seconds after it starts (unless
    it has finished by then).

    ``work`` gets a function that sends a line to this process (an acknowledgement). A child
    whose work raises exits with status 1 and the exception is raised here."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no return from here
        status = 0
        try:
            os.close(read_end)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)

            def send(line: str) -> None:
                os.write(write_end, (line + "\n").encode())

            work(send)
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            os.write(write_end, f"ERROR {type(error).__name__}: {error}\n".encode())
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    output = b""
    deadline = time.monotonic() + delay
    while (left := deadline - time.monotonic()) > 0:  # until the delay is up or the work ends
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            break
        chunk = os.read(read_end, 65536)
        if not chunk:  # the child has exited: nothing left to kill
            break
        output += chunk
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    while chunk := os.read(read_end, 65536):
        output += chunk
    os.close(read_end)
    text = output.decode()
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        raise AssertionError(f"the work failed rather than being killed: {text}")
    return Attempt(killed=os.WIFSIGNALED(status), output=text)


@contextmanager
def fast_folder(fallback: Path) -> Iterator[Path]:
    """A folder in memory (``/dev/shm``) if there is one, else ``fallback``.

    A SIGKILL leaves what the killed process wrote in the kernel's page cache whatever the
    disk, so the kill tests lose nothing by running there, and each SQLite commit's fsync
    stops costing milliseconds."""
    if not Path("/dev/shm").is_dir():
        yield fallback
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="threadline-kills-") as folder:
        yield Path(folder)
