"""The KMU process: it reaches the cluster through the client daemon, which numbers the HSMs
`Node id 0, 1, ...`, and prints each call's return line and a `Cluster Error Status` block.

Lines after the command are indented by a tab, as on the tool's reference pages (the
getting-started and KMS pages show them flush left: documentation formatting).
"""

from __future__ import annotations

from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import daemon_nodes
from ...world.model import Cluster, Hsm, Session, World
from ...world.store import Store
from ..console import Console
from ..engine import CommandTable, Shell, console_for

TABLE = CommandTable(prefixes=False)


def flag_value(args: list[str], flag: str) -> str | None:
    """The value after `-flag`, as the tool reads flags: `-flag value` pairs."""
    for i, word in enumerate(args[:-1]):
        if word == flag:
            return args[i + 1]
    return None


class KeyMgmtUtil(Shell):
    prompt = "Command: "
    tool = "key_mgmt_util"
    table = TABLE

    @classmethod
    def from_args(cls, store: Store, args: list[str]) -> "KeyMgmtUtil":
        return cls(store, console_for(TABLE, None))

    def nodes(self, world: World) -> tuple[Cluster | None, list[tuple[int, Hsm]]]:
        nodes = daemon_nodes(world)
        cluster = world.clusters.get(world.client.cluster_id)
        return cluster, nodes

    def session(self, world: World) -> Session | None:
        return world.sessions.get(self.session_id)

    def returned(self, call: str, code: rc.ReturnCode, *, message_apart: bool = False) -> None:
        """`<call> returned: 0x.. : <message>`.  Login and logout put a failure's message on a
        line of its own (their printf in the client source); other calls keep one line, as
        the deleteKey failures in the documentation show."""
        self.line()
        if code and message_apart:
            self.line(f"\t{call} returned: 0x{code.code:02x} ")
            self.line()
            self.line(f"\t{code.message}")
        else:
            self.line(f"\t{call} returned: 0x{code.code:02x} : {code.message}")

    def status(self, results: list[tuple[int, rc.ReturnCode]]) -> None:
        self.line()
        self.line("\tCluster Error Status")
        for node, code in results:
            self.line(f"\tNode id {node} and err state 0x{code.code:08x} : {code.message}")

    def unknown(self, word: str) -> None:
        # GAP: the real text for an unknown command is undocumented.
        self.line()
        self.line(f"\tCommand not found: {word}. Type 'help' to list the commands.")
        self.line()

    def end_of_input(self) -> None:
        self.line()
