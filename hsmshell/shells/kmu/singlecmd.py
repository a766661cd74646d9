"""key_mgmt_util's single-command mode: `key_mgmt_util singlecmd [loginHSM -u CU -s <user>
-p <password>] <command> <args...>` logs in, runs one command and ends (cloudhsm-shells-spec
§3.1; main() of the Cfm2Util source, which key_mgmt_util is built from).

How main() reads its arguments, which is positional, not a flag parser:
- The login is taken only when `loginHSM` follows `singlecmd` and at least one word follows
  the seven words `loginHSM -u CU -s <user> -p <password>` (eight when `-2fa` is among them).
  Those words are loginHSM's arguments, whatever order they come in; the rest is the command.
- A login that fails ends the tool there, with main()'s -1: exit status 255.
- Otherwise every remaining word is the command, including a `loginHSM ...` with nothing after
  it, which then runs as a command and so is echoed, password and all.
- The command is echoed as `Command:` and each word as ` <word> `, then it runs.  What it
  returns is not looked at: exit status 0 whether it succeeds or fails, or is unknown.
- No command at all: nothing is printed, exit status 0.
- No `logoutHSM` is sent: closing the tool's session at the end logs it out, silently.

The password stands on the command line (and in the echo above when no command follows);
the command table's `secret_words` finds it among these words, and `password_at` among the
process's arguments, for the TUI and the recorder to keep it out of a history or a file.
"""

from __future__ import annotations

SINGLECMD = "singlecmd"
LOGIN_WORDS = 7  # loginHSM -u CU -s <user> -p <password>
LOGIN_FAILED_STATUS = 255  # main() returns -1 when the login fails


def split(words: list[str]) -> tuple[list[str] | None, list[str]]:
    """The words after `singlecmd` -> (loginHSM's arguments, or None when main() does not log
    in, and the command's words)."""
    if len(words) > LOGIN_WORDS and words[0] == "loginHSM":
        count = LOGIN_WORDS + ("-2fa" in words[:LOGIN_WORDS + 1])
        return words[1:count], words[count:]
    return None, words


def password_at(args: list[str]) -> int | None:
    """Where the (first) password stands in key_mgmt_util's arguments (hsmshell's --world
    option included), or None when they carry none."""
    from .shell import TABLE  # the table imports this module

    rest = [(i, word) for i, word in enumerate(args) if not _world_option(args, i)]
    if not rest or rest[0][1] != SINGLECMD:
        return None
    return min((rest[at][0] for at in TABLE.secret_words([word for _, word in rest])), default=None)


def _world_option(args: list[str], i: int) -> bool:
    return args[i] == "--world" or args[i].startswith("--world=") or (i > 0 and args[i - 1] == "--world")
