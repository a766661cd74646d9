"""The CMU process: its configuration, its servers, and how it reports per server.

CMU talks to each HSM in its own configuration file, numbered `server 0`, `server 1`, ... in
file order.  It knows nothing of HSMs missing from the file, and an HSM that does not answer
at start-up is left out for the whole session.  An HSM that stops answering later stays a
server of the session: each command then fails on it (GAP: the reference gives no text for
this; the failure follows the documented `<command> failed: ...` shape with the cluster error
key_mgmt_util reports for an unavailable server).

In server mode (`server N`) every command goes to that one server only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ... import files
from ...cloudhsm import client_versions
from ...cloudhsm import returncodes as rc
from ...cloudhsm.nodes import NoCluster, answers, client_cluster, hsm_by_ip, sdk3_reaches
from ...world.model import Cluster, Hsm, World
from ...world.store import Store
from ..console import Console
from ..engine import Command, CommandTable, Shell
from .syntax import Arg, Option, Positional, Rejected

TABLE = CommandTable(prefixes=True)
PORT = 2225
GLOBAL_PROMPT = "aws-cloudhsm>"

CAUTION = {
    # The CloudHSM User Guide's wording, and the older build's that the KMS runbook shows.
    "current": "cluster. AWS does NOT synchronize these changes automatically with the",
    "legacy": "cluster. Cav server does NOT synchronize these changes with the",
}


@dataclass
class Server:
    index: int
    hostname: str
    hsm_id: str | None  # None when nothing answered at start-up
    cluster_id: str | None = None

    @property
    def label(self) -> str:
        return f"server {self.index}({self.hostname})"


class ConfigError(Exception):
    pass


class CloudHsmMgmtUtil(Shell):
    prompt = GLOBAL_PROMPT
    tool = "cloudhsm_mgmt_util"
    table = TABLE

    def __init__(self, store: Store, console: Console, config_file: str | None = None):
        super().__init__(store, console)
        self.config_file = config_file
        self.servers: list[Server] = []
        self.cluster_id: str | None = None
        self.server_mode: Server | None = None

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
                # spec suggests, the Connected line is left out and so is the server.  An HSM
                # of a type SDK 3 does not speak to (hsm2m.medium) does not answer either.
                if found and answers(found[1]) and sdk3_reaches(found[0]):
                    cluster, hsm = found
                    self.cluster_id = self.cluster_id or cluster.cluster_id
                    self.servers.append(Server(index, hostname, hsm.hsm_id, cluster.cluster_id))
                    self.line(f"Connected to server '{hostname}': hostname '{hostname}', port {PORT}.")
            if client_versions.prints(world.client, client_versions.E2E_AT_START):
                self.e2e_enabled()
        return True

    def e2e_enabled(self) -> None:
        """The later releases encrypt end to end with each server from the start, and say so."""
        for server in self.servers:
            self.line(f"E2E enabled on {server.label}")

    def _configured_hostnames(self) -> list[str]:
        """The servers of the configuration file when it exists on this machine, else the
        simulated client's /opt/cloudhsm/etc/cloudhsm_mgmt_util.cfg kept in the world."""
        if self.config_file and files.is_file(self.config_file):
            try:
                servers = json.loads(files.read_text(self.config_file))["servers"]
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

    def targets(self, world: World) -> list[tuple[Server, Cluster, Hsm]]:
        """The servers a command goes to (all connected ones, or the one of server mode),
        with their clusters and HSMs as the world has them now."""
        out = []
        for server in [self.server_mode] if self.server_mode else self.servers:
            found = self.target_of(world, server)
            if found:
                out.append((server, *found))
        return out

    @staticmethod
    def target_of(world: World, server: Server) -> tuple[Cluster, Hsm] | None:
        """A server's cluster and HSM, unless the HSM has since been removed."""
        cluster = world.clusters.get(server.cluster_id or "")
        hsm = next((h for h in cluster.hsms if h.hsm_id == server.hsm_id), None) if cluster else None
        return (cluster, hsm) if hsm else None

    def nodes(self, world: World) -> tuple[Cluster | None, list[tuple[Server, Hsm]]]:
        """The targets in the first connected server's cluster, the one CMU's users live in."""
        cluster = world.clusters.get(self.cluster_id) if self.cluster_id else None
        if cluster is None:
            return None, []
        return cluster, [(s, h) for s, c, h in self.targets(world) if c is cluster]

    def report(self, command: str, results: list[tuple[Server, rc.ReturnCode]]) -> None:
        for server, code in results:
            if code:
                # GAP: failures are documented only for createUser/deleteUser; this follows them.
                self.line(f"{command} failed: {self.failure(code)}")
                self.line(f"{command} failed on {server.label}")
            else:
                self.line(f"{command} success on {server.label}")

    def failure(self, code: rc.ReturnCode) -> str:
        """What follows `<command> failed: `: the code's RET_ name as the User Guide shows it,
        or the HSM's message as the later releases print it (`HSM Error: ...`)."""
        if client_versions.prints(self.store.read().client, client_versions.HSM_ERROR_TEXTS):
            return code.message
        return code.ret_name

    def caution(self, *, blank_before: bool) -> bool:
        """The CAUTION banner before a change that is not synchronised, then the question."""
        banner = self.store.read().client.cmu_banner
        if blank_before:
            self.line()
        self.line("*************************CAUTION********************************")
        self.line("This is a CRITICAL operation, should be done on all nodes in the")
        self.line(CAUTION.get(banner, CAUTION["current"]))
        self.line("nodes on which this operation is not executed or failed, please")
        self.line("ensure this operation is executed on all nodes in the cluster.")
        self.line("****************************************************************")
        self.line()
        return self.confirm()

    def confirm(self) -> bool:
        """`Do you want to continue(y/n)?` until the answer is y or n."""
        return self.choose("Do you want to continue(y/n)?", "yn", "Invalid option, please type 'y' or 'n'") == "y"

    def choose(self, prompt: str, letters: str, invalid: str | None = None) -> str | None:
        """Ask until one of `letters` is typed (GAP: upper or lower case alike for R/I/A and
        R/B/I, whose handling of other answers is undocumented).  None at end of input or Ctrl-C."""
        while True:
            answer = self.console.read_line(prompt)
            # GAP: Ctrl-C is undocumented; it ends the real tool (SIGINT), so the command is not
            # performed.  Here it ends the question and the command, as the end of input does.
            if answer is None or getattr(self.console, "interrupted", False):
                self.line()
                return None
            answer = answer.strip()
            if len(answer) == 1 and answer.lower() in letters:
                return answer.lower()
            if invalid:
                self.line(invalid)
                self.line()

    def syntax_error(self, command: str, message: str) -> None:
        # GAP: CMU's argument errors are undocumented.
        self.line()
        self.line(f"Error: {message}")
        self.line(f"Syntax: {TABLE.commands[command].usage}")
        self.line()

    def file_error(self, verb: str, path: str, exc: OSError | ValueError) -> None:
        """A file argument that cannot be read or written, or is no path at all (a NUL in it)."""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.error(f"Cannot {verb} {getattr(exc, 'filename', None) or path}: {reason}")

    def error(self, message: str) -> None:
        self.line()
        self.line(f"Error: {message}")  # GAP: the real texts are undocumented
        self.line()

    def toolbar(self) -> str:
        """Who is logged in and how many servers answer: the terminal's bottom line."""
        try:
            world = self.store.read()
        except Exception:  # noqa: BLE001 - a toolbar must never break the prompt
            return ""
        session = world.sessions.get(self.session_id)
        found = [self.target_of(world, s) for s in self.servers]
        reachable = sum(bool(t) and answers(t[1]) for t in found)
        who = f"{session.user_name}({session.user_type})" if session else "not logged in"
        mode = f"  server mode: {self.server_mode.label}" if self.server_mode else ""
        return f" {who}  |  {reachable} of {len(self.servers)} servers connected{mode}"

    def unknown(self, word: str) -> None:
        # GAP: the real text for an unknown command is undocumented.
        self.line(f"Command not found: {word}. Type 'help' to list the commands.")

    def end_of_input(self) -> None:
        self.line()
        self.line("disconnecting from servers, please wait...")


def command(name: str, summary: str, *args: Arg, options: tuple[Option, ...] = (), **declared):
    """Register a command with its declared arguments (syntax.py); its function is called
    with them parsed, by key, once the line passes the checks the declaration implies."""
    syntax = Positional(name, args, options, **declared)

    def register(func):
        def run(shell: CloudHsmMgmtUtil, words: list[str]):
            try:
                values = syntax.parse(words, in_server_mode=shell.server_mode is not None)
            except Rejected as rejected:
                if rejected.syntax:
                    shell.syntax_error(name, rejected.message)
                else:
                    shell.error(rejected.message)
                return None
            return func(shell, values)
        TABLE.add(Command(name, run, summary, syntax))
        return func
    return register
