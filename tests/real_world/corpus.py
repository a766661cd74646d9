"""The corpus: each source file, its header (where it comes from, the world it needs, how it
was run and how that run ended), and the host a replay runs it on.

A source file starts with `# key: value` lines, then the marker line, then the script or
session as its author ran it.  `replay: ARGS => OUTCOME` lines say how to run it (ARGS as a
Tcl or shell would split them) and how the author's run ended (`exit N`, or `tcl-error`).
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
MARKER = "--- as the author ran it (verbatim below this line) ---"
TOOLS = ("cloudhsm_mgmt_util", "key_mgmt_util", "cloudhsm-cli", "configure", "configure-cli")


@dataclass
class Replay:
    args: list[str]
    outcome: str  # "exit N" or "tcl-error"


@dataclass
class Source:
    path: Path
    header: dict[str, list[str]] = field(default_factory=dict)
    body: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def world(self) -> str:
        return self.header["world"][0]

    def replays(self) -> list[Replay]:
        found = []
        for line in self.header.get("replay", []):
            args, _, outcome = line.partition("=>")
            found.append(Replay(shlex.split(args), re.match(r"\s*(exit \d+|tcl-error)", outcome).group(1)))
        return found


def load(path: Path) -> Source:
    source = Source(path)
    text = path.read_text(encoding="utf-8")
    head, _, source.body = text.partition(f"# {MARKER}\n")
    key = None
    for line in head.splitlines():
        line = line[1:].strip() if line.startswith("#") else line.strip()
        name, colon, value = line.partition(": ")
        if colon and name.replace("-", "").isalpha() and " " not in name:
            key = name
            source.header.setdefault(key, []).append(value.strip())
        elif key and line:
            source.header[key][-1] += " " + line  # a continued value
    return source


def sources(suffix: str) -> list[Source]:
    return [load(p) for p in sorted(CORPUS.glob(f"*{suffix}"))]


def make_host(tmp: Path) -> tuple[Path, Path]:
    """A client host's folders under `tmp`: `bin` holding what /opt/cloudhsm/bin holds (the
    console scripts of this install), `aws` (hsmshell's AWS CLI) and `expect` (this
    package's); and a root folder for the files the scripts read and write."""
    bin_dir, root = tmp / "bin", tmp / "root"
    bin_dir.mkdir()
    (root / "opt" / "cloudhsm" / "etc").mkdir(parents=True)
    (root / "tmp").mkdir()
    for tool in TOOLS:
        found = shutil.which(tool, path=str(Path(sys.executable).parent))
        if found:
            (bin_dir / tool).symlink_to(found)
    hsmshell = shutil.which("hsmshell", path=str(Path(sys.executable).parent))
    _script(bin_dir / "aws", f'exec {shlex.quote(hsmshell)} aws "$@"')
    _script(bin_dir / "expect", f'exec {shlex.quote(sys.executable)} {shlex.quote(str(HERE / "expect.py"))} "$@"')
    return bin_dir, root


def _script(path: Path, line: str) -> None:
    path.write_text(f"#!/bin/sh\n{line}\n")
    path.chmod(0o755)
