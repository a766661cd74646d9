"""The cloudhsm-cli process: interactive mode (`aws-cloudhsm > `) and single-command mode.

Every command prints one JSON object, `{"error_code": 0|1, "data": ...}`, indented by two
spaces in the documented key order (cloudhsm-cli-spec §1.3).  A command line clap rejects
prints clap's text instead.  Each command is one transaction on the world, so other processes
(cloudhsm_mgmt_util, key_mgmt_util, KMS) see its effect as soon as it returns.

Single-command mode is one process per command: it logs in with CLOUDHSM_ROLE and
CLOUDHSM_PIN=user:password when both are set, runs the command and ends, which logs it out.
Exit status (cloudhsm-cli-spec §11, GAP): 0 when `error_code` is 0, 1 when it is 1, 2 for a
command line clap rejects (clap's own status); scripts in the wild test `.error_code`.
"""

from __future__ import annotations

import os
import shlex
import uuid
from typing import Any, Mapping

import msgspec

from ...world.model import Cluster, Hsm, Session, World
from ...world.store import Store, WorldError
from ..console import Console
from . import texts
from .declare import ArgError, Command, HelpRequested, parse
from .tree import TREE

TOOL = "cloudhsm-cli"
ARG_ERROR_STATUS = 2


class Failure(Exception):
    """A command's refusal: printed as `{"error_code": 1, "data": text}`."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class Disconnected(Failure):
    """The HSMs closed the connection: mTLS is enforced and this client presents no
    certificate a trust anchor issued.  Every command fails with one line, not a JSON object
    (cloudhsm-cli-spec §5.3, measured)."""

    def __init__(self) -> None:
        super().__init__(texts.HSM_DISCONNECTED)


def envelope(error_code: int, data: Any) -> str:
    # The tool is a Rust program (serde_json's pretty printer): two-space indents, keys in
    # order, and text other than ASCII as it is, not escaped.  msgspec (the world's codec,
    # loaded already) writes it so; the json module would cost a single command its import.
    body = msgspec.json.encode({"error_code": error_code, "data": data})
    return msgspec.json.format(body, indent=2).decode("utf-8") + "\n"


def refusal(failure: Failure) -> str:
    return failure.text + "\n" if isinstance(failure, Disconnected) else envelope(1, failure.text)


class CloudHsmCli:
    def __init__(self, store: Store, console: Console, environ: Mapping[str, str]):
        self.store = store
        self.console = console
        self.environ = environ
        self.session_id = f"{TOOL}-{uuid.uuid4().hex[:12]}"
        self.pid = os.getpid()
        self.cluster_id: str | None = None  # `interactive --cluster-id`
        self.has_logged_in = False  # only then is there a login (and session keys) to end
        self.done = False

    # -- the two modes ----------------------------------------------------------------------

    def run(self, args: list[str]) -> int:
        if args[:1] == ["interactive"]:
            try:
                return self.interactive(args[1:])
            finally:
                self.close()
        # Single-command mode logs in (CLOUDHSM_PIN), runs the command and logs out as it
        # ends: one batch of transactions, committed once (Store.batch).
        with self.store.batch():
            try:
                return self.single(args)
            finally:
                self.close()

    def interactive(self, args: list[str]) -> int:
        for i, word in enumerate(args):
            if word == "--cluster-id" and i + 1 < len(args):
                self.cluster_id = args[i + 1]
            elif word.startswith("--cluster-id="):
                self.cluster_id = word.split("=", 1)[1]
        while not self.done:
            line = self.console.read_line(texts.PROMPT)
            if line is None:
                self.console.write("\n")
                break
            self.line(line)
        return 0

    def line(self, line: str) -> int:
        """One interactive line: `help`, `quit`, or a command."""
        try:
            words = shlex.split(line)
        except ValueError:
            self.console.write(texts.BAD_LINE + "\n")
            return ARG_ERROR_STATUS
        if not words:
            return 0
        if words == ["quit"]:
            self.done = True
            return 0
        if words[0] == "help":
            return self.help(words[1:])
        return self.execute(words)

    def single(self, args: list[str]) -> int:
        if not args:
            self.console.write(TREE.group_help(()) + "\n")
            return ARG_ERROR_STATUS
        try:
            command, values = self.parsed(args)
        except ArgError as exc:
            self.console.write(exc.text + "\n")
            return ARG_ERROR_STATUS
        except HelpRequested as exc:
            self.console.write(exc.text + "\n")
            return 0
        if command.path[0] != "login" and self.environ.get("CLOUDHSM_ROLE") and self.environ.get("CLOUDHSM_PIN"):
            from .session import login_from_environment

            try:
                login_from_environment(self, values)
            except Failure as failure:
                self.console.write(refusal(failure))
                return 1
        return self.run_command(command, values)

    def help(self, words: list[str]) -> int:
        if not words:
            self.console.write(TREE.group_help(()) + "\n")
            return 0
        try:
            TREE.resolve(words + ["--help"])
            command, _ = TREE.resolve(words)
            parse(command, ["--help"])
        except (HelpRequested, ArgError) as exc:
            self.console.write(exc.text + "\n")
        return 0

    # -- running a command ------------------------------------------------------------------

    @staticmethod
    def parsed(words: list[str]) -> tuple[Command, dict[str, Any]]:
        command, rest = TREE.resolve(words)
        return command, parse(command, rest)

    def execute(self, words: list[str]) -> int:
        try:
            command, values = self.parsed(words)
        except (ArgError, HelpRequested) as exc:
            self.console.write(exc.text + "\n")
            return ARG_ERROR_STATUS if isinstance(exc, ArgError) else 0
        return self.run_command(command, values)

    def run_command(self, command: Command, values: dict[str, Any]) -> int:
        try:
            data = command.run(self, values)
        except Failure as failure:
            self.console.write(refusal(failure))
            return 1
        except WorldError:
            raise
        except Exception as exc:  # noqa: BLE001 - no command may end in a traceback
            self.console.write(envelope(1, texts.INTERNAL.format(f"{type(exc).__name__}: {exc}")))
            return 1
        self.console.write(envelope(0, data))
        return 0

    # -- what the commands share ------------------------------------------------------------

    def cluster(self, world: World, values: dict[str, Any]) -> Cluster:
        """The cluster a command runs against: `--cluster-id`, else the one interactive mode
        started with, else the only one configured."""
        from ...cloudhsm import client_config as config, mtls

        try:
            cluster = config.cli_cluster_of(world, values.get("cluster-id") or self.cluster_id)
        except config.Unconfigured:
            raise Failure(texts.CONFIG_HOSTNAME_INVALID) from None
        except config.ClusterIdNeeded:
            raise Failure(texts.CLUSTER_ID_NEEDED) from None
        except config.UnknownCluster as problem:
            raise Failure(texts.NO_SUCH_CLUSTER.format(problem.cluster_id)) from None
        if not mtls.admits(cluster, config.client_certificate(world, cluster)):
            raise Disconnected()
        return cluster

    def over_mtls(self, world: World, cluster: Cluster) -> bool:
        """Is this client's connection to the cluster mutual TLS (cloudhsm/mtls.py)?"""
        from ...cloudhsm import client_config, mtls

        return mtls.issued_by_anchor(cluster, client_config.client_certificate(world, cluster))

    def hsms(self, cluster: Cluster) -> list[Hsm]:
        from ...cloudhsm.nodes import answers

        reached = [h for h in cluster.hsms if answers(h)]
        if not reached:
            raise Failure(texts.SERVER_UNAVAILABLE)
        return reached

    def availability_check(self, world: World, cluster: Cluster) -> bool:
        from ...cloudhsm.client_config import key_availability_check

        return key_availability_check(world, cluster.cluster_id)

    def session(self, world: World) -> Session | None:
        return world.sessions.get(self.session_id)

    def logged_in(self, world: World, cluster: Cluster) -> tuple[Session, list[Hsm]]:
        session = self.session(world)
        if session is None or session.cluster_id != cluster.cluster_id:
            raise Failure(texts.NOT_LOGGED_IN)
        nodes = [h for h in self.hsms(cluster) if h.hsm_id in session.hsms]
        if not nodes:
            raise Failure(texts.SERVER_UNAVAILABLE)
        return session, nodes

    def password(self, values: dict[str, Any], *, confirm: bool) -> str:
        """`--password`, or the hidden prompts (with confirmation for a new password)."""
        if values.get("password") is not None:
            return values["password"]
        first = self.read_secret(texts.ENTER_PASSWORD)
        if first is None:
            raise Failure(texts.PASSWORDS_DIFFER)
        if confirm:
            second = self.read_secret(texts.CONFIRM_PASSWORD)
            if second != first:
                raise Failure(texts.PASSWORDS_DIFFER)
        return first

    # A person may take their time to answer: the world is not kept locked meanwhile.
    def read_line(self, text: str) -> str | None:
        self.store.let_go()
        return self.console.read_line(text)

    def read_secret(self, text: str) -> str | None:
        self.store.let_go()
        return self.console.read_secret(text)

    def close(self) -> None:
        """The process ends: its login ends with it (no logout needed, as with a real SDK
        instance)."""
        from ...cloudhsm.sessions import close_session

        if not self.has_logged_in:
            return
        try:
            with self.store.transaction(undo=False) as world:
                if self.session_id in world.sessions:
                    close_session(world, self.session_id)
        except (WorldError, OSError):
            pass
