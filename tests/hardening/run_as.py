"""Run one console script of this environment as another user: `python run_as.py UID SCRIPT
ARGS...`, started as root.

Why not `setpriv` in front of the script: here the interpreter and its packages live under
/root, which another user cannot reach (they would get the system's Python and its older
packages).  So this process loads every module the tools may need while it is still root,
then becomes UID for good (real, effective and saved ids, no groups, no capabilities) before
the tool touches a file: every open, create and rename is that user's.
"""

import importlib
import importlib.metadata
import os
import pkgutil
import sys

uid, script, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
import hsmshell  # noqa: E402

for module in pkgutil.walk_packages(hsmshell.__path__, "hsmshell."):
    if not module.name.startswith(("hsmshell.tui", "hsmshell.testing")) and not module.name.endswith("__main__"):
        importlib.import_module(module.name)
for name in ("cryptography.hazmat.primitives.ciphers.aead", "cryptography.exceptions", "pwd", "yaml"):
    importlib.import_module(name)
(entry,) = importlib.metadata.entry_points(group="console_scripts", name=script)
main = entry.load()

os.setgroups([])
os.setresgid(uid, uid, uid)
os.setresuid(uid, uid, uid)
sys.argv = [script, *args]
sys.exit(main())
