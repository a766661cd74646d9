"""A user name is unique on each HSM whatever its case: CloudHSM user names are not case-
sensitive (cloudhsm-shells-spec createUser and changePswd: "user-name ... not case-sensitive";
the CloudHSM CLI shows them in lower case), so `KMSUSER` beside `kmsuser` is the same user twice."""

from __future__ import annotations

import pytest

from hsmshell.services import open_store
from hsmshell.world.store import WorldError

from .test_validate import line_of


@pytest.mark.parametrize("name", ["KMSUSER", "KmsUser", "kmsuser"])
def test_a_second_user_of_the_same_name_in_another_case_is_refused_with_its_line(world_path, name):
    text = world_path.read_text()
    world_path.write_text(text.replace("name: app_user", f"name: {name}", 1))
    before = world_path.read_bytes()
    replaced = line_of(world_path, f"name: {name}")
    lines = world_path.read_text().splitlines()
    line = next(i for i, l in enumerate(lines, 1) if i > replaced and l.strip() == "name: kmsuser")
    with pytest.raises(WorldError) as caught:
        open_store(world_path).read()
    assert str(caught.value).startswith(f"{world_path}, line {line}: ")  # the second of the two
    assert "duplicate user name 'kmsuser'" in str(caught.value)
    assert world_path.read_bytes() == before
