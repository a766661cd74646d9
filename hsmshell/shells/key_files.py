"""Files that hold key material, or a key's certificate, as the tools write them."""

from __future__ import annotations

import os


def write_key_file(path: str, data: bytes) -> None:
    """Created 0600 whatever the umask: under the usual 022 a key written with the default
    mode could be read by every user of the machine.  A file that already exists keeps its
    mode, as its owner chose it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
