"""An output file cloudhsm_mgmt_util cannot write gets the tool's error, whatever makes the
name unusable: a folder that does not exist, or a NUL byte (no file name can hold one)."""

from __future__ import annotations

import pytest

LOGIN = "loginHSM CO admin co12345\n"


@pytest.mark.parametrize("name, reason", [
    ("nowhere/keys.txt", "No such file or directory"),
    ("keys\x00.txt", "Invalid argument"),
])
def test_find_all_keys_to_a_file_it_cannot_write(doors, tmp_path, monkeypatch, name, reason):
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    out = doors.cmu(f"{LOGIN}findAllKeys 3 1 {name}\nquit\n")
    assert f"\nError: Cannot write {name}: {reason}\n" in out, out
    assert "internal error" not in out and list((tmp_path / "cwd").iterdir()) == []


def test_find_all_keys_writes_what_it_would_print(doors, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    printed = doors.cmu(f"{LOGIN}findAllKeys 3 1\nquit\n")
    assert "Error" not in doors.cmu(f"{LOGIN}findAllKeys 3 1 keys.txt\nquit\n")
    written = (tmp_path / "keys.txt").read_text()
    assert written.startswith("Keys on server 0(10.0.2.9):\n") and written in printed
