"""The KMU process: it reaches the cluster through the client daemon, which numbers the HSMs
`Node id 0, 1, ...`, and prints each call's return line and a `Cluster Error Status` block.
A daemon that reaches no HSM stops it at start, and fails each call of a session already open.

Lines after the command are indented by a tab, as on the tool's reference pages (the
getting-started and KMS pages show them flush left: documentation formatting).
"""

from __future__ import annotations

from pathlib import Path

from ...cloudhsm import returncodes as rc
from ...cloudhsm.keys import Refused
from ...cloudhsm.nodes import daemon_nodes, daemon_reaches_hsm
from ...world.model import Cluster, Hsm, Session, World
from ...world.store import Store
from ..console import Console, StreamConsole
from ..engine import CommandTable, Shell, console_for
from ..key_files import write_key_file
from . import singlecmd
from .where import WHERE
from .where import where as where_text

TABLE = CommandTable(prefixes=False)


def flag_value(args: list[str], flag: str) -> str | None:
    """The value after `-flag`, as the tool reads flags: `-flag value` pairs."""
    for i, word in enumerate(args[:-1]):
        if word == flag:
            return args[i + 1]
    return None


class Usage(Exception):
    """A command line the tool rejects before calling the HSM: it prints the error, then the
    command's help."""

    def __init__(self, error: str | None = None):
        super().__init__(error)
        self.error = error


def parse(args: list[str], values: dict[str, str], switches: tuple[str, ...] = (),
          required: tuple[str, ...] = ()) -> dict[str, str | bool]:
    """`-flag value` pairs and bare `-switch`es.  `values` maps each value flag to what the
    tool calls it in `Error: <name> (-flag) is missing.` (Cfm2Util source)."""
    if "-h" in args:
        raise Usage()
    out: dict[str, str | bool] = {}
    i = 0
    while i < len(args):
        word = args[i]
        if word in switches:
            out[word] = True
            i += 1
        elif word in values and i + 1 < len(args):
            out[word] = args[i + 1]
            i += 2
        elif word in values:
            raise Usage(f"{values[word]} ({word}) is missing.")
        else:
            # GAP: the tool's text for a flag it does not know is undocumented.
            raise Usage(f"Invalid argument {word}.")
    for flag in required:
        if flag not in out:
            raise Usage(f"{values[flag]} ({flag}) is missing.")
    return out


def number(options: dict, flag: str, name: str, default: int | None = None) -> int | None:
    """A numeric flag as the tool reads it: decimal, or hex with 0x."""
    if flag not in options:
        return default
    try:
        return int(str(options[flag]), 0)
    except ValueError:
        raise Usage(f"Invalid {name} ({flag}) specified.") from None


def users(options: dict, flag: str = "-u") -> list[int]:
    if flag not in options:
        return []
    try:
        return [int(u) for u in str(options[flag]).split(",")]
    except ValueError:
        raise Usage(f"Invalid user ids ({flag}) specified.") from None


class KeyMgmtUtil(Shell):
    prompt = "Command: "
    tool = "key_mgmt_util"
    table = TABLE
    # main() returns -1 when the library does not initialise (Cfm2Util source).
    failed_start_status = 255

    def __init__(self, store: Store, console: Console, args: list[str] | None = None):
        super().__init__(store, console)
        # The words after `singlecmd`, or None for the interactive shell.  Other arguments
        # are not read (GAP: main()'s "Unknown commandline arguments" text is not emulated).
        self.single = args[1:] if args and args[0] == singlecmd.SINGLECMD else None

    @classmethod
    def from_args(cls, store: Store, args: list[str]) -> "KeyMgmtUtil":
        if args and args[0] == singlecmd.SINGLECMD:
            # It asks nothing (but loginHSM -hpswd's password): no line editing to set up.
            return cls(store, StreamConsole(), args)
        return cls(store, console_for(TABLE, None))

    def run(self) -> int:
        if self.single is None:
            return super().run()
        try:
            # The library starts before main() looks at its arguments: no HSM, no command.
            if not self.start():
                return self.failed_start_status
            return self.run_single(self.single)
        finally:
            self.close()  # Cfm2CloseSession: the login ends with the process, no logoutHSM

    def run_single(self, words: list[str]) -> int:
        """main()'s singlecmd branch (singlecmd.py).  GAP: the source prints its start-up lines
        (app id, session handle, FIPS mode) first; like the interactive shell, which the spec
        has print nothing before its prompt, nothing is printed for them here.  GAP: a
        loginHSM that only prints its help (a flag missing) is taken to fail the login, as a
        login that never reached the HSM."""
        login, command = singlecmd.split(words)
        if login is not None and not self.run_words(["loginHSM", *login]):
            return singlecmd.LOGIN_FAILED_STATUS
        if command:
            self.line("Command:" + "".join(f" {word} " for word in command))
            self.run_words(command)
        return 0

    def start(self) -> bool:
        """Nothing is printed before the first prompt (cloudhsm-shells-spec §3.1, a GAP), unless
        the library finds no daemon to talk to: then main() prints Cfm3Initialize's return and
        the app id it was left with, and ends (Cfm2Util source)."""
        if daemon_reaches_hsm(self.store.read()):
            return True
        code = rc.DAEMON_SOCKET_ERROR
        self.line()
        self.line(f"\tCfm3Initialize() returned 0x{code.code:02x} : {code.message}")
        self.line()
        # GAP: the id is the source's initial value (-1), on the guess that a failed
        # Cfm3Initialize leaves it unset; whatever the clean-up calls after it print is not
        # known, so nothing is printed for them.
        self.line("\tCfm3Initialize() returned app id : ffffffff ")
        return False

    def nodes(self, world: World) -> tuple[Cluster | None, list[tuple[int, Hsm]]]:
        nodes = daemon_nodes(world)
        cluster = world.clusters.get(world.client.cluster_id)
        return cluster, nodes

    def reached(self, world: World, call: str) -> tuple[Cluster, list[tuple[int, Hsm]]]:
        """The cluster and the nodes a call reaches; with none, the call fails as the daemon
        answers it.  GAP: the reference gives no output for a session whose HSMs are all gone;
        the daemon's cluster error for an unavailable server is the plausible answer, with no
        node to report it on."""
        cluster, nodes = self.nodes(world)
        if cluster is None or not nodes:
            raise Refused(call, rc.SERVER_UNAVAILABLE)
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

    def help_block(self, description: str, syntax: str, where: str = "", error: str | None = None) -> None:
        """A command's help, printed for -h and after a usage error (Cfm2Util source)."""
        if error:
            self.line()
            self.line(f"\tError: {error}")
        self.write(f"\n\nDescription\n===========\n{description}\n\nSyntax: {syntax}\n\n")
        if where:
            self.write(f"\nWhere: {where}\n\n")

    def logged_in(self, world: World, call: str):
        """(cluster, session, [(node id, hsm)] logged in), or None when no node the daemon
        reaches holds this session's login (it never logged in, or those HSMs are gone).
        GAP: whether the daemon logs a session in to an HSM added later is undocumented; it
        is taken not to, so the user logs in again rather than finding nothing there."""
        cluster, nodes = self.reached(world, call)
        session = self.session(world)
        mine = [(node, hsm) for node, hsm in nodes if session and hsm.hsm_id in session.hsms]
        if not mine:
            return None
        return cluster, session, mine

    def hsm_call(self, call: str, action):
        """Run `action(world, cluster, session, hsms)` as the logged-in user in one
        transaction (key material made on first use is kept).  Returns (result, nodes), or
        None after printing the refusal; a refused call changes nothing."""
        nodes: list[tuple[int, Hsm]] = []
        try:
            with self.store.transaction() as world:
                context = self.logged_in(world, call)
                if context is None:
                    # GAP: the text of a key command run before loginHSM is undocumented.
                    raise Refused(call, rc.NOT_LOGGED_IN)
                cluster, session, nodes = context
                return action(world, cluster, session, [hsm for _, hsm in nodes]), nodes
        except Refused as refusal:
            self.refused(refusal, nodes)
            return None

    def refused(self, refusal: Refused, nodes: list[tuple[int, Hsm]]) -> None:
        """A failed call: its return line, and the per-node block when the HSMs answered."""
        self.returned(refusal.call, refusal.code)
        if refusal.hsms:
            on = {h.hsm_id for h in refusal.hsms}
            self.status([(node, refusal.node_code) for node, hsm in nodes if hsm.hsm_id in on])
        self.line()

    def node_status(self, nodes: list[tuple[int, Hsm]], hsms: list[Hsm]) -> None:
        on = {h.hsm_id for h in hsms}
        self.status([(node, rc.SUCCESS) for node, hsm in nodes if hsm.hsm_id in on])

    # GAP: the tool's texts for files it cannot read or write are undocumented.
    def read_file(self, path) -> bytes | None:
        try:
            return Path(str(path)).read_bytes()
        except OSError as exc:
            self.line()
            self.line(f"\tError: cannot read file {path}: {exc.strerror or exc}")
            self.line()
            return None

    def write_file(self, path, data: bytes) -> bool:
        """Each file key_mgmt_util writes holds a key, or is about one: created 0600."""
        try:
            write_key_file(str(path), data)
        except OSError as exc:
            self.line()
            self.line(f"\tError: cannot write file {path}: {exc.strerror or exc}")
            self.line()
            return False
        return True

    def unknown(self, word: str) -> None:
        # GAP: the real text for an unknown command is undocumented.
        self.line()
        self.line(f"\tCommand not found: {word}. Type 'help' to list the commands.")
        self.line()

    def end_of_input(self) -> None:
        self.line()


def command(name: str, *, summary: str, description: str, syntax: str, where: str = "",
            carries_password=None):
    """Register a command; a usage error or -h prints its help block, with the Where: lines
    of the Cfm2Util source when it has them (where.py)."""
    if name in WHERE:
        where = where_text(name)

    def register(func):
        def run(shell: KeyMgmtUtil, args: list[str]) -> None:
            try:
                func(shell, args)
            except Usage as usage:
                shell.help_block(description, syntax, where, usage.error)
        TABLE.command(name, usage=syntax, summary=summary, carries_password=carries_password)(run)
        return func
    return register
