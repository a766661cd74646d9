"""The world's clock: durations, advancing, freezing, and the `hsmshell clock` commands."""

from __future__ import annotations

import types
from datetime import datetime, timedelta

import pytest

from hsmshell.cli import main
from hsmshell.world import clock
from hsmshell.world.model import Client, World
from hsmshell.world.store import Store


@pytest.mark.parametrize("text, seconds", [
    ("90s", 90), ("10m", 600), ("2h", 7200), ("7d", 604800), ("1h30m", 5400),
    ("1d2h3m4s", 93784), ("1.5h", 5400), ("0s", 0), (" 10m ", 600),
])
def test_parse_duration(text, seconds):
    assert clock.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "   ", "10", "m", "10x", "1h 30m", "-5m", "abc", "10m5",
                                  "5 m", "1,5h", "h1"])
def test_a_bad_duration_is_refused_readably(text):
    with pytest.raises(ValueError) as caught:
        clock.parse_duration(text)
    message = str(caught.value)
    assert repr(text.strip()) in message
    assert "s, m, h or d" in message and "10m" in message


@pytest.fixture
def real_time(monkeypatch):
    """A controllable stand-in for the wall clock the world's clock reads."""
    now = [1_700_000_000.0]
    monkeypatch.setattr(clock, "time", types.SimpleNamespace(time=lambda: now[0]))
    return now


def test_advance_while_running_moves_the_offset(real_time):
    world = World(client=Client(cluster_id="c"))
    assert clock.now(world) == real_time[0]
    clock.advance(world, 600)
    assert world.clock.offset == 600 and world.clock.frozen_at is None
    assert clock.now(world) == real_time[0] + 600
    real_time[0] += 5  # and time keeps running
    assert clock.now(world) == real_time[0] + 600


def test_freeze_stops_time_and_advance_moves_the_frozen_instant(real_time):
    world = World(client=Client(cluster_id="c"))
    clock.advance(world, 30)
    start = real_time[0]
    clock.freeze(world)
    assert world.clock.frozen_at == start + 30
    real_time[0] += 1000
    assert clock.now(world) == start + 30  # stands still
    clock.freeze(world)  # freezing again keeps the same instant
    assert clock.now(world) == start + 30
    clock.advance(world, 600)
    assert clock.now(world) == start + 630
    assert world.clock.offset == 30  # the offset is not what moved


def test_unfreeze_resumes_from_the_frozen_instant(real_time):
    world = World(client=Client(cluster_id="c"))
    clock.freeze(world)
    frozen = clock.now(world)
    clock.advance(world, 3600)
    real_time[0] += 50  # real time passed while frozen; the world did not see it
    clock.unfreeze(world)
    assert world.clock.frozen_at is None
    assert clock.now(world) == pytest.approx(frozen + 3600)
    real_time[0] += 7
    assert clock.now(world) == pytest.approx(frozen + 3607)
    offset = world.clock.offset
    clock.unfreeze(world)  # unfreezing a running clock changes nothing
    assert world.clock.offset == offset and world.clock.frozen_at is None


def test_the_clock_survives_a_commit(world_path, real_time):
    store = Store(world_path)
    with store.transaction() as world:
        clock.freeze(world)
        clock.advance(world, 90)
    frozen_at = Store(world_path).read().clock.frozen_at
    assert frozen_at == real_time[0] + 90


# -- through the real command line -----------------------------------------------------------

def run(capsys, world_path, *argv) -> tuple[int, str, str]:
    status = main(["--world", str(world_path), "clock", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def shown(out: str) -> datetime:
    stamp = out.strip().removesuffix(" (frozen)")
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def test_clock_advance_moves_a_frozen_clock_by_exactly_that(world_path, capsys):
    status, out, _ = run(capsys, world_path, "freeze")
    assert status == 0 and out.strip().endswith("(frozen)")
    status, out, _ = run(capsys, world_path, "show")
    assert status == 0 and out.strip().endswith("(frozen)")
    before = shown(out)

    status, out, _ = run(capsys, world_path, "advance", "10m")
    assert status == 0 and shown(out) == before + timedelta(minutes=10)
    status, out, _ = run(capsys, world_path, "show")
    assert status == 0 and shown(out) == before + timedelta(minutes=10)
    assert out.strip().endswith("(frozen)")

    status, out, _ = run(capsys, world_path, "advance", "1h30m")
    assert shown(out) == before + timedelta(minutes=100)
    status, out, _ = run(capsys, world_path, "unfreeze")
    assert status == 0 and "(frozen)" not in out
    assert shown(out) - (before + timedelta(minutes=100)) < timedelta(seconds=5)


def test_a_bad_duration_is_a_clear_error_without_a_traceback(world_path, capsys):
    assert run(capsys, world_path, "freeze")[0] == 0
    revision = Store(world_path).read().revision
    before = world_path.read_bytes()

    status, out, err = run(capsys, world_path, "advance", "10x")
    assert status == 2
    assert out == ""
    assert err == ("hsmshell: invalid duration '10x': use a number and a unit s, m, h or d, "
                   "like 90s, 10m or 7d\n")
    assert "Traceback" not in err
    assert world_path.read_bytes() == before
    assert Store(world_path).read().revision == revision


def test_a_duration_that_looks_like_an_option_is_a_usage_error(world_path, capsys):
    assert main(["--world", str(world_path), "clock", "advance", "-5m"]) == 2
    err = capsys.readouterr().err
    assert "usage: hsmshell clock advance" in err and "Traceback" not in err
