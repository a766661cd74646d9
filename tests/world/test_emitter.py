"""The world file's emitter: whatever it writes, YAML reads back as exactly the value written,
and writing again after a change (reusing the text of unchanged items) gives the same text as
writing the whole world afresh."""

from __future__ import annotations

import copy
import math

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from hsmshell.world import cache, codec, emitter
from hsmshell.world.model import CliCluster, CliConfig, Key, User
from hsmshell.world.store import Store

CLUSTER_ID = "cluster-1a23b4cdefg"
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])

AWKWARD = ["", " ", "yes", "No", "ON", "off", "y", "n", "null", "Null", "~", "true", "False", "0x10",
           "0o17", "0b101", "1e3", "1E-3", "1_000", "1:20", "+1", "-1", ".5", "1.", ".inf", "-.Inf",
           ".nan", "2019-06-11", "2019-06-11T10:00:00Z", "=", "<<", "- x", "-", "--", "---", "...",
           ": ", "a: b", "a:", "a :b", "key: value", "#", "a #b", "a#b", "# comment", "[1]", "{a: 1}",
           "&anchor", "*alias", "!tag", "%YAML", "@at", "`tick`", "'single'", '"double"', "|", ">",
           "?", "? x", ",", " leading", "trailing ", " both ", "tab\there", "\t", "line\nbreak",
           "\n", "\n\n", "a\n", "a\n\n", "\na", " a\nb", "a\n b\n", "a \nb", "\r\n", "cr\rlf",
           "nul\0", "bell\a", "esc\x1b", "del\x7f", "nel\x85", "ls\u2028ps\u2029", "\ufeffbom",
           "\ufffe", "é", "日本語", "emoji 😀", "\u00a0nbsp", "back\\slash", "quote\"s",
           "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
           "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
           "x" * 5000, ("word " * 2000).strip(), "a\n" * 300]


def strictly_equal(a, b) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True are not the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(strictly_equal(k, k2) and strictly_equal(a[k], b[k2])
                                          for k, k2 in zip(a, b))
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b and (not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, b))


def written(value, key="value") -> str:
    out: list[str] = []
    emitter.mapping(out, {key: value}, 0, "")
    return "".join(out)


def text_of(world, writer: emitter.Emitter | None = None) -> str:
    """The world's text as `writer` (a new emitter if none) writes it."""
    return (writer or emitter.Emitter()).emit(world, cache.pack(world)).decode("utf-8")


def read_back(text: str, loader) -> object:
    return yaml.load(text, Loader=loader)


text_values = st.one_of(st.sampled_from(AWKWARD), st.text(), st.text(alphabet=" :#-\n\t'\"yesnul0x1e.", max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text_values)
keys = st.one_of(st.integers(), st.text(max_size=40), st.sampled_from(AWKWARD[:-3]))
plain_data = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


@pytest.mark.parametrize("text", AWKWARD)
@pytest.mark.parametrize("loader", LOADERS)
def test_awkward_strings_read_back_as_the_same_string(text, loader):
    for value in (text, [text], {text[:100] or "k": text}, [[text]], {"inner": {"deeper": [text]}}):
        document = written(value)
        assert strictly_equal(read_back(document, loader), {"value": value}), document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_data)
def test_any_plain_value_reads_back_exactly(value):
    try:
        document = written(value)
    except ValueError as refused:  # only what no UTF-8 file can hold is refused
        assert "surrogate" in str(refused)
        return
    for loader in LOADERS:
        assert strictly_equal(read_back(document, loader), {"value": value}), document


def test_multi_line_text_is_a_literal_block_and_single_line_text_stays_plain():
    certificate = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
    assert written(certificate, "trust_anchor") == (
        "trust_anchor: |\n  -----BEGIN CERTIFICATE-----\n  MIIBszCCAVmgAwIBAgIU\n  -----END CERTIFICATE-----\n")
    assert written("us-west-2", "region") == "region: us-west-2\n"
    assert written("111122223333", "account_id") == 'account_id: "111122223333"\n'
    assert written("yes", "answer") == 'answer: "yes"\n'


@pytest.mark.parametrize("value", [object(), (1, 2), {1, 2}, b"bytes", "lone \ud800 surrogate", {(1, 2): "tuple key"}])
def test_what_a_file_cannot_hold_is_refused(value):
    with pytest.raises(ValueError):
        written(value)


class LiteralDumper(yaml.SafeDumper):
    """How the store wrote the world before it had its own emitter."""


LiteralDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def test_a_world_is_written_as_pyyaml_would_lay_it_out(template_world):
    """Same layout as before the emitter (people and tests find lines by their indentation);
    only the quoting of strings that need it may differ."""
    world = Store(template_world / "world.yaml").read()
    ours = text_of(world)
    theirs = yaml.dump(codec.encode(world), Dumper=LiteralDumper, sort_keys=False, allow_unicode=True, width=10**6)
    assert [line.split(":")[0] for line in ours.splitlines()] == [line.split(":")[0] for line in theirs.splitlines()]
    assert yaml.load(ours, Loader=LOADERS[-1]) == codec.encode(world)


# -- writing again after a change -------------------------------------------------------------------

def _key(world, n: int):
    keys = world.clusters[CLUSTER_ID].keys
    return keys[sorted(keys)[n % len(keys)]] if keys else None


def change(world, action: str, n: int, text: str) -> None:
    """One change of the kinds commands make, in place or by replacement."""
    cluster = world.clusters[CLUSTER_ID]
    if action == "label" and _key(world, n):
        _key(world, n).label = text
    elif action == "attribute" and _key(world, n):
        _key(world, n).attributes.setdefault(n, []).append(text)  # deep, in place
    elif action == "share" and _key(world, n):
        _key(world, n).shared_with.append(n)
    elif action == "add key":
        handle = cluster.next_handle
        cluster.next_handle += 1
        cluster.keys[handle] = Key(handle=handle, owner=3, key_class=4, key_type=31, size=32, label=text,
                                   hsms=[h.hsm_id for h in cluster.hsms])
    elif action == "delete key" and _key(world, n):
        del cluster.keys[_key(world, n).handle]
    elif action == "replace key equal" and _key(world, n):
        key = _key(world, n)
        cluster.keys[key.handle] = copy.deepcopy(key)
    elif action == "event":
        world.faults.append({"eventName": text, "n": n, "nested": {"list": [n, text]}})
        del world.faults[: max(0, len(world.faults) - 5)]
    elif action == "event in place" and world.faults:
        world.faults[n % len(world.faults)]["nested"] = {"edited": text}
    elif action == "user":
        hsm = cluster.hsms[n % len(cluster.hsms)]
        hsm.users.append(User(user_id=100 + n, user_type="CU", name=f"u{n}-{len(hsm.users)}",
                              password_hash="scrypt$4$x$y"))
    elif action == "user in place":
        hsm = cluster.hsms[n % len(cluster.hsms)]
        hsm.users[n % len(hsm.users)].failed_logins += 1
    elif action == "drop user":
        hsm = cluster.hsms[n % len(cluster.hsms)]
        if len(hsm.users) > 1:
            del hsm.users[0]
    elif action == "region":
        world.region = text
    elif action == "fault":
        world.faults.insert(0, {"kind": text, "at": n})


ACTIONS = ["label", "attribute", "share", "add key", "delete key", "replace key equal", "event",
           "event in place", "user", "user in place", "drop user", "region", "fault"]
safe_text = st.one_of(st.sampled_from(AWKWARD), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 50), safe_text), min_size=1, max_size=25))
# In-place changes deep inside items that are otherwise reused, every time rather than by luck:
@example([("event", 1, "a"), ("event", 2, "b"), ("event in place", 0, "c")])
@example([("attribute", 0, "x"), ("attribute", 0, "y"), ("user in place", 1, ""), ("drop user", 1, "")])
@example([("replace key equal", 0, ""), ("label", 0, "yes"), ("add key", 0, "- x"), ("delete key", 0, "")])
def test_writing_again_after_changes_gives_the_text_of_a_fresh_writing(template_world, changes):
    world = Store(template_world / "world.yaml").read()
    incremental = emitter.Emitter()
    text_of(world, incremental)
    for action, n, text in changes:
        change(world, action, n, text)
        again = text_of(world, incremental)
        assert again == text_of(world), (action, n, text)
    assert yaml.load(again, Loader=LOADERS[-1]) == codec.encode(world)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 50), safe_text), min_size=1, max_size=12))
@example([("delete key", 3, ""), ("add key", 0, "x"), ("label", 1, "multi\nline")])
def test_an_emitter_given_its_last_text_and_layout_as_a_cache_holds_them_writes_the_same(template_world, changes):
    """What a new process does: an emitter made from the last text, its layout as the derived
    cache keeps it (packed and unpacked) and the world packed, as a fresh emitter would write;
    the bytes are YAML that PyYAML's safe loader reads as the world."""
    world = Store(template_world / "world.yaml").read()
    text, layout, packed = b"", None, None
    for action, n, value in changes:
        change(world, action, n, value)
        writer = emitter.Emitter(text, cache.unpack_layout(cache.pack_layout(layout)) if layout else None, packed)
        packed = cache.pack(world)
        text, layout = writer.emit(world, packed), writer.layout
        assert text.decode("utf-8") == text_of(world), (action, n, value)
    assert yaml.load(text, Loader=yaml.SafeLoader) == codec.encode(world)


def test_an_unchanged_item_is_not_written_again(template_world, monkeypatch):
    world = Store(template_world / "world.yaml").read()
    incremental = emitter.Emitter()
    text_of(world, incremental)
    for n in range(40):
        world.faults.append({"eventName": "Encrypt", "n": n})
    text_of(world, incremental)
    written_items = []
    real_item = emitter.Emitter._item
    monkeypatch.setattr(emitter.Emitter, "_item",
                        lambda self, value, *rest: written_items.append(value) or real_item(self, value, *rest))
    _key(world, 0).label = "changed"
    world.faults.append({"eventName": "Decrypt"})
    del world.faults[0]
    text_of(world, incremental)
    kinds = sorted(type(v).__name__ for v in written_items)
    # The one changed key and the one new event; the clusters and HSMs that hold collections are
    # written around their items' remembered text.
    assert [v for v in written_items if isinstance(v, (Key, dict))] == [_key(world, 0), {"eventName": "Decrypt"}]
    assert set(kinds) <= {"Key", "dict", "Cluster", "Hsm", "Backup"}


# -- the rules of scalars, one by one ----------------------------------------------------------------

@pytest.mark.parametrize("char, escape", [
    ("\x01", "\\x01"), ("\x1f", "\\x1F"), ("\x7f", "\\x7F"), ("\x9f", "\\x9F"),  # one byte: \x, as PyYAML
    ("\ufeff", "\\uFEFF"), ("\ufffe", "\\uFFFE"), ("\uffff", "\\uFFFF"),  # up to U+FFFF: \u
])
def test_a_character_is_escaped_in_the_shortest_form_pyyaml_itself_writes(char, escape):
    assert emitter.scalar("a" + char) == '"a' + escape + '"'
    theirs = yaml.dump("a" + char, Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True, width=10**6)
    assert emitter.scalar("a" + char) == theirs.removesuffix("\n")
    assert yaml.safe_load(emitter.scalar("a" + char)) == "a" + char


@pytest.mark.parametrize("surrogate", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_every_lone_surrogate_is_refused_from_the_first_to_the_last(surrogate):
    with pytest.raises(ValueError, match="surrogate"):
        emitter.scalar("a" + surrogate)


def test_infinities_are_written_with_their_sign():
    assert emitter.scalar(math.inf) == ".inf"
    assert emitter.scalar(-math.inf) == "-.inf"
    assert yaml.safe_load(written([math.inf, -math.inf])) == {"value": [math.inf, -math.inf]}


def test_a_mapping_key_of_up_to_1000_characters_is_written_and_a_longer_one_refused():
    for key in ("k" * 1000, "k" * 999):
        assert yaml.safe_load(written("v", key)) == {key: "v"}
    for key in ("k" * 1001, "k" * 5000, "\x01" * 250):  # counted as written: 250 escapes are 1002
        with pytest.raises(ValueError, match="too long"):
            written("v", key)


@pytest.mark.parametrize("key", [True, False, 1.5, None])
def test_a_mapping_key_that_is_neither_a_string_nor_an_integer_is_refused(key):
    with pytest.raises(ValueError, match="mapping key"):
        written({key: "v"})


@pytest.mark.parametrize("text", ["a \nb", "a\nb \nc\n", "  \nx"])
def test_multi_line_text_with_a_space_before_a_line_break_is_quoted_so_no_line_ends_in_a_space(text):
    """An editor that trims trailing spaces would change a literal block's text."""
    document = written(text)
    assert not any(line.endswith(" ") for line in document.splitlines()), document
    assert yaml.safe_load(document) == {"value": text}


# -- writing again: which items are written afresh, and what is copied ------------------------------

def _with_keys(world, count: int):
    keys = world.clusters[CLUSTER_ID].keys
    while len(keys) < count:
        change(world, "add key", len(keys), f"key-{len(keys)}")
    return keys


def _relabel(keys, *positions):
    for p in positions:
        keys[list(keys)[p]].label = f"relabelled-{p}"


def _delete(keys, *positions):
    for handle in [list(keys)[p] for p in positions]:
        del keys[handle]


def _reorder(keys, order):
    handles = list(keys)
    items = {h: keys[h] for h in handles}
    keys.clear()
    keys.update((handles[p], items[handles[p]]) for p in order)


def _insert_low_handle(keys, position):
    handles = list(keys)
    low = copy.deepcopy(keys[handles[0]])
    low.handle, low.label = 7, "low"
    items = dict(keys)
    keys.clear()
    keys.update((h, items[h]) for h in handles[:position])
    keys[7] = low
    keys.update((h, items[h]) for h in handles[position:])


def _add_cluster(world):
    cluster = copy.deepcopy(world.clusters[CLUSTER_ID])
    cluster.cluster_id = "cluster-2b34c5defgh"
    world.clusters[cluster.cluster_id] = cluster


def _add_hsm(world):
    hsms = world.clusters[CLUSTER_ID].hsms
    hsm = copy.deepcopy(hsms[-1])
    hsm.hsm_id = f"hsm-abcdefghij{len(hsms)}"
    hsms.append(hsm)


# Each: what one commit does to a cluster of eight keys (more than one change at once, so that
# the items left unchanged are lined up by id rather than by place), and the positions of the
# keys, after the change, that must be written afresh: every other key is copied.
SCENARIOS = {
    "a middle key deleted, one before and one after it relabelled":
        (lambda w, k: (_delete(k, 4), _relabel(k, 1, 5)), [1, 5]),
    "two keys deleted together and the first relabelled":
        (lambda w, k: (_delete(k, 2, 3), _relabel(k, 0)), [0]),
    "the first key deleted and one added at the end":
        (lambda w, k: (_delete(k, 0), change(w, "add key", 0, "new")), [7]),
    "two keys far apart relabelled, the ids unchanged":
        (lambda w, k: _relabel(k, 0, 3), [0, 3]),
    "two keys far apart relabelled and one deleted between them":
        (lambda w, k: (_relabel(k, 1, 6), _delete(k, 3)), [1, 5]),
    "the keys in reverse order": (lambda w, k: _reorder(k, range(7, -1, -1)), []),
    "the last key moved to the front": (lambda w, k: _reorder(k, [7, 0, 1, 2, 3, 4, 5, 6]), []),
    "the keys swapped in pairs": (lambda w, k: _reorder(k, [1, 0, 3, 2, 5, 4, 7, 6]), []),
    "every other key deleted, one relabelled": (lambda w, k: (_delete(k, 1, 3, 5, 7), _relabel(k, 2)), [2]),
    "a key deleted after the first is relabelled": (lambda w, k: (_delete(k, 2), _relabel(k, 0)), [0]),
    "the first two keys swapped": (lambda w, k: _reorder(k, [1, 0, 2, 3, 4, 5, 6, 7]), []),
    "a key of a lower handle put in the middle": (lambda w, k: _insert_low_handle(k, 4), [4]),
    "a cluster added after the last": (lambda w, k: _add_cluster(w), None),
    "an HSM added after the last": (lambda w, k: _add_hsm(w), None),
    "two HSMs added after the last": (lambda w, k: (_add_hsm(w), _add_hsm(w)), None),
}


def written_again(world, incremental, monkeypatch) -> tuple[str, list]:
    """The world's text from an emitter that wrote it before, and the items it wrote afresh."""
    written_items = []
    real_item = emitter.Emitter._item
    monkeypatch.setattr(emitter.Emitter, "_item",
                        lambda self, value, *rest: written_items.append(value) or real_item(self, value, *rest))
    again = text_of(world, incremental)
    monkeypatch.undo()
    return again, written_items


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_writing_again_after_several_changes_at_once_writes_only_the_changed_items(template_world, monkeypatch,
                                                                                   scenario):
    world = Store(template_world / "world.yaml").read()
    keys = _with_keys(world, 8)
    incremental = emitter.Emitter()
    text_of(world, incremental)
    act, afresh = SCENARIOS[scenario]
    act(world, keys)
    again, written_items = written_again(world, incremental, monkeypatch)
    assert again == text_of(world)
    assert yaml.load(again, Loader=LOADERS[-1]) == codec.encode(world)
    if afresh is not None:
        assert [v for v in written_items if isinstance(v, Key)] == [keys[list(keys)[p]] for p in afresh]


def test_a_list_whose_first_item_changed_is_still_lined_up_by_place(template_world, monkeypatch):
    """The faults are lined up by where the new first item stood; when it stood nowhere (it
    changed), by place: the items after it are copied, not written again."""
    world = Store(template_world / "world.yaml").read()
    world.faults.extend({"eventName": "Encrypt", "n": n} for n in range(5))
    incremental = emitter.Emitter()
    text_of(world, incremental)
    world.faults[0] = {"eventName": "Decrypt", "n": 0}
    again, written_items = written_again(world, incremental, monkeypatch)
    assert again == text_of(world)
    assert written_items == [{"eventName": "Decrypt", "n": 0}]


# Bytes of the world file changed by hand (the same length, so the layout still points at them):
# one field of the client, one of a cluster, one user of an HSM, one key.
HAND_EDITS = [(b"  cluster_id: cluster-1a23b4cdefg\n", b"  cluster_id: cluster-HANDEDITED1\n"),
              (b"  hsm_type: hsm1.medium\n", b"  hsm_type: hsm1.MEDIUM\n"),
              (b"      name: app_user\n", b"      name: APP_USER\n"),
              (b":key/1234abcd-", b":key/EDITEDcd-")]


def _edited(text: bytes) -> bytes:
    for old, new in HAND_EDITS:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_a_new_process_copies_every_unchanged_part_of_the_world_file_byte_for_byte(template_world):
    """What the module promises: an emitter made from the world file's bytes, their layout and
    the world they were written from copies every part whose value did not change, whatever
    those bytes say; only the changed parts (and the top's own short fields) are written."""
    world = Store(template_world / "world.yaml").read()
    world.client.cli = CliConfig(clusters=[CliCluster(cluster_id=CLUSTER_ID, hsm_addresses=["10.9.9.1"]),
                                           CliCluster(cluster_id=CLUSTER_ID, hsm_addresses=["10.9.9.2"])])
    first = emitter.Emitter()
    packed = cache.pack(world)
    text = first.emit(world, packed)
    cli_edit = (b"- 10.9.9.1\n", b"- 10.9.9.0\n")  # in the CLI's first cluster, which stays unchanged
    servers_edit = (b"\n  - 10.0.3.11\n", b"\n  - 10.0.3.99\n")  # in a list of strings, written whole
    assert cli_edit[0] in text and servers_edit[0] in text
    forged = _edited(text).replace(*cli_edit).replace(*servers_edit)
    writer = emitter.Emitter(forged, cache.unpack_layout(cache.pack_layout(first.layout)), packed)
    world.region = "eu-west-1"
    world.faults.append({"eventName": "Encrypt"})
    _key(world, 1).label = "changed"
    world.clusters[CLUSTER_ID].hsms[2].users[0].failed_logins += 1  # another HSM than the edited user's
    world.client.cli.clusters[1].hsm_addresses.append("10.9.9.3")
    world.client.cmu_servers.append("10.0.4.1")
    assert writer.emit(world, cache.pack(world)) == _edited(text_of(world).encode()).replace(*cli_edit)


# -- a layout from the derived cache is followed only where it points at whole lines -----------------

LINE = b"  cluster_id: cluster-HANDEDITED1\n"  # the client's first field, as a hand-edited file has it
Whole, Leaves, Branches, Layout = emitter.Whole, emitter.Leaves, emitter.Branches, emitter.Layout


def _client_field(start: int, end: int):
    return Layout({"client": Layout({"cluster_id": Whole(start, end)})})


FAULT = b"- eventName: Encrypt\n"
# Each: the old text, the layout said to be its own, the faults of the world (unchanged since),
# and whether the client's cluster_id line is copied from the old text.
LAYOUTS = {
    "the line at the very start of the text, which ends without a line break":
        (LINE + b"rest", _client_field(0, len(LINE)), [], True),
    "the line at the very end of the text": (b"head\n" + LINE, _client_field(5, 5 + len(LINE)), [], True),
    "a line that starts after another character": (b"x" + LINE, _client_field(1, 1 + len(LINE)), [], False),
    "a line that starts after a tab": (b"\t" + LINE, _client_field(1, 1 + len(LINE)), [], False),
    "a part that ends in a tab rather than a line break":
        (b"\n" + LINE[:-1] + b"\t\n", _client_field(1, 1 + len(LINE)), [], False),
    "a part that ends before it starts": (b"\n" + LINE + LINE, _client_field(1 + len(LINE), 1), [], False),
    "an empty part": (b"\n" + LINE, _client_field(1, 1), [], False),
    "a part that ends in another character than a line break":
        (b"\n" + LINE[:-1] + b"x\n", _client_field(1, 1 + len(LINE)), [], False),
    "a part past the end of the text": (b"\n" + LINE, _client_field(1, 2 + len(LINE)), [], False),
    "a whole line of another field": (b"  region_id: x\n", _client_field(0, 15), [], False),
    "an item that starts before the text": (b"\n" + FAULT + b"-", Layout({"faults": Leaves([-1, 1 + len(FAULT)])}),
                                            [{"eventName": "Encrypt"}], False),
    "items in order that are not whole lines": (b"xxxxxxxx", Layout({"faults": Leaves([1, 5])}),
                                                [{"eventName": "Encrypt"}], False),
    "more bounds than the old items": (b"- eventName: Forged\n" + FAULT, Layout({"faults": Leaves([0, 20, 41])}),
                                       [{"eventName": "Encrypt"}], False),
    "bounds out of order": (b"- eventName: A\n- eventName: B\n", Layout({"faults": Leaves([0, 30, 15])}),
                            [{"eventName": "A"}, {"eventName": "B"}], False),
    "fewer bounds than the old items": (b"- eventName: A\n- eventName: B\n", Layout({"faults": Leaves([0, 15])}),
                                        [{"eventName": "A"}, {"eventName": "B"}], False),
}


@pytest.mark.parametrize("case", LAYOUTS)
def test_a_layout_is_followed_only_where_it_points_at_whole_lines_of_the_part_and_counts_the_old_items(
        template_world, case):
    """A layout and text the derived cache gives are data: where the layout does not point at
    whole lines starting as the part must (its name at its column), or does not count the items
    it says were written, the part is written afresh."""
    old, layout, faults, copied = LAYOUTS[case]
    world = Store(template_world / "world.yaml").read()
    world.faults = faults
    packed = cache.pack(world)
    fresh = text_of(world).encode()
    expected = fresh.replace(b"  cluster_id: " + CLUSTER_ID.encode() + b"\n", LINE, 1) if copied else fresh
    assert emitter.Emitter(old, layout, packed).emit(world, packed) == expected


def test_a_layout_of_more_or_fewer_clusters_than_were_written_is_not_followed(template_world):
    world = Store(template_world / "world.yaml").read()
    packed = cache.pack(world)
    fresh = text_of(world).encode()
    old = fresh + b"  state: FORGED\n"
    forged = Layout({"state": Whole(len(fresh), len(old))})
    for items in ([forged, Layout({})], [forged, forged, forged], []):
        assert emitter.Emitter(old, Layout({"clusters": Branches(items)}), packed).emit(world, packed) == fresh


def test_an_emitter_given_a_layout_without_the_world_it_was_written_from_writes_afresh(template_world):
    world = Store(template_world / "world.yaml").read()
    first = emitter.Emitter()
    text = first.emit(world, cache.pack(world))
    world.region = "eu-west-1"
    assert emitter.Emitter(_edited(text), first.layout, None).emit(world, cache.pack(world)) == text_of(world).encode()


def test_a_copy_of_plain_data_is_equal_and_shares_nothing_that_could_change_in_place():
    value = {"list": [1, "a", {"inner": [2, None]}], "map": {"k": {"deeper": [3.5]}}, "n": 4}
    copied = emitter.copy_plain(value)
    assert strictly_equal(copied, value)
    copied["list"][2]["inner"].append("x")
    copied["map"]["k"]["deeper"].clear()
    copied["list"].append(5)
    copied["n"] = 0
    assert value == {"list": [1, "a", {"inner": [2, None]}], "map": {"k": {"deeper": [3.5]}}, "n": 4}
    assert [emitter.copy_plain(v) for v in (1, "a", None, 2.5, True)] == [1, "a", None, 2.5, True]


@pytest.mark.parametrize("act, runs", [
    (lambda k: (_delete(k, 4), _relabel(k, 1)), [[2, 3], [4, 5, 6]]),  # lined up by id
    (lambda k: _relabel(k, 0, 3), [[1, 2], [4, 5, 6, 7]]),  # the same ids: lined up by place
])
def test_unchanged_items_that_stood_together_are_copied_at_once(template_world, monkeypatch, act, runs):
    """What `leaves` promises: each run of unchanged items that stood together in the old text
    is copied as one piece of it."""
    world = Store(template_world / "world.yaml").read()
    keys = _with_keys(world, 8)
    incremental = emitter.Emitter()
    text_of(world, incremental)
    act(keys)
    copied = []
    real_put = emitter._Writing.put
    monkeypatch.setattr(emitter._Writing, "put", lambda self, piece: (
        copied.append(bytes(piece)) if isinstance(piece, memoryview) else None, real_put(self, piece))[1])
    again = text_of(world, incremental)
    monkeypatch.undo()
    assert again == text_of(world)
    items = [emitter.Emitter()._item(key, 2) for key in keys.values()]
    for run in runs:
        assert b"".join(items[p] for p in run) in copied


def test_the_revision_is_written_afresh_though_the_packed_world_leaves_it_out(template_world):
    world = Store(template_world / "world.yaml").read()
    incremental = emitter.Emitter()
    text_of(world, incremental)
    world.revision += 1
    again = text_of(world, incremental)
    assert again == text_of(world)
    assert yaml.safe_load(again)["revision"] == world.revision
