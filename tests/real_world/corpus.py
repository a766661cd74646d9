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

from .expect import rewrite

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
MARKER = "--- as the author ran it, cut only where the header says ---"
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
    for raw in head.splitlines():
        line = raw[1:].strip() if raw.startswith("#") else raw.strip()
        name, colon, value = line.partition(": ")
        if raw.startswith("#  ") and key:
            source.header[key][-1] += " " + line  # an indented line continues the value above
        elif colon and len(name) <= 40 and name[:1].isalpha():
            key = name.split(" (")[0]
            source.header.setdefault(key, []).append(value.strip())
    return source


def use_release(store, text: str) -> None:
    """A source's `client-release:` header: the SDK 3 client release whose output it shows,
    which the world's client host then runs (client.sdk3_version); without one, the
    documented output."""
    found = re.search(r"^# client-release: (\S+)", text, re.M)
    if found:
        with store.transaction() as world:
            world.client.sdk3_version = found.group(1)


def sources(suffix: str) -> list[Source]:
    return [load(p) for p in sorted(CORPUS.glob(f"*{suffix}"))]


def make_host(tmp: Path) -> tuple[Path, Path]:
    """A client host's folders under `tmp`: `bin` holding what /opt/cloudhsm/bin holds (the
    console scripts of this install), `aws` (hsmshell's AWS CLI), `expect` (this package's),
    `sudo` (the replay already runs as the one user it has), `sleep` (instant: a replay does
    not wait for time to pass) and the corpus's scripts by the names their callers use
    (`provides:`); and a root folder for the files the scripts read and write."""
    bin_dir, root = tmp / "bin", tmp / "root"
    bin_dir.mkdir()
    for folder in ("opt/cloudhsm/etc", "opt/cloudhsm/data", "tmp"):
        (root / folder).mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool, path=str(Path(sys.executable).parent))
        if found:
            (bin_dir / tool).symlink_to(found)
    hsmshell = shutil.which("hsmshell", path=str(Path(sys.executable).parent))
    _script(bin_dir / "aws", f'exec {shlex.quote(hsmshell)} aws "$@"')
    expect = f'{shlex.quote(sys.executable)} {shlex.quote(str(HERE / "expect.py"))}'
    _script(bin_dir / "expect", f'exec {expect} "$@"')
    _script(bin_dir / "sudo", 'exec "$@"')
    _script(bin_dir / "sleep", "exit 0")
    for source in sources(""):
        for provided in source.header.get("provides", []):
            name = provided.split()[0]
            if source.path.suffix == ".exp":  # expect.py puts its paths under the root itself
                _script(bin_dir / name, f'exec {expect} {shlex.quote(str(source.path))} "$@"')
            else:
                script = tmp / f"provided-{name}"
                script.write_text(rewrite(source.body, root, bin_dir))
                _script(bin_dir / name, f'exec bash {shlex.quote(str(script))} "$@"')
    return bin_dir, root


def _script(path: Path, line: str) -> None:
    path.write_text(f"#!/bin/sh\n{line}\n")
    path.chmod(0o755)
