"""The KMU process: it reaches the cluster through the client daemon, which numbers the HSMs
`Node id 0, 1, ...`, and prints each call's return line and a `Cluster Error Status` block.
A daemon that reaches no HSM stops it at start, and fails each call of a session already open.

Lines after the command are indented by a tab, as on the tool's reference pages (the
getting-started and KMS pages show them flush left: documentation formatting).
"""

from __future__ import annotations


from ...cloudhsm import client_versions
from ...cloudhsm import returncodes as rc
from ...cloudhsm.keys import Refused
from ...cloudhsm.nodes import daemon_nodes, daemon_reaches_hsm
from ...world.model import Cluster, Hsm, Session, World
from ...world.store import Store
from ... import files
from ..console import Console
from ..engine import Command, CommandTable, Shell
from . import singlecmd
from .syntax import Flag, Flags, Usage


class _Table(CommandTable):
    def secret_words(self, words: list[str]) -> set[int]:
        """A command's secrets; and for the words of single-command mode (`singlecmd loginHSM
        ... -p <password> <command>`, typed in the tool too, where it is no command) those of
        its login and of its command."""
        if words[:1] != [singlecmd.SINGLECMD]:
            return super().secret_words(words)
        login, rest = singlecmd.split(words[1:])
        if login is None:
            return {1 + i for i in self.secret_words(rest)}
        found = {1 + i for i in super().secret_words(["loginHSM", *login])}
        return found | {2 + len(login) + i for i in self.secret_words(rest)}


TABLE = _Table(prefixes=False)


class KeyMgmtUtil(Shell):
    # Two blanks: the User Guide's pages and real sessions agree (`Command:  findKey`), and
    # expect scripts wait for exactly these bytes (the spec's single blank was an inference).
    prompt = "Command:  "
    tool = "key_mgmt_util"
    table = TABLE
    # main() returns -1 when the library does not initialise (Cfm2Util source).
    failed_start_status = 255

    def __init__(self, store: Store, console: Console, args: list[str] | None = None):
        super().__init__(store, console)
        # The words after `singlecmd`, or None for the interactive shell.  Other arguments
        # are not read (GAP: main()'s "Unknown commandline arguments" text is not emulated).
        self.single = args[1:] if args and args[0] == singlecmd.SINGLECMD else None

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
        """The per-node block: `Cluster Error Status` as most of the User Guide shows it, or
        `Cluster Status:` as the later releases print it (and the genRSAKeyPair page)."""
        self.line()
        if client_versions.prints(self.store.read().client, client_versions.CLUSTER_STATUS):
            self.line("\tCluster Status:")
            for node, code in results:
                self.line(f"\tNode id {node} status: 0x{code.code:08x} : {code.message}")
            return
        self.line("\tCluster Error Status")
        for node, code in results:
            self.line(f"\tNode id {node} and err state 0x{code.code:08x} : {code.message}")

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
            return files.read_bytes(str(path))
        except OSError as exc:
            self.line()
            self.line(f"\tError: cannot read file {path}: {exc.strerror or exc}")
            self.line()
            return None

    def write_file(self, path, data: bytes) -> bool:
        """Each file key_mgmt_util writes holds a key, or is about one: created 0600."""
        try:
            files.write(str(path), data, private=True)
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


def command(name: str, *, summary: str, description: str = "", syntax: str = "", flags: tuple[Flag, ...] = (),
            where: tuple[str, ...] = (), lookup: bool = False, ignored: bool = False):
    """Register a command with its declaration (syntax.py); its function is called with the
    flags read.  A usage error, or -h, prints the command's help."""
    declared = Flags(name, syntax or name, description, flags, where, lookup, ignored)

    def register(func):
        def run(shell: KeyMgmtUtil, args: list[str]):
            try:
                return func(shell, declared.parse(args))
            except Usage as usage:
                shell.write(declared.help_text(usage.error))
                return None
        TABLE.add(Command(name, run, summary, declared))
        return func
    return register
