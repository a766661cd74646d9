"""The CMU process: its configuration, its servers, and how it reports per server.

CMU talks to each HSM in its own configuration file, numbered `server 0`, `server 1`, ... in
file order.  It knows nothing of HSMs missing from the file, and an HSM that does not answer
at start-up is left out for the whole session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import answers, client_cluster, hsm_by_ip, NoCluster
from ...world.model import Cluster, Hsm, World
from ...world.store import Store
from ..console import Console
from ..engine import CommandTable, Shell, console_for

TABLE = CommandTable(prefixes=True)
PORT = 2225


@dataclass
class Server:
    index: int
    hostname: str
    hsm_id: str | None  # None when nothing answered at start-up

    @property
    def label(self) -> str:
        return f"server {self.index}({self.hostname})"


class ConfigError(Exception):
    pass


class CloudHsmMgmtUtil(Shell):
    prompt = "aws-cloudhsm>"
    tool = "cloudhsm_mgmt_util"
    table = TABLE

    def __init__(self, store: Store, console: Console, config_file: str | None = None):
        super().__init__(store, console)
        self.config_file = config_file
        self.servers: list[Server] = []
        self.cluster_id: str | None = None

    @classmethod
    def from_args(cls, store: Store, args: list[str]) -> "CloudHsmMgmtUtil":
        config = args[0] if args else None
        return cls(store, console_for(TABLE, None), config)

    def start(self) -> bool:
        try:
            hostnames = self._configured_hostnames()
        except ConfigError as exc:
            self.line(str(exc))
            return False
        self.line("Connecting to the server(s), it may take time")
        self.line("depending on the server(s) load, please wait...")
        with self.store.transaction(write=False) as world:
            for index, hostname in enumerate(hostnames):
                self.line()
                self.line(f"Connecting to server '{hostname}': hostname '{hostname}', port {PORT}...")
                found = hsm_by_ip(world, hostname)
                # GAP: the output for an HSM that does not answer is undocumented; like the
                # spec suggests, the Connected line is left out and so is the server.
                if found and answers(found[1]):
                    cluster, hsm = found
                    self.cluster_id = self.cluster_id or cluster.cluster_id
                    self.servers.append(Server(index, hostname, hsm.hsm_id))
                    self.line(f"Connected to server '{hostname}': hostname '{hostname}', port {PORT}.")
        return True

    def _configured_hostnames(self) -> list[str]:
        """The servers of the configuration file when it exists on this machine, else the
        simulated client's /opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg kept in the world."""
        if self.config_file and Path(self.config_file).is_file():
            try:
                servers = json.loads(Path(self.config_file).read_text())["servers"]
                return [s["hostname"] for s in servers if s.get("enable", True)]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"Error reading configuration file {self.config_file}: {exc}") from None
        world = self.store.read()
        if world.client.cmu_servers:
            return list(world.client.cmu_servers)
        try:
            return [h.eni_ip for h in client_cluster(world).hsms]
        except NoCluster:
            return []

    # -- helpers for the commands -------------------------------------------------------------

    def nodes(self, world: World) -> tuple[Cluster | None, list[tuple[Server, Hsm]]]:
        """The connected servers with their HSMs as the world has them now."""
        cluster = world.clusters.get(self.cluster_id) if self.cluster_id else None
        if cluster is None:
            return None, []
        by_id = {h.hsm_id: h for h in cluster.hsms}
        return cluster, [(s, by_id[s.hsm_id]) for s in self.servers if s.hsm_id in by_id]

    def report(self, command: str, results: list[tuple[Server, rc.ReturnCode]]) -> None:
        for server, code in results:
            if code:
                # GAP: failures are documented only for createUser/deleteUser; this follows them.
                self.line(f"{command} failed: {code.ret_name}")
                self.line(f"{command} failed on {server.label}")
            else:
                self.line(f"{command} success on {server.label}")

    def confirm(self) -> bool:
        """`Do you want to continue(y/n)?` until the answer is y or n."""
        while True:
            answer = self.console.read_line("Do you want to continue(y/n)?")
            if answer is None:
                self.line()
                return False
            if answer.strip() in ("y", "n"):
                return answer.strip() == "y"
            self.line("Invalid option, please type 'y' or 'n'")
            self.line()

    def unknown(self, word: str) -> None:
        # GAP: the real text for an unknown command is undocumented.
        self.line(f"Command not found: {word}. Type 'help' to list the commands.")

    def end_of_input(self) -> None:
        self.line()
        self.line("disconnecting from servers, please wait...")
