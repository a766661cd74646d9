"""The one place that touches the world file.

Every command is one transaction: take the exclusive lock, load (reusing the parsed world
while the file's bytes are those this process last read or wrote), settle what has fallen
due, let the caller change the world, then write a temporary file, fsync it, rename it over
the world and release the lock.  A command that fails leaves the file as it was, and a writer
killed at any moment leaves either the old file or the new one, never a mixture.

Several processes share one world (the TUI, a CMU in one terminal, a KMU in another, the
endpoint); the lock serialises them and the revision counter counts their commits.

A commit costs in proportion to its change, and the YAML file stays the whole truth, current
after every commit: a transaction that changed nothing leaves the file alone (told by comparing
the world packed, `cache.pack`, with the world the file holds packed), the emitter writes again
only the items that changed, and a derived cache beside the world (`cache.py`: the packed world
and where each part of its text lies in the file, data only, keyed by a hash of the YAML's
bytes) spares a new process the parse, and its first commit the writing of every item.  A
cache that does not match the YAML, or is missing, torn, unreadable or not a valid world, is
ignored and rebuilt: a hand edit always wins.
CloudTrail's events are appended to a log beside the world (`trail_log.py`), so a call that
only records an event (Encrypt, Decrypt, a Describe) does not write the world.

A read is a snapshot: `read()` hands out a world that no later transaction changes.  Once a
read-only transaction is done, its world goes to the readers, and the next transaction works
on a fresh one decoded from the same world packed (`cache.pack`, as the derived cache holds it).
How each of these files is opened, checked, locked and replaced in a folder others may share
is `files.py`'s.
"""

from __future__ import annotations

import contextlib
import os
import time
import weakref
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ..lazy import lazy
from . import cache, codec, credentials, files, reader, trail_log, validate
from .model import World

# Loaded by the first write (or a YAML parse): a command that only looks at a world its derived
# cache holds never needs it.
emitter = lazy("hsmshell.world.emitter")

WorldError = files.WorldError  # where front-ends have always imported it from

# Whether a read's promise not to change the world is checked (see Store._commit).
_CHECK_PROMISES = bool(os.environ.get("HSMSHELL_CHECK_PROMISES"))


class BrokenPromise(RuntimeError):
    """A transaction opened with write=False changed the world: a defect of its caller."""


HEADER = "# hsmshell world: the simulated cluster, KMS and CloudTrail. Safe to read and edit by hand.\n"
_HEADER = HEADER.encode("utf-8")


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "hsmshell" / "world.yaml"


def resolve_path(option: str | os.PathLike | None = None) -> Path:
    """--world PATH, else $HSMSHELL_WORLD, else the per-user default."""
    chosen = option or os.environ.get("HSMSHELL_WORLD")
    return Path(chosen).expanduser() if chosen else default_path()


def fixture_path(name: str) -> Path:
    """A fixture by name (`default`, `fixtures/default.yaml`) or by path."""
    candidate = Path(name).expanduser()
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    from importlib import resources  # only to make a world: 12 ms of every start-up otherwise

    stem = Path(name).stem if name.endswith((".yaml", ".yml")) else name
    packaged = resources.files("hsmshell") / "fixtures" / f"{Path(stem).name}.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    raise WorldError(f"{name}: no such fixture (known: {', '.join(fixture_names())})")


def fixture_names() -> list[str]:
    from importlib import resources

    folder = resources.files("hsmshell") / "fixtures"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


class Store:
    def __init__(self, path: str | os.PathLike, *, settle: Callable[[World], bool] | None = None,
                 transitions: Mapping | None = None, create_missing: bool = True,
                 notify: Callable[[str], None] | None = None):
        """`settle` runs at the start of each transaction; `transitions` (kind -> due.Transition)
        are the due transitions it settles, against which a world read is checked.  Where no
        world is, the first transaction makes the default one if `create_missing`, else fails.
        `notify` is told what a person should know that is not an error: a world made on
        first use, a world whose key file is missing."""
        self.given = Path(path)
        self.create_missing = create_missing
        self._notify = notify or (lambda text: None)
        self.path = files.follow(self.given)  # a link's target, where the world and its files are
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.key_path = self.path.with_name(self.path.name + ".key")
        self._settle = settle
        self._transitions = transitions
        # The bytes of the world file this process last read or wrote, and the world they
        # hold.  Keyed by content, not by (inode, size, mtime): a writer's rename frees an
        # inode number that the next writer's temporary file is given straight back, and many
        # kernels stamp mtime only to the clock tick, so a changed file can look unchanged.
        # The world is None after read() took it: the next transaction unpacks `_packed`.
        self._cache: tuple[bytes, World | None] | None = None
        # That world packed (cache.pack) and its revision, while known: read from the derived
        # cache, or packed to commit it or to make a snapshot.
        self._packed: tuple[bytes, int] | None = None
        # Whether the file's bytes are what the emitter writes for that world: a hand-written
        # file is not, and its first commit writes it out even if nothing changed (as it
        # moves events listed under `trail:` into the log).
        self._as_written = False
        # The world read() hands out for the bytes it names: one per state of the file.
        self._for_reading: tuple[bytes, World] | None = None
        # The cached world as the file holds it, to tell a transaction that changed nothing
        # without emitting its text (changes.py), taken in a run of such transactions.
        self._snapshot = None  # a changes.Snapshot
        self._unchanged_run = 0
        self._sealer: credentials.Sealer | None = None
        self._derived_at = float("-inf")  # when this store last wrote the derived cache
        self._unwritten: weakref.finalize | None = None  # the last commit's, if the throttle left it
        self.cache_path = self.path.with_name(self.path.name + ".cache")
        self._emitter: emitter.Emitter | None = None  # made by the first write (_writer)
        # The emitter's layout of the world file as the derived cache holds it, with the file's
        # bytes and the world packed, unpacked at the first write (`_writer`): a process that
        # only looks never needs it.
        self._remembered: tuple[bytes, bytes, bytes] | None = None
        self.trail_path = self.path.with_name(self.path.name + ".trail")
        self._trail = trail_log.TrailLog(self.trail_path)
        # A batch (batch()): whether one is open, and once its first transaction began, that
        # transaction (entered, not yet left) and its world.
        self._batching = False
        self._outer: contextlib.AbstractContextManager[World] | None = None
        self._batched: World | None = None
        self._as_loaded: bytes | None = None  # see _unbatched

    # -- creating ---------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    @property
    def key_lost(self) -> bool:
        """The world last read holds secrets sealed under a key file that is missing (the TUI's
        status pane says so until the key is back)."""
        return self._sealer is not None and self._sealer.lost

    def create(self, fixture: str = "default", *, force: bool = False) -> World:
        """Write a new world from a fixture.  Refuses to replace a world unless forced."""
        source = fixture_path(fixture)
        files.check_world(self.given)
        files.make_folder(self.path.parent)
        with self._locked():
            if files.exists(self.path) and not force:
                raise WorldError(f"{self.path}: a world already exists here (use --force to replace it)")
            try:
                text = source.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise WorldError(f"{source}: cannot read the fixture: {exc}") from None
            world = self._parse(text, source)
            world.revision = 0
            self._save(world)
            self._trail.replace(world.trail, world.settings.trail_limit)
            world.trail = self._trail.view(world.settings.trail_limit)
            return world

    # -- transactions -----------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """The transactions inside as one: the lock is taken by the first and kept, and the
        world is committed once, when the batch ends (or lets go, `let_go`).  A transaction
        inside that fails is undone alone: the world is put back as it was when that
        transaction began, as on its own it would not have been saved.  What the others did
        is committed even if the batch ends in an error, as it would have been.

        For a single `cloudhsm-cli` command, which logs in, runs and logs out: three commits
        of a full hsm2m.medium (6 MB of YAML, fsynced) became one, and none for a command that
        only looks, since the login it undoes leaves the world as it was.  A batch must let go
        before it waits for a person (a prompt): others wait for the lock meanwhile."""
        if self._batching:  # within a batch already: part of it
            yield
            return
        self._batching = True
        try:
            yield
        finally:
            self.let_go()
            self._batching = False

    def let_go(self) -> None:
        """End the batch now: commit its world and release the lock.  The transactions that
        follow, until the batch's end, are each their own."""
        outer, self._outer, self._batched = self._outer, None, None
        if outer is not None:
            outer.__exit__(None, None, None)

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True, undo: bool = True) -> Iterator[World]:
        """One command's access to the world.  With write=False the caller promises not to
        change it; the file is then rewritten only if settling due transitions changed it, or
        the caller made key material on first use (`made_on_first_use`).  With the environment
        variable HSMSHELL_CHECK_PROMISES set (the test suite sets it) the promise is checked:
        a read that changed the world fails with BrokenPromise, naming the change.
        Either way, a world that is what the file holds is not written again.  Within a batch,
        a part of the batch's (see batch()); undo=False: what the caller leaves if it fails
        halfway is harmless and need not be undone (a login of a process that has ended, which
        is swept; key material made on first use, which any use would make alike).  Neither a
        read nor such a part packs the world to put it back: a full hsm2m.medium packs in 15 ms."""
        if self._batching:
            checkpoint = None
            if self._outer is None:
                outer = self._unbatched(write=True)
                self._batched, self._outer = outer.__enter__(), outer
                checkpoint = self._as_loaded  # the batch's first transaction: packed already
            with self._part_of_batch(self._batched, checkpoint, undo=write and undo) as world:
                yield world
            return
        with self._unbatched(write=write) as world:
            yield world

    @contextlib.contextmanager
    def _part_of_batch(self, world: World, checkpoint: bytes | None = None, *, undo: bool = True) -> Iterator[World]:
        """A transaction within a batch: the world as it is (`checkpoint`, packed, if known), to
        be put back if it fails (unless `undo` is false); its events are dropped either way."""
        if undo and checkpoint is None:
            try:
                checkpoint = cache.pack(world)
            except ValueError as exc:
                raise WorldError(f"{self.path}: the world holds a value the file cannot: {exc}") from None
        recorded = len(world.trail.recorded)
        try:
            yield world
        except BaseException:
            if undo:
                was = cache.unpack(checkpoint, world.revision)
                for f, _ in codec._fields(World):
                    setattr(world, f.name, getattr(was, f.name))
            del world.trail.recorded[recorded:]
            raise

    @contextlib.contextmanager
    def _unbatched(self, *, write: bool) -> Iterator[World]:
        # (A link whose target moved since the store opened: the target it had is read, and a
        # world is made there only where none is, as `create` refuses to replace one.)
        if not files.check_world(self.given):
            if not self.create_missing:  # a mistyped path must not look like a world reset
                raise WorldError(f"{self.given}: no world here (create one with `hsmshell world init`)")
            files.make_folder(self.path.parent)
            with contextlib.suppress(WorldError):  # another process may create it first
                self.create("default")
                self._notify(f"no world yet: created {self.path} from fixture default")
        with self._locked():
            world = self._load()
            try:
                changed = bool(self._settle and self._settle(world))
                # The world packed as loaded, while settling left it so: a batch's first
                # checkpoint (a full hsm2m.medium packs in 20 ms, and a single command's batch
                # took four such packs).
                self._as_loaded = self._packed[0] if self._packed is not None and not changed else None
                promise = cache.pack(world) if _CHECK_PROMISES and not write and not changed else None
                yield world
                if write and self._settle and world.due:
                    # What the command set to happen at once (a connection with no delay) is
                    # done by the command's own process, not by whichever tool reads next: a
                    # KMS connection's password rotation is two scrypts, and the TUI was
                    # paying them.  (Only where something is due at all: the endpoint's
                    # Encrypts, one transaction each, pay nothing for it.)
                    self._settle(world)
            except BaseException:
                self._forget()  # the world in memory may be half-changed
                raise
            promised = not (write or changed or world.made_on_first_use)
            if promise is not None and promised:
                self._check_promise(world, promise)
            if not promised or world.trail.recorded:
                try:
                    self._commit(world, write, promised=promised)
                except BaseException:
                    # Not saved (a value YAML cannot hold, a full disk): the file is the old
                    # one, so the changed world in memory must not be reused either.
                    self._forget()
                    raise

    def export(self) -> bytes:
        """The world as one file, its CloudTrail events listed under `trail:`: what `create`
        reads back whole (a lab keeps the trainee's world this way while it runs)."""
        with self.transaction(write=False) as world:
            try:
                text = self._writer().emit(world, cache.pack(world), _HEADER)
            except ValueError as exc:
                raise WorldError(f"{self.path}: cannot export, the world file cannot hold a value: {exc}") from None
            out: list[str] = []
            if len(world.trail):
                emitter.node(out, "trail:", list(world.trail), 0, False)
        return text + "".join(out).encode("utf-8")

    def read(self) -> World:
        """A settled snapshot, for commands that only look: a world of its own that no later
        transaction changes.  Reads of one state of the file share its contents, so look and
        do not change (`cache.copy` gives a world to change); each has its own CloudTrail view."""
        if self._batching and self._batched is not None:  # the batch's world may change yet
            return cache.copy(self._batched)
        with self.transaction(write=False) as world:
            pass
        if self._cache is None:  # settled in memory only (a read-only file): this world is no one else's
            return world
        raw, current = self._cache
        if self._for_reading is None or self._for_reading[0] is not raw:
            # The transaction's world is what the file holds: hand it to the readers, and give
            # the next transaction a fresh one decoded from it packed (a tenth of a deepcopy).
            if self._packed is None:
                self._packed = (cache.pack(current), current.revision)
            self._for_reading, self._cache, self._snapshot = (raw, current), (raw, None), None
        seen = self._for_reading[1].__copy__()  # a shallow copy (without the copy module)
        seen.trail = world.trail.twin()  # shares the logged events, which no one changes
        return seen

    # -- internals --------------------------------------------------------------------------

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return files.locked(self.lock_path)

    def _load(self) -> World:
        try:
            raw = files.read_world(self.path)
        except FileNotFoundError:
            raise WorldError(f"{self.path}: no world here (create one with `hsmshell world init`)") from None
        if self._cache and self._cache[0] == raw:
            # Reading and comparing costs far less than parsing.
            world = self._cache[1]
            if world is None:  # read() took it
                world = cache.unpack(*self._packed)
                world.sealer = self._get_sealer(world)
                self._cache = (self._cache[0], world)
            world.trail = self._trail.view(world.settings.trail_limit)
            world.made_on_first_use = False
            return world
        digest = cache.digest_of(raw)
        world = self._from_derived(digest, raw)
        if world is None:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise WorldError(f"{self.path}: cannot read the world: {exc}") from None
            world = self._parse(text, self.path)
            self._packed = self._remembered = None
            self._emitter, self._as_written = emitter.Emitter(), False
            with contextlib.suppress(ValueError):  # what YAML held can be written; if not, no cache
                packed = cache.pack(world)
                self._packed = (packed, world.revision)
                # Its text and layout, for the next commit.
                self._as_written = self._emitter.emit(world, packed, _HEADER) == raw
                if not world.trail:  # events to move into the log: the YAML changes at once
                    self._write_derived(digest, raw)
        self._cache = (raw, world)
        listed, world.trail = world.trail, self._trail.view(world.settings.trail_limit)
        for event in listed:
            # A hand-written file listed events under `trail:`: they join the log when this
            # transaction commits, and the file is written without them.
            world.trail.append(event)
        return world

    def _from_derived(self, digest: bytes, raw: bytes) -> World | None:
        """The world from the derived cache, if it matches the YAML `raw` whose hash is
        `digest` and holds a world that keeps every rule (as one parsed from the YAML must)."""
        derived = cache.read(self.cache_path, digest)
        if derived is None:
            return None
        try:
            world = cache.unpack(derived.world, derived.revision)
        except ValueError:
            return None
        if validate.problems(world, self._transitions) or not all(
                credentials.is_sealed(s.key_store_password) for s in world.custom_key_stores.values()):
            return None
        world.sealer = self._get_sealer(world)
        self._packed, self._emitter = (derived.world, derived.revision), None
        # A layout is kept only for a file as the emitter writes it.
        self._as_written = bool(derived.layout)
        self._remembered = (derived.layout, raw, derived.world) if derived.layout else None
        return world

    def _writer(self) -> emitter.Emitter:
        """The emitter, given the derived cache's layout of the world file once a write needs it."""
        if self._remembered is not None:
            (blob, text, packed), self._remembered = self._remembered, None
            with contextlib.suppress(ValueError):  # damaged: the first write emits every item
                self._emitter = emitter.Emitter(text, cache.unpack_layout(blob), packed)
        if self._emitter is None:
            self._emitter = emitter.Emitter()
        return self._emitter

    def _forget(self) -> None:
        """Forget the world in memory: the next transaction reads the file again.  The
        shortcut the throttle left unwritten is written first: without it that read would
        parse the YAML (seconds for a full world, or a key with 50,000 grants), where the
        shortcut is read in milliseconds.  (It holds the world of the last commit, keyed to that
        file's bytes: a file changed since does not use it.)"""
        self._end_unwritten(write=True)
        self._cache = self._snapshot = self._packed = None

    def _end_unwritten(self, *, write: bool) -> None:
        """Write (or, superseded, drop) the shortcut the throttle left unwritten, if any."""
        if self._unwritten is not None:
            unwritten, self._unwritten = self._unwritten, None
            _UNWRITTEN.discard(unwritten)
            if write:
                unwritten()
            else:
                unwritten.detach()

    def _parse(self, text: str, source: Path) -> World:
        yaml, _ = reader.yaml_and_loader()
        try:
            data = reader.load(text)
        except reader.TextError as exc:
            raise WorldError(f"{source}, line {exc.line}: {exc.problem}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            position = getattr(exc, "position", None)  # a character YAML refuses (ReaderError)
            line = (f", line {mark.line + 1}" if mark else
                    f", line {text.count(chr(10), 0, position) + 1}" if position is not None else "")
            problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
            opened = getattr(exc, "context_mark", None)
            if problem == "found unexpected end of stream" and opened and "quoted scalar" in (exc.context or ""):
                # YAML notices an unclosed quote at the end of the file; the mistake is where it opened.
                line, problem = f", line {opened.line + 1}", "a quote opened here is never closed"
            raise WorldError(f"{source}{line}: not valid YAML: {problem}") from None
        try:
            events = _listed_events(data)
            cost = _password_cost(data)
            world = codec.decode(World, data, hash_password=_hasher(cost))
            world.trail = events
            found = validate.problems(world, self._transitions)
            if found:
                raise codec.SchemaError(*found[0])
        except codec.SchemaError as exc:
            line = _line_of(text, exc.path) or 1  # an empty or scalar file: its first line
            where = f", line {line}"
            raise WorldError(f"{source}{where}: {exc.where()}: {exc.problem}") from None
        world.sealer = self._get_sealer(world)
        for store in world.custom_key_stores.values():
            # A hand-written fixture gives KMS's copy of the kmsuser password in clear.
            if not credentials.is_sealed(store.key_store_password):
                store.key_store_password = world.sealer.seal(store.key_store_password.encode())
        return world

    def _commit(self, world: World, write: bool, *, promised: bool = False) -> None:
        """Write what the transaction changed: the world file only if it holds something else
        now, then the events it recorded.  A read (`write` false) of a world the user made
        read-only keeps what settling changed in memory only: looking still works.

        A read that settled nothing (`promised`) of a world as the emitter writes it is taken
        at its word: only its events are written, the world is not compared.  Comparing was a
        fifth of the endpoint's cost of an Encrypt (a snapshot of every record)."""
        packed = None
        try:
            events = list(world.trail.recorded)
            lines = [trail_log.line(e) for e in events]
            # (A file not as the emitter writes it is written out even so: one listing events
            # under `trail:` must lose them as they join the log.)
            unchanged = (promised and self._as_written) or (
                self._snapshot is not None and self._snapshot.unchanged(world))
            if not unchanged:
                # Packed as the file's world is (less the revision, which only a commit changes):
                # the same bytes, the same world.  The packing serves the commit too.
                packed = cache.pack(world)
                unchanged = (self._cache is not None and self._as_written and self._packed is not None
                             and packed == self._packed[0])
                self._unchanged_run = self._unchanged_run + 1 if unchanged else 0
                if self._unchanged_run >= 2:
                    # The second in a row: worth a snapshot (for a small world even the first
                    # would be, for 3,300 keys it costs two packings).  Imported here: a shell
                    # that runs a command or two never needs it.
                    from . import changes

                    self._snapshot = changes.Snapshot(world)
        except ValueError as exc:
            raise WorldError(f"{self.path}: not saved, the world file cannot hold a value: {exc}") from None
        if not unchanged and not write and files.read_only(self.path):
            self._cache = self._snapshot = None  # memory and file differ: parse again next time
        elif not unchanged:
            # Emitted again with the new revision: incremental, a fraction of the two fsyncs.
            world.revision += 1
            self._save(world, packed)
        with contextlib.suppress(OSError):
            # The world is committed; CloudTrail's delivery is best effort, as it is in AWS.
            self._trail.append(events, lines, world.settings.trail_limit)

    def _check_promise(self, world: World, packed: bytes) -> None:
        """Fail a transaction opened with write=False that changed the world (as `packed` held
        it when the transaction began), naming the change."""
        now = cache.pack(world)
        if now == packed:
            return
        import difflib

        self._forget()
        yaml = [emitter.Emitter().emit(w, p, _HEADER).decode("utf-8").splitlines()
                for w, p in ((cache.unpack(packed, world.revision), packed), (world, now))]
        diff = "\n".join(list(difflib.unified_diff(*yaml, "before", "after", n=1, lineterm=""))[:40])
        raise BrokenPromise(f"{self.path}: a transaction that promised not to write (write=False) changed the "
                            f"world:\n{diff}")

    def _save(self, world: World, packed: bytes | None = None) -> None:
        """Write the world file (and, at most every DERIVED_EVERY seconds, the derived cache);
        `packed` is the world as cache.pack gives it, if the caller has it."""
        if files.read_only(self.path):
            raise WorldError(f"{self.path}: not saved: the world file is read-only "
                             f"(make it writable to change the world: chmod u+w {self.path})")
        found = validate.problems(world, self._transitions)
        if found:
            path, problem = found[0]
            raise WorldError(f"{self.path}: not saved, the change would break the world: "
                             f"{codec.SchemaError(path, problem).where()}: {problem}")
        try:
            if packed is None:
                packed = cache.pack(world)
            data = self._writer().emit(world, packed, _HEADER)
        except ValueError as exc:
            raise WorldError(f"{self.path}: not saved, the world file cannot hold a value: {exc}") from None
        folder = self.path.parent
        files.remove_stale_temporaries(self.path)  # left by a writer that died holding the lock
        files.replace(self.path, data, sync=True)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._cache, self._snapshot, self._packed = (data, world), None, (packed, world.revision)
        self._as_written = True
        # A process that commits in a burst (the endpoint, a soak) refreshes the shortcut at
        # most every DERIVED_EVERY seconds: packing the world costs as much as the commit, and
        # a stale shortcut is never used, only rebuilt by the next reader that parses the YAML.
        # A shortcut the throttle leaves unwritten is written when the store is dropped or the
        # process ends: a short-lived process that commits twice (a single `cloudhsm-cli`
        # command logs in and out) must not leave the next one a stale shortcut and a YAML
        # parse (seconds for a full hsm2m.medium).
        self._end_unwritten(write=False)
        now = time.monotonic()
        if now - self._derived_at >= DERIVED_EVERY:
            self._derived_at = now
            self._write_derived(cache.digest_of(data), data)
        else:
            self._unwritten = weakref.finalize(self, _write_derived_later, self.cache_path, data,
                                               *self._derived_parts(data))
            _UNWRITTEN.add(self._unwritten)

    def _write_derived(self, digest: bytes, raw: bytes) -> None:
        """The derived cache for the YAML `raw` whose hash is `digest`, which the world packed
        last (`_packed`) is; with the emitter's layout when its last text is that YAML (a
        hand-written file is not: its first commit writes every item afresh)."""
        cache.write(self.cache_path, digest, *self._derived_parts(raw))

    def _derived_parts(self, raw: bytes) -> tuple[bytes, int, bytes]:
        packed, revision = self._packed
        emitted = (self._as_written and self._emitter is not None and self._emitter.layout is not None
                   and self._emitter.text == raw)
        layout = cache.pack_layout(self._emitter.layout) if emitted else b""  # integers and names
        return packed, revision, layout

    def _get_sealer(self, world: World) -> credentials.Sealer:
        if self._sealer is None or self._sealer.lost:
            if files.exists(self.key_path) or not _holds_sealed(world):
                self._sealer = credentials.Sealer(credentials.load_key(self.key_path))
            else:
                # Copied without its key: a new key would open none of them, and the tools would
                # fail later for reasons that mislead (INVALID_CREDENTIALS, a SealError).
                self._sealer = credentials.Sealer(None, self.key_path)
                self._notify(f"{self.path}: this world holds sealed secrets (KMS's copy of the kmsuser "
                             f"password, key material in the HSMs) but its key file {self.key_path} is "
                             "missing. Restore that file from where the world came from; or seal them "
                             "again: disconnect the key store, give kmsuser a new password (changePswd), "
                             "then update-custom-key-store --key-store-password and connect (key "
                             "material sealed under the lost key stays unreadable).")
        return self._sealer


def _holds_sealed(world: World) -> bool:
    return any(credentials.is_sealed(store.key_store_password) for store in world.custom_key_stores.values()) or any(
        key.material and credentials.is_sealed(key.material)
        for holder in (*world.clusters.values(), *world.backups.values()) for key in holder.keys.values())


DERIVED_EVERY = 0.5  # seconds
def _write_derived_later(path: Path, raw: bytes, packed: bytes, revision: int, layout: bytes) -> None:
    """A store's last shortcut, written as it is dropped or the process ends (weakref.finalize)."""
    cache.write(path, cache.digest_of(raw), packed, revision, layout)


# The shortcuts the throttle left unwritten, by store: a process that ends without the
# interpreter's teardown (host.script) writes them first.
_UNWRITTEN: set[weakref.finalize] = set()


def write_unwritten() -> None:
    """Write every store's last shortcut now, as the end of the process would."""
    while _UNWRITTEN:
        _UNWRITTEN.pop()()  # a finalizer runs once: a dead one does nothing


def _hasher(cost: int):
    """Hashes the clear passwords of a hand-written file.  The same password written for
    several HSMs gets one hash, as when a crypto officer sets it on all of them at once, so
    that nodes holding different passwords can be told from nodes that agree."""
    hashed: dict[str, str] = {}

    def hash_password(password: str) -> str:
        if password not in hashed:
            hashed[password] = credentials.hash_password(password, cost)
        return hashed[password]
    return hash_password


def _listed_events(data) -> list:
    """The CloudTrail events a hand-written file lists under `trail:` (taken out of `data`)."""
    if not isinstance(data, dict) or data.get("trail") is None:
        if isinstance(data, dict):
            data.pop("trail", None)
        return []
    events = data.pop("trail")
    if not isinstance(events, list):
        raise codec.SchemaError(("trail",), "expected a list of CloudTrail events")
    for n, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("eventID", ""), str):
            raise codec.SchemaError(("trail", n), "expected a CloudTrail event (a mapping)")
    return events


def _password_cost(data) -> int:
    """The cost at which passwords given in clear are hashed while reading.  A malformed
    `settings` is left for the codec to report (it decodes settings before any user)."""
    settings = data.get("settings") if isinstance(data, dict) else None
    cost = settings.get("password_cost", 14) if isinstance(settings, dict) else 14
    if not isinstance(cost, int) or isinstance(cost, bool):
        return 14
    if not 1 <= cost <= 20:
        raise codec.SchemaError(("settings", "password_cost"), "must be an integer from 1 to 20 "
                                "(scrypt's work factor as a power of two)")
    return cost


_STR_TAG = "tag:yaml.org,2002:str"


def _line_of(text: str, path: tuple) -> int | None:
    """The line of the value at `path`, found by walking YAML's node tree (only on errors).
    Composed by the loader that has just read the text (the pure-Python one refuses what
    libyaml takes, a tab after a colon)."""
    yaml, loader = reader.yaml_and_loader()
    node = yaml.compose(text, Loader=loader)
    line = node.start_mark.line + 1 if node else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            # `1:` and `'1':` are two keys of one text: the part's type says which is meant (and
            # the reader refuses a key given twice, so one at most is of that type and text).
            match = [(k, v) for k, v in node.value
                     if k.value == str(part) and (k.tag == _STR_TAG) == isinstance(part, str)]
            if not match:
                return line
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
