"""Mutation testing of the packages that hold the rules, with cosmic-ray: a figure, not a test.

    pip install -e '.[test,mutation]'
    python benchmarks/mutation.py hsmshell/testing/match.py hsmshell/kms/custom_key_stores.py
    python benchmarks/mutation.py                  # every module in TESTS (hours: see --plan)
    python benchmarks/mutation.py --plan           # each module's tests and mutants, nothing run
    python benchmarks/mutation.py --report         # what the sessions so far found, nothing run

cosmic-ray changes one thing in a module at a time (a comparison, a constant, a boolean, an
`and`), runs the tests that mirror that module (TESTS), and puts the module back.  Of those
tests a mutant runs only the ones an unmutated, traced run saw running its statement, fastest
first, stopping at the first failure: a few tests, not hundreds.  A mutant no test
notices is a survivor: printed as file:line, the operator and its diff, it is a change of a
rule the tests would let through.  Kill it with a test that fails with that diff applied (by
hand, or `cosmic-ray apply`), or, if it changes no behaviour, list it in EQUIVALENT with the
reason.  Everything runs under `nice -n 19`; sessions are kept in build/mutation/ (or in
$HSMSHELL_MUTATION_DIR, to outlive the worktree), so a run that was stopped goes on where it
stopped; one whose module was edited since keeps the results of the mutants on unchanged lines.
What every run found is also written to benchmarks/mutation-results/<module>.json, committed:
a checkout with no sessions starts from there (delete a module's session and its results to
start it again).  Two runs at once need two copies of the tree (`git worktree`): each mutates
the files on disk.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Sessions outlive a worktree when kept elsewhere: HSMSHELL_MUTATION_DIR names their folder.
WORK = Path(os.environ.get("HSMSHELL_MUTATION_DIR") or ROOT / "build" / "mutation")
# What the sessions found, committed: a machine (a CI runner, a new checkout) starts with no
# sessions, and a whole run takes days of one core.  Each result is kept by its operator and
# the text of its line, so it outlives edits elsewhere in the module (see `seed`).
LEDGER = ROOT / "benchmarks" / "mutation-results"

# Each mutated module and the tests that exercise its rules (tests mirror the package; a rule
# of the HSMs is exercised through the shells, a KMS rule through the API), in the order a
# whole run takes them: the rules that matter most first (KMS's custom key stores and keys, the
# HSMs' keys, users, sessions and quorum, the world's validation and store).  kms/errors.py,
# cloudhsmv2/errors.py, cloudhsm/mechanisms.py and world/generation.py hold nothing the kept
# operators change.
TESTS: dict[str, list[str]] = {
    "hsmshell/kms/custom_key_stores.py": ["tests/kms/test_states_table.py", "tests/kms/test_several_stores.py",
                                          "tests/kms/test_store_lifecycle.py",
                                          "tests/kms/test_custom_key_stores.py",
                                          "tests/kms/test_custom_key_store_edges.py",
                                          "tests/kms/test_connection_errors.py",
                                          "tests/kms/test_cluster_requirements.py"],
    "hsmshell/kms/keys.py": ["tests/kms/test_keys.py", "tests/kms/test_states_table.py",
                             "tests/kms/test_standard_keys.py", "tests/kms/test_key_admin.py"],
    "hsmshell/cloudhsm/keys.py": ["tests/shells/test_kmu_find_key_users.py", "tests/shells/test_kmu_keys.py",
                                  "tests/shells/test_kmu_key_rules.py", "tests/shells/cli/test_key_rules.py",
                                  "tests/shells/test_kmu.py", "tests/shells/test_cmu.py",
                                  "tests/shells/test_kmu_conformance.py",
                                  # the one door where material made on first use is a read's
                                  # change (KMS's read-only calls): what the store must write
                                  "tests/world/test_store.py::test_a_read_that_makes_key_material_on_first_use_writes_it"],
    "hsmshell/cloudhsm/users.py": ["tests/shells/test_cmu.py", "tests/shells/test_cmu_rules.py",
                                   "tests/shells/test_cmu_users_in_session.py", "tests/shells/test_cmu_2fa.py",
                                   "tests/shells/test_cmu_quorum.py", "tests/shells/test_cmu_activation.py",
                                   "tests/shells/cli/test_users.py", "tests/shells/cli/test_mfa.py"],
    "hsmshell/cloudhsm/sessions.py": ["tests/cloudhsm/test_sessions.py", "tests/shells/test_cmu.py",
                                      "tests/shells/test_kmu.py", "tests/shells/test_cmu_users_in_session.py",
                                      "tests/shells/test_cmu_quorum.py", "tests/shells/test_kmu_keys.py"],
    "hsmshell/cloudhsm/quorum.py": ["tests/shells/test_cmu_quorum.py", "tests/shells/cli/test_quorum.py",
                                    "tests/shells/test_cmu_conformance.py", "tests/shells/test_cmu_2fa.py",
                                    "tests/shells/cli/test_mfa.py", "tests/shells/cli/test_conformance.py"],
    "hsmshell/world/validate.py": ["tests/world/test_validate.py", "tests/world/test_validate_user_names.py",
                                   "tests/world/test_validate_rules.py"],
    "hsmshell/world/store.py": ["tests/world/test_store.py", "tests/world/test_store_batch.py",
                                "tests/world/test_files.py", "tests/world/test_trail_log.py",
                                "tests/world/test_concurrency.py", "tests/world/test_derived_cache.py",
                                # what the TUI's status pane asks of the store
                                "tests/world/test_credentials.py::test_a_store_says_its_key_is_lost_while_the_key_"
                                "file_is_missing",
                                # what a command set to happen at once is settled by its own process
                                "tests/kms/test_custom_key_stores.py::test_a_connection_without_delay_is_made_"
                                "by_the_command_itself_with_one_check_of_the_password"],
    "hsmshell/world/changes.py": ["tests/world/test_changes.py"],
    "hsmshell/world/codec.py": ["tests/world/test_codec.py", "tests/world/test_store.py", "tests/world/test_validate.py"],
    "hsmshell/kms/backing_keys.py": ["tests/kms/test_keys.py"],
    "hsmshell/kms/crypto.py": ["tests/kms/test_crypto.py", "tests/kms/test_standard_keys.py",
                               "tests/kms/test_key_admin.py", "tests/kms/test_crypto_rules.py"],
    "hsmshell/kms/access.py": ["tests/kms/test_key_admin.py", "tests/kms/test_access.py"],
    "hsmshell/kms/grants.py": ["tests/kms/test_key_admin.py"],
    "hsmshell/kms/policies.py": ["tests/kms/test_key_admin.py", "tests/kms/test_policies.py"],
    "hsmshell/kms/tags.py": ["tests/kms/test_key_admin.py"],
    "hsmshell/kms/rotation.py": ["tests/kms/test_standard_keys.py", "tests/kms/test_refusals.py",
                                 "tests/kms/test_rotation.py"],
    "hsmshell/kms/refusals.py": ["tests/kms/test_refusals.py"],
    "hsmshell/kms/last_usage.py": ["tests/kms/test_refusals.py", "tests/cloudtrail/test_events.py"],
    "hsmshell/cloudhsm/attributes.py": ["tests/shells/test_kmu_keys.py", "tests/shells/test_cmu.py",
                                        "tests/shells/test_kmu_key_rules.py", "tests/shells/cli/test_keys.py",
                                        "tests/shells/cli/test_key_rules.py", "tests/shells/test_kmu_conformance.py",
                                        "tests/shells/test_cmu_conformance.py"],
    "hsmshell/cloudhsm/sharing.py": ["tests/shells/test_cmu_rules.py", "tests/shells/test_cmu_output_files.py",
                                     "tests/shells/cli/test_keys.py", "tests/shells/cli/test_key_rules.py",
                                     "tests/shells/test_cmu_conformance.py"],
    "hsmshell/cloudhsm/sync.py": ["tests/cloudhsm/test_sync.py", "tests/shells/test_cmu_nodes.py",
                                  "tests/shells/test_cmu_rules.py", "tests/shells/test_cmu_conformance.py",
                                  "tests/shells/test_cmu_users_in_session.py"],
    "hsmshell/cloudhsm/two_factor.py": ["tests/shells/test_cmu_2fa.py", "tests/shells/cli/test_mfa.py"],
    "hsmshell/cloudhsm/nodes.py": ["tests/shells/test_cmu_nodes.py", "tests/shells/test_cmu.py",
                                   "tests/shells/cli/test_cluster.py"],
    "hsmshell/cloudhsm/returncodes.py": ["tests/cloudhsm/test_returncodes.py", "tests/shells/test_cmu.py",
                                         "tests/shells/test_kmu.py",
                                         # the CLI keys its texts by code (a code must be hashable)
                                         "tests/shells/cli/test_users.py",
                                         "tests/shells/test_kmu_conformance.py", "tests/shells/test_cmu_conformance.py"],
    "hsmshell/cloudhsm/crypto.py": ["tests/cloudhsm/test_crypto.py", "tests/shells/test_kmu_keys.py",
                                    "tests/shells/test_kmu_key_rules.py",
                                    "tests/shells/cli/test_keys.py", "tests/shells/cli/test_crypto.py",
                                    "tests/shells/test_kmu_conformance.py", "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/keyfiles.py": ["tests/shells/test_kmu_keys.py", "tests/shells/cli/test_keys.py",
                                      "tests/shells/cli/test_crypto.py", "tests/shells/test_kmu_conformance.py"],
    "hsmshell/cloudhsm/quotas.py": ["tests/cloudhsm/test_quotas.py"],
    "hsmshell/cloudhsm/client_config.py": ["tests/cloudhsm/test_client_config.py", "tests/shells/cli/test_configure.py",
                                           "tests/shells/cli/test_startup.py", "tests/shells/cli/test_program.py"],
    "hsmshell/cloudhsm/client_versions.py": ["tests/shells/test_client_versions.py"],
    "hsmshell/cloudhsm/activation.py": ["tests/shells/cli/test_cluster.py", "tests/shells/test_cmu_activation.py",
                                        "tests/shells/test_cmu_users_in_session.py",
                                        "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/mtls.py": ["tests/shells/cli/test_cluster.py", "tests/shells/cli/test_mtls_enforcement.py",
                                  "tests/shells/cli/test_configure.py", "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/roles.py": ["tests/shells/cli/test_users.py", "tests/shells/cli/test_cluster.py",
                                   "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/cluster_users.py": ["tests/shells/cli/test_users.py", "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/key_selection.py": ["tests/shells/cli/test_keys.py", "tests/shells/cli/test_key_rules.py",
                                           "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/named_attributes.py": ["tests/shells/cli/test_keys.py", "tests/shells/cli/test_key_rules.py",
                                              "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/references.py": ["tests/shells/cli/test_keys.py"],
    "hsmshell/cloudhsm/availability.py": ["tests/shells/cli/test_keys.py", "tests/shells/cli/test_crypto.py",
                                          "tests/shells/cli/test_configure.py",
                                          "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/key_wrapping.py": ["tests/shells/cli/test_crypto.py", "tests/shells/cli/test_conformance.py"],
    "hsmshell/cloudhsm/signatures.py": ["tests/shells/cli/test_crypto.py", "tests/shells/cli/test_conformance.py"],
    "hsmshell/world/clock.py": ["tests/world/test_clock.py"],
    "hsmshell/world/credentials.py": ["tests/world/test_store.py", "tests/hardening/test_secrets.py",
                                      "tests/world/test_checked_passwords.py", "tests/world/test_credentials.py"],
    "hsmshell/world/due.py": ["tests/world/test_due.py", "tests/world/test_clock.py", "tests/kms/test_states_table.py"],
    "hsmshell/world/emitter.py": ["tests/world/test_emitter.py"],
    "hsmshell/world/ids.py": ["tests/world/test_ids.py", "tests/world/test_store.py", "tests/kms/test_runbook_procedures.py"],
    # Declarations: its rules are the defaults a world file may leave out, the bound of a time
    # and what two worlds' equality compares, which these read and write.  Not all of
    # tests/world: its 73 mutants are nearly all defaults, run on import, for which a mutant
    # runs every mapped test (an hour and more for the whole folder, niced).
    "hsmshell/world/model.py": ["tests/world/test_model.py", "tests/world/test_validate_rules.py",
                                "tests/world/test_store.py",
                                "tests/world/test_trail_log.py", "tests/world/test_changes.py"],
    "hsmshell/world/trail_log.py": ["tests/world/test_trail_log.py"],
    "hsmshell/world/cache.py": ["tests/world/test_derived_cache.py"],
    "hsmshell/world/files.py": ["tests/world/test_files.py"],
    "hsmshell/world/reader.py": ["tests/world/test_reader.py"],
    # The control plane's rules are read through every door: its own tests, the aws command's
    # operations, the key store's cluster requirements and the runbook's restore-and-update.
    "hsmshell/cloudhsmv2/clusters.py": ["tests/cloudhsmv2", "tests/aws/test_operations.py",
                                        "tests/kms/test_cluster_requirements.py",
                                        "tests/kms/test_runbook_procedures.py", "tests/kms/test_store_lifecycle.py",
                                        "tests/shells/cli/test_cluster.py", "tests/shells/test_cmu_nodes.py",
                                        "tests/cloudhsm/test_client_config.py", "tests/cloudtrail/test_events.py"],
    "hsmshell/cloudhsmv2/backups.py": ["tests/cloudhsmv2", "tests/aws/test_operations.py",
                                       "tests/kms/test_runbook_procedures.py", "tests/cloudtrail/test_events.py"],
    "hsmshell/cloudhsmv2/certificates.py": ["tests/cloudhsmv2", "tests/shells/test_cmu_getcert.py",
                                            "tests/aws/test_operations.py", "tests/shells/cli/test_cluster.py",
                                            "tests/shells/cli/test_mtls_enforcement.py"],
    "hsmshell/cloudhsmv2/faults.py": ["tests/cloudhsmv2/test_faults.py", "tests/kms/test_connection_errors.py"],
    "hsmshell/cloudhsmv2/resource_policies.py": ["tests/cloudhsmv2/test_tags_and_policies.py"],
    "hsmshell/cloudhsmv2/tags.py": ["tests/cloudhsmv2/test_tags_and_policies.py"],
    "hsmshell/testing/match.py": ["tests/testing/test_match.py"],
    "hsmshell/labs/checks.py": ["tests/labs/test_labs.py"],
}

# Operators left out: VariableReplacer/VariableInserter put random names in (noise, not rules);
# of the binary operators only each one's opposite is kept (+ to -, * to /, ...): the other
# nine replacements of a `+` mostly crash on strings and cost a test run each; `==` to `is` and
# back is mostly equivalent for the strings and None a rule compares.
EXCLUDED_OPERATORS = [
    "core/VariableReplacer", "core/VariableInserter",
    "core/ReplaceBinaryOperator_(?!(Add_Sub|Sub_Add|Mul_Div|Div_Mul|FloorDiv_Mul|Mod_FloorDiv|BitOr_BitAnd"
    "|BitAnd_BitOr|BitXor_BitOr|LShift_RShift|RShift_LShift|Pow_Mul)$)",
    "core/ReplaceComparisonOperator_(Eq|NotEq|Lt|LtE|Gt|GtE)_(Is|IsNot)$",
    "core/ReplaceComparisonOperator_(Is|IsNot)_(Eq|NotEq|Lt|LtE|Gt|GtE)$",
]

# validate.py's guards of its walks over a cluster's keys (sizes, m_values): one reason for
# their three operators each.
VALIDATE_WALK = ("the line only decides whether to walk the cluster's keys, and the walk checks each key "
                 "itself: a mutant that walks when no value is negative (`<= 0`, `!= 0`, `< 1`, a default "
                 "of 1 or -1 for a cluster of no keys) finds nothing; none skips a walk a negative value needs")

# Survivors that change no behaviour: (module, operator, the mutated source line as written,
# why no test can tell).  Matched on the line's text, so they survive edits elsewhere.
EQUIVALENT: list[tuple[str, str, str, str]] = [
    ("hsmshell/testing/match.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def match_line(expected: str, actual: str, variables: dict[str, str], *, exact: bool) -> dict | None:",
     "`*` to `/` in a signature: every caller passes the first three by position and `exact` by keyword, "
     "which both signatures accept"),
    ("hsmshell/testing/match.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def compare(expected: list[str], actual: list[str], variables: dict[str, str], *, exact: bool) -> Comparison:",
     "`*` to `/` in a signature: every caller passes the first three by position and `exact` by keyword, "
     "which both signatures accept"),
    *(("hsmshell/testing/match.py", f"core/ReplaceComparisonOperator_Eq_{to}",
       'if op == "equal" or (op == "replace" and e2 - e1 == a2 - a1):',
       f'`op {sign} "replace"`: of the other opcodes (equal, delete, insert), equal is taken before and the '
       f"others never have blocks of equal length") for to, sign in (("LtE", "<="), ("GtE", ">="))),
    ("hsmshell/kms/keys.py", "core/NumberReplacer",
     'key = KmsKey(key_id=ids.key_id(world), custom_key_store_id="", creation_date=now(world), backing_key_handle=0,',
     "the backing key handle of a key outside custom key stores is never read: kms/crypto.py, settle_deletion "
     "and the summary read it only for keys in a store"),
    ("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     'if (key_usage or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT" or (key_spec or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":',
     "`key_spec < SYMMETRIC_DEFAULT`: every KeySpec the API accepts (ECC_, HMAC_, ML_DSA_, RSA_, SM2) sorts "
     "before it, and any other is refused by the API's validation first"),
    ("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_Eq_GtE", "return str(uuid.UUID(text)) == text.lower()",
     "the other spellings uuid.UUID reads (no hyphens, braces, urn:uuid:) first differ from the canonical "
     "form where it has a hyphen or a hex digit and they have a hex digit, `{` or `u`: always greater"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'if cluster is not None and cluster.state != "ACTIVE":',
     "every other cluster state (CREATE_IN_PROGRESS, DEGRADED, DELETE_IN_PROGRESS, ...) sorts after ACTIVE"),
    ("hsmshell/kms/keys.py", "core/ReplaceFalseWithTrue",
     "bypass_policy_lockout_safety_check: bool = False, policy: str | None = None,",
     "a default no caller uses: CreateKey (aws/kms.py), the only caller, always passes the request's value"),
    ("hsmshell/kms/keys.py", "core/ReplaceFalseWithTrue",
     "key_usage: str | None = None, key_spec: str | None = None, multi_region: bool = False,",
     "a default no caller uses: CreateKey (aws/kms.py), the only caller, always passes the request's value"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def describe(world: World, *, store_id: str | None = None, name: str | None = None) -> list[CustomKeyStore]:",
     "`*` to `/` in a signature: every caller passes the world by position and the rest by keyword, which "
     "both signatures accept"),
    ("hsmshell/kms/keys.py", "core/NumberReplacer",
     "backing_key_handle=0, description=description, policy=policy, tags=checked_tags)",
     "a placeholder: the backing key's handle replaces it two lines on, before anything reads it"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "if store is None or store.connection_state != CONNECTING:",
     "a connect attempt finds its store CONNECTING or gone: DisconnectCustomKeyStore, the only way out of "
     "CONNECTING before the attempt, cancels it"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if cluster.mtls_enforcement == MTLS_ENFORCED:",
     'mtls_enforcement is "none" or "cluster" (world/validate.py refuses any other), and "none" sorts '
     'after "cluster"'),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "if store.connection_state == DISCONNECTED:",
     "a store that gets here is CONNECTED, CONNECTING or DISCONNECTED (DISCONNECTING and FAILED are refused "
     "the line before), and the first two sort before DISCONNECTED"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def create(world: World, *, name: str, cluster_id: str | None, trust_anchor: str | None,",
     "`*` to `/` in a signature: CreateCustomKeyStore (aws/kms.py), the only caller, passes the world by "
     "position and the rest by keyword, which both signatures accept"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def update(world: World, store_id: str, *, new_name: str | None = None, password: str | None = None,",
     "`*` to `/` in a signature: UpdateCustomKeyStore (aws/kms.py), the only caller, passes the world and "
     "the store's ID by position and the rest by keyword, which both signatures accept"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'if (store_type or "AWS_CLOUDHSM") != "AWS_CLOUDHSM":',
     "`store_type > AWS_CLOUDHSM`: the only other CustomKeyStoreType the API accepts, EXTERNAL_KEY_STORE, "
     "sorts after it"),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_NotEq_Gt", 'if cluster.state != "ACTIVE":',
     "every other cluster state (CREATE_IN_PROGRESS, DEGRADED, DELETE_IN_PROGRESS, ...) sorts after ACTIVE"),
    *(("hsmshell/kms/custom_key_stores.py", operator, "if store is None or store.connection_state != CONNECTING:",
       "a connect attempt finds its store there and CONNECTING: DisconnectCustomKeyStore, the only way out "
       "of CONNECTING (and the first step to deleting the store), cancels the attempt")
      for operator in ("core/ReplaceOrWithAnd", "core/ReplaceComparisonOperator_NotEq_Gt")),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_Lt_NotEq",
     "if len(accounts) < len(nodes):", "`accounts` is `nodes` filtered: never longer"),
    *(("hsmshell/kms/custom_key_stores.py", operator,
       "if store is not None and store.connection_state == DISCONNECTING:",
       "a disconnect settles a store that is there and DISCONNECTING: every operation refuses a store in "
       "DISCONNECTING (DeleteCustomKeyStore among them), so only this settle takes it out")
      for operator in ("core/ReplaceComparisonOperator_Eq_GtE", "core/ReplaceComparisonOperator_Eq_LtE",
                       "core/ReplaceAndWithOr")),
    ("hsmshell/kms/custom_key_stores.py", "core/ReplaceComparisonOperator_NotEq_Gt", 'if new.state != "ACTIVE":',
     "every other cluster state (CREATE_IN_PROGRESS, DEGRADED, DELETE_IN_PROGRESS, ...) sorts after ACTIVE"),
    ("hsmshell/kms/custom_key_stores.py", "core/NumberReplacer", "if not 7 <= len(password) <= 32:",
     "7 to 6 and 32 to 33 widen the check past what aws/kms.py's shapes.string lets through (7 to 32 "
     "characters) before either caller gets here; 7 to 8 and 32 to 31 are killed by "
     "test_key_store_passwords_of_seven_and_of_thirty_two_characters_are_taken"),
    ("hsmshell/kms/custom_key_stores.py", "core/NumberReplacer", "existing = same[0]",
     "`same[-1]`: a store's name is unique (CreateCustomKeyStore and UpdateCustomKeyStore refuse a name in "
     "use), so `same` holds one store"),
    ("hsmshell/kms/keys.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def find(world: World, key_id: str, *, aliases: bool = True) -> KmsKey:",
     "`*` to `/` in a signature: every caller passes the world and the key ID by position and `aliases` by "
     "keyword, which both signatures accept"),
    ("hsmshell/kms/keys.py", "core/ReplaceBinaryOperator_Mul_Div",
     'def create(world: World, *, store_id: str | None, origin: str | None, description: str = "",',
     "`*` to `/` in a signature: CreateKey (aws/kms.py), the only caller, passes the world by position and "
     "the rest by keyword, which both signatures accept"),
    ("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'if origin not in ("AWS_CLOUDHSM", "AWS_KMS") or (origin == "AWS_CLOUDHSM") != (store_id is not None):',
     "`origin <= AWS_CLOUDHSM`: past the first test the origin is AWS_CLOUDHSM or AWS_KMS, which sorts after it"),
    *(("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_Eq_GtE", line,
       "`origin >= AWS_KMS`: a key's origin is AWS_CLOUDHSM or AWS_KMS (CreateKey makes no other, "
       "world/validate.py refuses any other), and AWS_CLOUDHSM sorts before AWS_KMS")
      for line in ('if key.origin == "AWS_KMS":', 'additional=None if key.origin == "AWS_KMS" else {',
                   'if key.origin == "AWS_KMS":  # its material is KMS\'s own: deleted with it')),
    *(("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_NotEq_Gt", line,
       "`state > CONNECTED`: every other connection state (CONNECTING, DISCONNECTED, DISCONNECTING, FAILED) "
       "sorts after CONNECTED") for line in ("if store is None or store.connection_state != CONNECTED:",
                                             "if store.connection_state != CONNECTED:")),
    ("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if store and cluster and store.connection_state == CONNECTED and store.kms_session_id in world.sessions:",
     "`state <= CONNECTED`: no connection state sorts before CONNECTED (CONNECTING, DISCONNECTED, "
     "DISCONNECTING, FAILED sort after)"),
    ("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "if store and cluster and store.connection_state == CONNECTED and store.kms_session_id in world.sessions:",
     "`state >= CONNECTED` holds for every state, but a store has a kms_session_id only while CONNECTED (the "
     "connect attempt that succeeds sets it, DisconnectCustomKeyStore clears it), so the next test decides "
     "alike"),
    ("hsmshell/kms/keys.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'if (key_usage or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT" or (key_spec or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":',
     "`key_usage > ENCRYPT_DECRYPT`: every other KeyUsage the API accepts (GENERATE_VERIFY_MAC, "
     "KEY_AGREEMENT, SIGN_VERIFY) sorts after it, and any other is refused by the API's validation first"),
    ("hsmshell/kms/keys.py", "core/ReplaceOrWithAnd", "if key is None or key.deletion_date is None:",
     "the deletion settles only from the due ScheduleKeyDeletion set, which CancelKeyDeletion cancels and "
     "which only this settle ends: the key is always there and pending deletion (a guard for hand-edited "
     "worlds, whose dues world/validate.py does not tie to keys)"),
    ("hsmshell/testing/match.py", "core/NumberReplacer", 'lambda m: m.group(1).rstrip() + " ", line).rstrip()',
     "group(0) is group(1) and the blanks after it, which rstrip() takes off either"),
    *(("hsmshell/testing/match.py", operator, "@functools.lru_cache(maxsize=8)",
       "the size of a cache of compiled patterns, or no cache: only how fast a comparison is could change")
      for operator in ("core/NumberReplacer", "core/RemoveDecorator")),
    *(("hsmshell/world/validate.py", operator, line,
       "the check at once only decides whether an HSM's users are walked one by one, and the walk checks the "
       "same rules: a mutant that walks more often finds the same problems")
      for operator, line in (
          ("core/ReplaceComparisonOperator_Eq_GtE",
           "if (len({u.user_id for u in users}) == len(users) == len({u.name.lower() for u in users})"),
          *((f"core/ReplaceComparisonOperator_Eq_{to}",
             "if (len({u.user_id for u in users}) == len(users) == len({u.name.lower() for u in users})")
            for to in ("Gt", "Lt", "LtE")),
          ("core/ReplaceComparisonOperator_LtE_Eq", "and {u.user_type for u in users} <= USER_TYPES"),
          ("core/ReplaceComparisonOperator_LtE_Lt", "and {u.user_type for u in users} <= USER_TYPES"),
          ("core/ReplaceAndWithOr",
           'and not any(u.two_factor and u.user_type not in ("CO", "PCO") for u in users)):'))),
    ("hsmshell/world/validate.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if key.origin == "AWS_KMS":',
     "`origin >= AWS_KMS` differs only for an origin that sorts after AWS_KMS, which the line before refuses: "
     "that problem is found first, and a world is refused for its first problem"),
    ("hsmshell/world/validate.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'check(cluster.mode != "NON_FIPS" or cluster.hsm_type != "hsm1.medium", at + ("mode",),',
     "`hsm_type > hsm1.medium`: the one other HSM type, hsm2m.medium, sorts after it, and an unknown one is "
     "refused first, the line before"),
    ("hsmshell/world/validate.py", "core/NumberReplacer",
     'check(fault.get("times", 1) >= 1, at + ("times",), "the attempts a fault fails must be 1 or more")',
     "the default for a fault without `times` (every attempt fails), 2 for 1: passes the check alike (0 for "
     "1 is killed by test_a_change_that_keeps_the_rules_is_written[a fault for every attempt])"),
    ("hsmshell/world/validate.py", "core/ReplaceContinueWithBreak", "continue",
     "after a due entry of an unknown kind, which is a problem found already: a world is refused for its "
     "first problem, so the entries after it, checked or not, change nothing"),
    ("hsmshell/testing/match.py", "core/ReplaceComparisonOperator_Lt_NotEq", "while i < len(pattern):",
     "i grows by 1, or by 2 only when i + 1 < len(pattern): it never passes len(pattern)"),
    ("hsmshell/testing/match.py", "core/ReplaceComparisonOperator_Lt_NotEq",
     'if c == "\\\\" and i + 1 < len(pattern):',
     "inside the loop i < len(pattern), so i + 1 is never more than len(pattern)"),
    ("hsmshell/kms/grants.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def create(world: World, key: KmsKey, grantee: str, operations: list[str], *, retiring: str | None,",
     "`*` to `/` in a signature: CreateGrant (aws/kms.py), the only caller, passes the world, key, grantee and "
     "operations by position and the rest by keyword, which both signatures accept"),
    ("hsmshell/kms/grants.py", "core/NumberReplacer",
     'return base64.urlsafe_b64encode(ids.draw(world, 240)).decode().rstrip("=")',
     "a grant token is opaque and of no fixed length in KMS (GrantToken: 1 to 8192 characters): 239 or 241 "
     "random bytes make a token of 319 or 322 characters, taken whole as the 320 are, and a seeded world "
     "draws the same 8 blocks of 32 bytes for all three, so every later ID is the same"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def verify(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,",
     "`*` to `/` in a signature: key_mgmt_util's verify, the only caller, passes the first four by position "
     "and the rest by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_LtE", "if key_type == attr.RSA:",
     "`key_type <= RSA`: RSA is 0, the lowest key type, and the callers ask for RSA, DSA (1) or EC (3) only"),
    ("hsmshell/cloudhsm/keys.py", "core/NumberReplacer",
     "if modulus not in RSA_MODULI or exponent < 65537 or exponent % 2 == 0:",
     "65537 to 65536 differs only for the exponent 65536, which is even and refused by the test after it; "
     "65537 to 65538 is killed by test_genrsakeypair_takes_3072_bits_and_refuses_a_small_exponent_or_an_"
     "unusual_modulus"),
    *(("hsmshell/cloudhsm/keys.py", "core/ReplaceBinaryOperator_Mul_Div", line,
       "`*` to `/` in a signature: every caller (the shells' commands, the KMS side) passes what comes before "
       "it by position and the rest by keyword, which both signatures accept") for line in (
          "def find_keys(cluster: Cluster, session: Session, nodes: list[Hsm], *, label: str | None = None,",
          "def _new_key(world: World, cluster: Cluster, session: Session, on: list[Hsm], *, key_class: int,",
          "def generate_secret_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def generate_key_pair(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def import_secret_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def import_private_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def import_public_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def export_secret_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def export_private_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *,",
          "def wrap_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,",
          "def unwrap_key(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, wrapped: bytes,",
          "def sign(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,",
          "def aes_wrap_unwrap(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, handle: int,",
          "def store_unwrapped(world: World, cluster: Cluster, session: Session, nodes: list[Hsm], *, key_class: int,")),
    *(("hsmshell/cloudhsm/keys.py", "core/NumberReplacer", line,
       "a default no caller uses: genRSAKeyPair and the CLI's rsa pair pass the modulus and exponent, "
       "genDSAKeyPair the modulus, genECCKeyPair and the CLI's ec pair the curve (and an EC pair reads no "
       "modulus)") for line in (
          "key_type: int, policy: Policy, modulus: int = 2048, exponent: int = 65537,", "curve: int = 2) -> Made:")),
    *(("hsmshell/cloudhsm/keys.py", operator, "if key.key_class == SECRET_KEY and len(raw) == key.size:",
       "every secret key's material is as long as its size (made at its size, or its size taken from it), and "
       "no asymmetric key's DER has as many bytes as its size has bits, so the check value is kept for the "
       "same keys") for operator in ("core/ReplaceAndWithOr", "core/ReplaceComparisonOperator_Eq_LtE")),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceTrueWithFalse",
     "token: bool = True, local: bool = True, handle: int | None = None,",
     "`token`'s default, which no caller uses: every caller of _new_key passes the policy's token (`local`'s "
     "default is killed by test_the_keys_the_hsm_makes_are_local)"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceTrueWithFalse",
     "wrapping_key: int, mechanism: int, header: bool = True) -> bytes:",
     "a default no caller uses: wrapKey, the only caller, passes `header` (false for -noheader)"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_NotEq_LtE",
     "if key.key_class != SECRET_KEY and attr.MODULUS in values:",
     "`key_class <= SECRET_KEY`: a secret key has no modulus among its values, and an object of a class past "
     "4 (only a hand-written world holds one) never gets here: attribute_values fails on it first (an internal "
     "error: world/validate.py accepts any key class)"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "if key.key_class != SECRET_KEY or key.key_type != attr.AES or not values[use]:",
     "`key_class < SECRET_KEY` differs only for a class after 4, which only a hand-written world holds, and "
     "attribute_values fails on such an object the line before (an internal error: world/validate.py "
     "accepts any key class)"),
    ("hsmshell/cloudhsm/keys.py", "core/NumberReplacer",
     "RSA_MODULI = range(2048, 4097, 256)  # at least 2048 (genRSAKeyPair.md); GAP: the top and step",
     "a stop of 4097 or 4098 cuts the same steps of 256 from 2048: 4096 is the last either way"),
    *(("hsmshell/cloudhsm/users.py", "core/ReplaceBinaryOperator_Mul_Div", line,
       "`*` to `/` in a signature: every caller (the shells' login and createUser) passes the world, the "
       "cluster and HSMs by position and the rest by keyword, which both signatures accept")
      for line in ("def login(world: World, cluster: Cluster, hsms: list[Hsm], *, session_id: str, tool: str,",
                   "def create_user(world: World, hsm: Hsm, *, session_id: str, user_type: str, user_name: str,",
                   "def delete_user(world: World, cluster: Cluster, hsm: Hsm, *, session_id: str, user_type: str,",
                   "def change_password(world: World, cluster: Cluster, hsms: list[Hsm], *, session_id: str,")),
    ("hsmshell/cloudhsm/users.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'activating = activating or target.user_type == "PRECO"',
     "`user_type >= PRECO`: of the user types (AU, CO, CU, PCO, PRECO) none sorts after PRECO"),
    *(("hsmshell/cloudhsm/users.py", operator, "hsm.next_user_id = user_id + 1",
       "next_user_id only keeps a deleted user's ID from coming back: every reader (createUser, the CLI's user "
       "replicate) takes the larger of it and the IDs on the HSM, and deleteUser raises it past the ID it "
       "frees, so a smaller value after a create gives every later user the same ID")
      for operator in ("core/ReplaceBinaryOperator_Add_Sub", "core/NumberReplacer")),
    *(("hsmshell/cloudhsm/users.py", f"core/ReplaceComparisonOperator_Eq_{to}",
       'elif any(s.tool == "kms" for s in holders(world, hsm.hsm_id, user.name)):',
       f"`tool {sign} kms`: the other tools a session is opened by (cloudhsm-cli, cloudhsm_mgmt_util, "
       "key_mgmt_util) sort before kms; `<=` is killed by "
       "test_a_crypto_user_logged_in_with_key_mgmt_util_also_logs_in_to_cmu") for to, sign in (("GtE", ">="),
                                                                                     ("Gt", ">"))),
    ("hsmshell/cloudhsm/users.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'user = User(user_id=user_id, user_type="PRECO" if user_type == "preCO" else user_type, name=user_name,',
     "`user_type >= preCO`: the types the shells create (CO, CU, PCO, PRECO from cloudhsm_mgmt_util's "
     "CREATE_TYPES and the CLI's roles, and preCO) are upper case but preCO, so only preCO sorts at or after it"),
    ("hsmshell/kms/refusals.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'if key.origin == "AWS_KMS" and operation in ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"):',
     "`origin >= AWS_KMS`: a key's origin is AWS_CLOUDHSM or AWS_KMS (CreateKey makes no other, "
     "world/validate.py refuses any other), and AWS_CLOUDHSM sorts before AWS_KMS"),
    ("hsmshell/kms/backing_keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'nodes = [h for h in cluster.hsms if answers(h) and h.state == "ACTIVE"]',
     "`state <= ACTIVE`: an HSM that answers is ACTIVE or DEGRADED (cloudhsm/nodes.py), and DEGRADED sorts "
     "after ACTIVE"),
    *(("hsmshell/kms/rotation.py", f"core/ReplaceComparisonOperator_Eq_{to}",
       'at = next((d.at for d in world.due if d.kind == ROTATE_KEY and d.args.get("key_id") == key.key_id), None)',
       f"`kind {sign} kms.rotate_key`: the one other due kind that names a key, kms.delete_key (sorting before), "
       "is there only while the key is pending deletion, which GetKeyRotationStatus refuses the line before; "
       "no kind that names a key sorts after (`key_id {sign} ...` is killed by "
       "test_each_key_s_status_reports_its_own_next_rotation)") for to, sign in (("LtE", "<="), ("GtE", ">="))),
    ("hsmshell/kms/rotation.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'if sum(r["rotation_type"] == "ON_DEMAND" for r in key.rotations) >= MAX_ON_DEMAND:',
     "`rotation_type >= ON_DEMAND`: a rotation is AUTOMATIC or ON_DEMAND (world/validate.py refuses any "
     "other), and AUTOMATIC sorts before"),
    ("hsmshell/kms/rotation.py", "core/ReplaceComparisonOperator_NotEq_Lt", 'if key.origin != "AWS_KMS":',
     "`origin < AWS_KMS`: a key's origin is AWS_CLOUDHSM or AWS_KMS (CreateKey makes no other, "
     "world/validate.py refuses any other), and AWS_CLOUDHSM sorts before AWS_KMS"),
    ("hsmshell/kms/access.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def authorize(world: World, key: KmsKey, action: str, *, grants: bool = False,",
     "`*` to `/` in a signature: every caller passes the world, key and action by position and the rest by "
     "keyword, which both signatures accept"),
    ("hsmshell/kms/access.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def allowed(world: World, key: KmsKey, principal: str, action: str, *, grants: bool = False,",
     "`*` to `/` in a signature: authorize, the only caller, passes the first four by position and the rest "
     "by keyword, which both signatures accept"),
    ("hsmshell/kms/access.py", "core/ReplaceFalseWithTrue",
     "def allowed(world: World, key: KmsKey, principal: str, action: str, *, grants: bool = False,",
     "a default no caller uses: authorize, the only caller, always passes its own `grants`"),
    *(("hsmshell/kms/access.py", operator, line,
       "the size of a cache of parsed policies and their answers, or no cache: only how fast a request is "
       "answered could change")
      for operator in ("core/NumberReplacer", "core/RemoveDecorator")
      for line in ("@lru_cache(maxsize=4096)  # every Encrypt asks again: a policy's answer is worked out once",
                   "@lru_cache(maxsize=256)")),
    ("hsmshell/kms/crypto.py", "core/ReplaceComparisonOperator_NotEq_Gt", "if store.connection_state != CONNECTED:",
     "`state > CONNECTED`: every other connection state (CONNECTING, DISCONNECTED, DISCONNECTING, FAILED) "
     "sorts after CONNECTED"),
    ("hsmshell/kms/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if state == "Disabled":',
     "`state <= Disabled`: the other key states keys.key_state gives (Enabled, PendingDeletion, Unavailable) "
     "sort after Disabled"),
    ("hsmshell/kms/crypto.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if state == "Unavailable":',
     "`state >= Unavailable`: no key state keys.key_state gives (Disabled, Enabled, PendingDeletion) sorts "
     "after Unavailable"),
    ("hsmshell/kms/crypto.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if key.origin == "AWS_KMS":',
     "`origin >= AWS_KMS`: a key's origin is AWS_CLOUDHSM or AWS_KMS (CreateKey makes no other, "
     "world/validate.py refuses any other), and AWS_CLOUDHSM sorts before AWS_KMS"),
    *(("hsmshell/kms/crypto.py", operator, line,
       "the size of a cache of key ID bytes or AES-GCM objects, or no cache: each is made again alike from the "
       "same input, so only how fast a request is answered could change")
      for operator in ("core/NumberReplacer", "core/RemoveDecorator")
      for line in ("@functools.lru_cache(maxsize=1024)", "@functools.lru_cache(maxsize=64)")),
    ("hsmshell/world/store.py", "core/ReplaceAndWithOr",
     "emitted = (self._as_written and self._emitter is not None and self._emitter.layout is not None",
     "a layout is asked for only just after the emitter wrote `raw` (a commit) or was compared with it (a "
     "parse, where _as_written is that comparison): the emitter is there with its layout and its text is "
     "`raw` exactly when _as_written holds, so each `and` to `or` decides alike"),
    ("hsmshell/world/store.py", "core/ReplaceAndWithOr",
     "elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):",
     "an error's path follows the data decoded from these very nodes: a string part never meets a sequence, "
     "and an integer part never meets a scalar (the codec reports a value of the wrong kind at its own path)"),
    *(("hsmshell/world/store.py", f"core/ReplaceComparisonOperator_Eq_{to}", "and self._emitter.text == raw)",
       f"`text {sign} raw`: a layout is asked for only just after the emitter wrote `raw` (a commit) or was "
       "compared with it (a parse, where _as_written is that comparison), so past _as_written its text is `raw`")
      for to, sign in (("LtE", "<="), ("GtE", ">="))),
    ("hsmshell/world/store.py", "core/NumberReplacer", 'emitter.node(out, "trail:", list(world.trail), 0, False)',
     "the column of the events listed under `trail:` in an export: indented by a space they read back the same "
     "(an export is only read back, by Store.create: test_an_exported_world_is_made_again_whole_with_its_"
     "cloudtrail_events)"),
    ("hsmshell/world/store.py", "core/NumberReplacer", "DERIVED_EVERY = 0.5  # seconds",
     "how often a burst of commits refreshes the shortcut: a stale one is never used (the next reader parses "
     "the YAML and writes it afresh), so only what a burst or the next reader costs changes; the throttle "
     "itself is test_a_commit_once_the_throttle_has_passed_writes_the_shortcut_at_once"),
    *(("hsmshell/world/store.py", "core/ReplaceBinaryOperator_Mul_Div", line,
       "`*` to `/` in a signature: every caller passes what comes before it by position and the rest by "
       "keyword, which both signatures accept") for line in (
          "def __init__(self, path: str | os.PathLike, *, settle: Callable[[World], bool] | None = None,",
          'def create(self, fixture: str = "default", *, force: bool = False) -> World:',
          "def transaction(self, *, write: bool = True, undo: bool = True) -> Iterator[World]:",
          "def _part_of_batch(self, world: World, checkpoint: bytes | None = None, *, undo: bool = True) -> Iterator[World]:",
          "def _unbatched(self, *, write: bool) -> Iterator[World]:",
          "def _end_unwritten(self, *, write: bool) -> None:")),
    *(("hsmshell/world/store.py", operator, line,
       "only when the store takes a snapshot of the world as the file holds it (changes.Snapshot), which only "
       "tells an unchanged world sooner: one taken at an unchanged commit is right whenever taken, one taken at "
       "a changing commit is dropped by its save (or by the refusal, _forget) before anything reads it; "
       "_unchanged_run serves nothing else, so only what commits cost changes")
      for line, operators in (
          ("if self._unchanged_run >= 2:",
           ["core/AddNot", "core/NumberReplacer",
            *(f"core/ReplaceComparisonOperator_GtE_{to}" for to in ("Eq", "NotEq", "Lt", "LtE", "Gt"))]),
          ("self._unchanged_run = self._unchanged_run + 1 if unchanged else 0",
           ["core/AddNot", "core/NumberReplacer", "core/ReplaceBinaryOperator_Add_Sub"]),
          ("self._unchanged_run = 0", ["core/NumberReplacer"]))
      for operator in operators),
    ("hsmshell/world/ids.py", "core/NumberReplacer", 'return "cks-" + draw(world, 9).hex()[:17]',
     "10 bytes drawn instead of 9: the id keeps the first 17 hex digits, of the first 9 bytes, and both come "
     "from one block of the draw, so the counter moves alike"),
    ("hsmshell/world/ids.py", "core/NumberReplacer",
     "return uuid4_text(derived(world, 16, purpose.encode(), previous.encode()))",
     "17 derived bytes instead of 16: uuid4_text reads the first 16 only, and derived's bytes are a prefix of "
     "one digest whatever their number"),
    ("hsmshell/world/ids.py", "core/NumberReplacer",
     "digits = bytes((*raw[:6], raw[6] & 0x0F | 0x40, raw[7], raw[8] & 0x3F | 0x80, *raw[9:16])).hex()",
     "`raw[9:17]` of a 16-byte raw is raw[9:16]: every caller passes 16 bytes (a UUID's)"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "raw = private if key.key_class == PRIVATE_KEY else crypto.public_of(private)",
     "`class >= PRIVATE_KEY`: a key pair's half is of class 0 to 3 here (a secret key, 4, has no pair), and "
     "world/validate.py refuses a class above 4, so only 3 is at or above PRIVATE_KEY"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_GtE", "if key.key_class == SECRET_KEY:",
     "`class >= SECRET_KEY`: world/validate.py refuses a class above 4 (test_validate_rules' key of class 5), "
     "so only a secret key is at or above SECRET_KEY"),
    ("hsmshell/world/store.py", "core/ReplaceComparisonOperator_Lt_NotEq",
     "elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):",
     "`part != len`: differs only for an index past the sequence's end, and an error's path indexes only "
     "lists read from that very sequence (the codec's and validate's enumerations; a keyed list holds no "
     "duplicate, so no fewer items than the YAML)"),
    ("hsmshell/world/due.py", "core/ReplaceTrueWithFalse", "class Transition(msgspec.Struct, frozen=True):",
     "a Transition is never changed nor hashed: each is made once, as a value of a service's DUE_TRANSITIONS, "
     "and only read (its settle called, its args compared)"),
    ("hsmshell/world/clock.py", "core/ReplaceComparisonOperator_NotEq_Gt", "if match.start() != pos:",
     "finditer's matches come in order and never overlap: each starts at or after the end of the one before "
     "(pos), so `!=` and `>` agree"),
    ("hsmshell/world/clock.py", "core/ReplaceBreakWithContinue", "break",
     "after a gap every later match also starts past pos, which then no longer moves: skipping them leaves "
     "pos where break leaves it, short of the text's end, and the duration is refused alike"),
    ("hsmshell/world/clock.py", "core/ReplaceComparisonOperator_NotEq_Lt", "if not text or pos != len(text):",
     "pos is 0 or the end of a match in the text: never past len(text), so `!=` and `<` agree"),
    ("hsmshell/world/store.py", "core/ReplaceComparisonOperator_Lt_LtE",
     "elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):",
     "`part <= len`: differs only for an index at the sequence's end, and an error's path indexes only "
     "lists read from that very sequence (see `part != len`)"),
    ("hsmshell/world/store.py", "core/ReplaceTrueWithFalse",
     "def _part_of_batch(self, world: World, checkpoint: bytes | None = None, *, undo: bool = True) -> Iterator[World]:",
     "a default no caller uses: transaction(), the only caller, always passes `undo`"),
    ("hsmshell/world/store.py", "core/ReplaceFalseWithTrue", "self._as_written = False",
     "the value before any world is read: its two readers (_commit, _derived_parts) run only once the cache "
     "holds a world, and each way the cache gets one (a parse, the derived cache, a save) sets it first"),
    ("hsmshell/world/store.py", "core/ReplaceAndWithOr", "and self._emitter.text == raw)",
     "`(... and layout is not None) or text == raw`: a layout is asked for just after the emitter wrote `raw` "
     "(a save: _as_written, text and layout all hold) or was compared with it (a parse, where _as_written is "
     "`text == raw`), and every emit leaves a layout: both sides decide alike"),
    ("hsmshell/world/store.py", "core/NumberReplacer", "return 14",
     "the cost for a password_cost that is not an integer (or is a boolean), which the codec then refuses "
     "at settings.password_cost: no hash made at this cost is kept"),
    ("hsmshell/world/store.py", "core/NumberReplacer", "key, node = match[0]",
     "`match[-1]`: match holds one key at most, the reader refusing a key given twice (the same text and type)"),
    ("hsmshell/world/credentials.py", "core/ReplaceBinaryOperator_BitOr_BitAnd",
     "fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)",
     "`O_NOFOLLOW & O_CLOEXEC` drops both: with O_CREAT | O_EXCL the open fails on any path that exists, a "
     "symbolic link included, and the descriptor lives for one write, with no program started meanwhile "
     "(`O_EXCL & O_NOFOLLOW`, which drops O_EXCL, is killed by test_a_key_file_made_meanwhile_by_another_"
     "process_is_never_overwritten)"),
    *(("hsmshell/world/credentials.py", operator, line,
       "when the cache of opened secrets is emptied: a sealed text opens to the same bytes whether opened "
       "again or found in the cache, so only speed and memory change")
      for operator, line in (
          *((f"core/ReplaceComparisonOperator_GtE_{to}", "if len(self._opened) >= _OPENED_MAX:")
            for to in ("Eq", "NotEq", "Lt", "LtE", "Gt")),
          ("core/AddNot", "if len(self._opened) >= _OPENED_MAX:"),
          ("core/NumberReplacer",
           "_OPENED_MAX = 1024  # a full HSM holds 3,300 keys; a process rarely uses more than a few"))),
    *(("hsmshell/world/changes.py", f"core/ReplaceComparisonOperator_Gt_{to}", "if len(names) > 1:",
       f"`len(names) {sign}`: reading by name (_by_name) is right for any record, attrgetter only the fast way "
       "for two fields or more (for one it gives the lone value, not a tuple); this mutant reads more records by "
       "name, or differs only for a record of no fields, which the world never holds: the states compare alike "
       "(`== 1`, `<= 1`, `>= 1`, `> 0` and `not` are killed by test_a_snapshot_sees_a_change_inside_the_"
       "cloudhsm_cli_s_configuration, CliConfig being of one field)")
      for to, sign in (("NotEq", "!= 1"), ("Lt", "< 1"))),
    ("hsmshell/world/changes.py", "core/NumberReplacer", "if len(names) > 1:",
     "`len(names) > 2`: records of two fields (Clock, Ids, TrustAnchor) read by name (_by_name), which is right "
     "for any record: the states compare alike (`> 0` is killed by test_a_snapshot_sees_a_change_inside_the_"
     "cloudhsm_cli_s_configuration)"),
    *(("hsmshell/world/changes.py", operator, "return inner[0] if len(inner) == 1 else hint",
       "every optional field of the model is `X | None`, one type besides None, so inner holds one type: "
       "`<= 1`, `>= 1` and inner[-1] all take it")
      for operator in ("core/ReplaceComparisonOperator_Eq_LtE", "core/ReplaceComparisonOperator_Eq_GtE",
                       "core/NumberReplacer")),
    ("hsmshell/world/changes.py", "core/NumberReplacer", "if copies[1]:",
     "`copies[0]`, the record's field names, is never empty: the state is copied once more (a list or dict "
     "and back) and compares the same"),
    ("hsmshell/world/changes.py", "core/RemoveDecorator", "@functools.cache",
     "a cache of each record class's plan, which _plan makes alike every time: only speed changes"),
    ("hsmshell/world/changes.py", "core/AddNot", "if hint in (str, int, float, bool, type(None)):",
     "every field that gets here is a scalar, optional or not (records, lists and dicts are taken before): "
     "copied by _deep (copy_plain gives a scalar back as it is) or not, its state compares the same"),
    ("hsmshell/world/codec.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def decode(cls: type, data: Any, *, hash_password: Callable[[str], str], path: tuple = ()):",
     "`*` to `/` in a signature: every caller passes the class and the data by position and the rest by "
     "keyword, which both signatures accept"),
    ("hsmshell/world/codec.py", "core/ReplaceComparisonOperator_Lt_NotEq",
     "if value is None and len(options) < len(typing.get_args(tp)):",
     "options is the union's types less None, never more: `!=` holds exactly when `<` does"),
    ("hsmshell/world/codec.py", "core/ReplaceComparisonOperator_Eq_LtE", "if len(options) == 1:",
     "`<= 1` differs only for a union of None alone, which no field of the model is"),
    ("hsmshell/world/codec.py", "core/NumberReplacer", "return _decode_value(options[0], value, path, hash_password)",
     "`options[-1]`: here options holds one type"),
    ("hsmshell/world/codec.py", "core/RemoveDecorator", "@cache",
     "a cache of what a class declares (its fields, a TypedDict's keys), worked out alike every time: only "
     "speed changes"),
    ("hsmshell/world/reader.py", "core/NumberReplacer",
     "added, worst = 0, (0, 0)  # values the aliases add; the largest alias and its line",
     "worst's starting value, 1 or -1 for a 0: it is read only when aliases were met, each standing for one "
     "value or more and met on a line of 1 or more, so the largest of them is larger than it (added's starting "
     "value is killed by test_aliases_may_add_ten_thousand_values_to_a_small_file_and_no_more)"),
    ("hsmshell/world/reader.py", "core/NumberReplacer",
     "stack: list[tuple[Any, int, int, bool]] = [(root, 0, 1, False)]  # node, its parent's line, its depth",
     "the root's entry is the first taken off the stack, never an alias of a node walked before nor inside "
     "an open one, so its line is never read (an alias of the root inside it is its own entry, with the line "
     "of its parent)"),
    ("hsmshell/world/cache.py", "core/ReplaceComparisonOperator_Lt_Eq",
     "if (len(blob) < _HEADER or blob[:head] != MAGIC or blob[head:head + _HASH] != schema()",
     "a blob shorter than the header fails one of the comparisons after (a slice shorter than the magic or a "
     "hash never equals it), and one of exactly the header's length leaves an empty payload, refused below"),
    ("hsmshell/world/cache.py", "core/ReplaceOrWithAnd",
     "if (len(blob) < _HEADER or blob[:head] != MAGIC or blob[head:head + _HASH] != schema()",
     "a blob shorter than the header fails one of the comparisons after: a slice shorter than a hash never "
     "equals it"),
    ("hsmshell/world/cache.py", "core/ReplaceComparisonOperator_Lt_LtE", "if len(payload) < _SIZES.size:",
     "a payload of exactly the revision and the length holds a world of no bytes at most, which unpacking "
     "refuses (a ValueError, for which the store parses the YAML alike)"),
    ("hsmshell/world/cache.py", "core/AddNot",
     "seen[tp] = [f\"{name}: {hint!r}{' (required)' if name in tp.__required_keys__ else ''}\"",
     "the mark goes to the other kind of key: still to exactly one of the two, so a key that changes kind "
     "still changes the schema's text"),
    ("hsmshell/world/cache.py", "core/ReplaceFalseWithTrue", "files.replace(path, header + payload, sync=False)",
     "the shortcut fsynced: only what a write costs and how it survives a crash change, and a torn or lost "
     "one is detected and rebuilt from the YAML"),
    ("hsmshell/world/cache.py", "core/RemoveDecorator", "@functools.cache",
     "a cache of the schema's hash, the encoder or a decoder, made alike every time: only speed changes"),
    ("hsmshell/world/cache.py", "core/ReplaceComparisonOperator_Lt_LtE",
     "if (len(blob) < _HEADER or blob[:head] != MAGIC or blob[head:head + _HASH] != schema()",
     "`<= _HEADER` also refuses a blob of exactly the header's length: its payload is empty, which the length "
     "check after refuses"),
    ("hsmshell/world/cache.py", "core/ReplaceOrWithAnd", "if not isinstance(tp, type) or tp in seen:",
     "a class met again is walked again: the same lines under the same key of `seen`, so the same schema; "
     "only time changes (the model has no cycle to walk forever)"),
    ("hsmshell/world/cache.py", "core/NumberReplacer",
     "world.revision, world.sealer, world.trail, world.made_on_first_use = 0, None, [], False",
     "the revision every packed world carries while packed: any constant packs all worlds alike, and unpack "
     "sets the real one, which travels beside it"),
    ("hsmshell/world/cache.py", "core/ReplaceFalseWithTrue",
     "world.revision, world.sealer, world.trail, world.made_on_first_use = 0, None, [], False",
     "the mark every packed world carries while packed: any constant packs all worlds alike, and each "
     "transaction sets it false as it loads the world (Store._load) before anything reads it"),
    ("hsmshell/world/store.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def _commit(self, world: World, write: bool, *, promised: bool = False) -> None:",
     "`*` to `/` in a signature: _unbatched, the only caller, passes world and write by position and "
     "`promised` by keyword, which both signatures accept"),
    ("hsmshell/world/store.py", "core/ReplaceFalseWithTrue",
     "def _commit(self, world: World, write: bool, *, promised: bool = False) -> None:",
     "a default no caller uses: _unbatched, the only caller, always passes `promised`"),
    ("hsmshell/world/cache.py", "core/ZeroIterationForLoop", "for hint in _annotations(tp).values():",
     "the TypedDicts of the model (Fault, Rotation) hold only scalars, which add no line to the schema"),
    *(("hsmshell/world/reader.py", operator,
       "None, None, f\"{node.value!r} is not a value of its tag {node.tag.rsplit(':', 1)[-1]}\",",
       "the tags whose constructors let a ValueError or KeyError out are YAML's own, tag:yaml.org,2002:NAME: "
       "split once or twice from the right, NAME is the last part and the second")
      for operator in ("core/ReplaceUnaryOperator_USub_UAdd", "core/ReplaceUnaryOperator_Delete_USub",
                       "core/NumberReplacer")),
    ("hsmshell/cloudhsm/quorum.py", "core/AddNot", "if TYPE_CHECKING:",
     "the import for annotations, which nothing evaluates (`from __future__ import annotations`): run at "
     "import time too, it costs only start-up"),
    ("hsmshell/cloudhsm/quorum.py", "core/NumberReplacer", "nonce=ids.draw(world, 16).hex())",
     "the nonce only makes every token file read differently (a GAP: the real file is an opaque blob); 15 "
     "or 17 random bytes do that as well, and a seeded world draws them from the same one 32-byte block, so "
     "every later ID is the same"),
    *(("hsmshell/cloudhsm/activation.py", "core/ReplaceComparisonOperator_Eq_GtE", line,
       "`user_type >= PRECO`: no user type sorts after PRECO (AU, CO, CU, PCO, PRECO: world/validate.py "
       "refuses any other)") for line in (
          'unactivated = [(h, u) for h in cluster.hsms if answers(h) for u in h.users if u.user_type == "PRECO"]',
          'if answers(hsm) and user.user_type == "PRECO":')),
    ("hsmshell/cloudhsm/activation.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'if cluster.state == "ACTIVE" or not unactivated:',
     "`state <= ACTIVE`: no cluster state sorts before ACTIVE (world/validate.py refuses any state outside "
     "CLUSTER_STATES)"),
    ("hsmshell/cloudhsm/activation.py", "core/ReplaceComparisonOperator_Eq_Lt",
     'if cluster.state == "ACTIVE" or not unactivated:',
     "`state < ACTIVE` is never true, so an ACTIVE cluster would go on to NotActivatable; but `cluster "
     "activate`, the only caller, refuses an ACTIVE cluster itself before asking for the password (shells/cli/"
     "cluster.py), so activate() meets one only if another process activated it while the password was typed"),
    ("hsmshell/cloudhsm/client_versions.py", "core/ReplaceOrWithAnd",
     "if version == DOCUMENTED or not SDK3_RELEASE.match(version):",
     "`documented`, the one sdk3_version that is no release number (world/validate.py refuses any other: "
     "test_a_version_that_is_no_release_is_refused_where_it_is_written), does not match SDK3_RELEASE either, "
     "so both tests are true together or false together"),
    *(("hsmshell/cloudhsm/client_versions.py", f"core/ReplaceComparisonOperator_Eq_{to}",
       "if version == DOCUMENTED or not SDK3_RELEASE.match(version):",
       f"`version {sign} documented`: the other sdk3_versions are release numbers, which start with a digit and "
       "sort before it, and `documented` fails SDK3_RELEASE too, so the condition is the same for every "
       "version world/validate.py lets through") for to, sign in (("Gt", ">"), ("GtE", ">="))),
    ("hsmshell/cloudhsm/quotas.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "held = sum(1 for k in cluster.keys.values() if k.key_class != attr.SECRET_KEY)",
     "`key_class < SECRET_KEY`: a key's class is 0 to 4 (world/validate.py refuses a class above 4: "
     "test_validate_rules' key of class 5), and SECRET_KEY is 4, the highest"),
    *(("hsmshell/world/model.py", "core/ReplaceFalseWithTrue", f"class {name}(Record, gc=False):",
       "whether the garbage collector tracks the records: memory and collection time only (a world is a "
       "tree, in no cycle, so nothing is collected either way)") for name in ("User", "Key")),
    ("hsmshell/world/reader.py", "core/ReplaceFalseWithTrue", "def construct_object(self, node, deep=False):",
     "deep=True builds nested values at once, recursing a level at a time, where PyYAML's construct_document "
     "fills them one level at a time: the same values, and the reader refuses nesting past 64 levels before "
     "anything is constructed, far inside Python's recursion limit"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if modulus not in RSA_MODULI or exponent < 65537 or exponent % 2 == 0:",
     "`exponent % 2 <= 0`: the exponent is at least 65537 here (a smaller one is refused first), so its "
     "remainder is 0 or 1 and `<= 0` is `== 0`"),
    ("hsmshell/world/validate.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "return key_class == 4 and key_type in SECRET_KEY_SIZES and size not in SECRET_KEY_SIZES[key_type][0]",
     "`key_class >= 4`: a class above 4 is refused by the rule before this one in the same pass (the first "
     "problem is the one reported), so a world of such a key is refused with the class's message either way"),
    ("hsmshell/world/model.py", "core/ReplaceFalseWithTrue",
     "class World(msgspec.Struct, forbid_unknown_fields=True, eq=False):",
     "World defines __eq__ and __ne__ itself, which msgspec's eq=True leaves in place (test_model's "
     "equality test passes either way); eq=False only says msgspec need not make them"),
    ("hsmshell/world/trail_log.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if info.st_size == self._offset:  # nothing new (a cut line read before stays cut)",
     "`<=` for `==`: the branch above sets _offset to 0 whenever the size is below it (or on a new inode), so "
     "here the size is never below _offset and `<=` is true exactly when `==` is"),
    ("hsmshell/world/trail_log.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "if written != len(data):  # a full disk: the next reader skips the cut line",
     "`<` for `!=`: os.write returns at most the bytes it was given, never more, so `written` differs from "
     "len(data) only by being smaller (the short write itself: test_a_short_write_on_a_full_disk_fails_...)"),
    ("hsmshell/world/trail_log.py", "core/ReplaceComparisonOperator_Lt_NotEq", "self._cut = end < len(data)",
     "`!=` for `<`: end is data.rfind(newline) + 1, at most len(data), so it differs from len(data) only by "
     "being smaller"),
    ("hsmshell/world/trail_log.py", "core/ReplaceTrueWithFalse", "tmp.unlink(missing_ok=True)",
     "the handler runs only when write_all or os.replace raised, and neither removes the temporary file when "
     "it raises (a rename is done whole or not at all): the file is there to unlink either way (only an "
     "asynchronous KeyboardInterrupt landing between os.replace's return and the end of the try could tell)"),
    ("hsmshell/world/trail_log.py", "core/ReplaceFalseWithTrue", "self._is_log = False  # the file read so far starts with the header",
     "the first value is never read: the first view's _catch_up sees an identity unlike None and sets "
     "_is_log and _offset anew, and an append before any view finds no descriptor and calls replace, which "
     "sets them all"),
    ("hsmshell/world/trail_log.py", "core/ReplaceFalseWithTrue",
     "self._cut = False  # the file ends in a line cut short, which no one will finish",
     "the first value is never read: append reads _cut only when _is_log is true, and _is_log becomes true "
     "only in replace, which sets _cut, or in _catch_up on the path that then sets _cut from what it read "
     "(an append before any view finds no descriptor and calls replace)"),
    ("hsmshell/world/trail_log.py", "core/NumberReplacer", "self._offset = 0  # bytes of that file read so far",
     "the first value (1 or -1 for 0) is never read: set to 0 by the first view's _catch_up (its "
     "new-identity branch, as no identity is held yet) or by replace, which an append before any view calls"),
    # world/emitter.py.  The code points _escape meets are the ones _UNSAFE_IN_QUOTES matches less
    # _ESCAPES: U+0001-U+001F, U+007F-U+009F, the surrogates (refused), U+FEFF, U+FFFE, U+FFFF.
    *(("hsmshell/world/emitter.py", operator, "if 0xD800 <= code <= 0xDFFF:",
       f"{bound}: U+D7FF and U+E000 never get here (_UNSAFE_IN_QUOTES matches neither), so the refusal "
       "covers the same code points (the ends U+D800 and U+DFFF are "
       "test_every_lone_surrogate_is_refused_from_the_first_to_the_last's)")
      for operator, bound in (("core/NumberReplacer", "55295 (U+D7FF) as the low bound, or 57344 (U+E000) "
                               "as the high one"),)),
    *(("hsmshell/world/emitter.py", operator,
       'return f"\\\\x{code:02X}" if code <= 0xFF else f"\\\\u{code:04X}" if code <= 0xFFFF else f"\\\\U{code:08X}"',
       why) for operator, why in (
        ("core/ReplaceComparisonOperator_LtE_Lt",
         "`code < 0xFF`: no code point from U+00A0 to U+FEFE gets here, so U+00FF goes nowhere either way "
         "(`code < 0xFFFF` is killed by test_a_character_is_escaped_in_the_shortest_form_pyyaml_itself_writes)"),
        ("core/NumberReplacer",
         "256 or 254 for 0xFF, 65536 for 0xFFFF: no code point from U+00A0 to U+FEFE, nor above U+FFFF, "
         "gets here, so each bound splits the code points that do alike (65534 for 0xFFFF is killed by "
         "test_a_character_is_escaped_in_the_shortest_form_pyyaml_itself_writes)"))),
    ("hsmshell/world/emitter.py", "core/ReplaceComparisonOperator_Gt_GtE", 'return ".inf" if value > 0 else "-.inf"',
     "only the infinities get here (NaN is taken before, finite floats after): `>= 0` splits them alike"),
    ("hsmshell/world/emitter.py", "core/NumberReplacer", 'return ".inf" if value > 0 else "-.inf"',
     "-1 or 1 for 0: only the infinities get here (NaN is taken before, finite floats after), and both "
     "bounds split them alike (`!= 0` is killed by test_infinities_are_written_with_their_sign)"),
    ("hsmshell/world/emitter.py", "core/ReplaceFalseWithTrue",
     "return lambda text: resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG",
     "PyYAML's resolve reads the second flag only for its path resolvers, which a plain Resolver has none "
     "of: the tag is the same either way"),
    *(("hsmshell/world/emitter.py", operator,
       "@functools.lru_cache(maxsize=8192)  # ids, regions, event names ... recur on every commit",
       "the size of a cache of a pure function of a string: only which results are computed again, so only "
       "speed, changes") for operator in ("core/NumberReplacer", "core/RemoveDecorator")),
    ("hsmshell/world/emitter.py", "core/RemoveDecorator", "@functools.cache",
     "a cache of a pure function of a type (a field's plan, whether a record is a leaf, the packed type and "
     "its decoder, made once per class through the cached _unpacker) or of PyYAML's resolver: computed alike "
     "every time, only speed changes"),
    ("hsmshell/world/emitter.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if len(text) == 1 or text[-2] == "\\n":',
     "`len(text) <= 1`: text holds a line break here, so it is never empty; `text[-2] <= \"\\n\"`: the "
     "characters below a line break (U+0000 to U+0009) are refused by _UNSAFE_IN_LITERAL before"),
    *(("hsmshell/world/emitter.py", operator, "return _nested(inner[0]) if len(inner) == 1 else None", why)
      for operator, why in (
        ("core/ReplaceComparisonOperator_Eq_LtE", "`<= 1`: a union less None is never empty (no field is "
         "typed None alone)"),
        ("core/ReplaceComparisonOperator_Eq_GtE", "`>= 1` differs only for a union of several types, which "
         "no field of a record walked field by field (the world, a client, a CLI config, a cluster, an HSM, a "
         "backup) is; a leaf record's fields are never planned"),
        ("core/NumberReplacer", "`inner[-1]`: here inner holds one type (`len(inner) == 0` or `== 2` is "
         "killed by test_a_new_process_copies_every_unchanged_part_of_the_world_file_byte_for_byte)"))),
    *(("hsmshell/world/emitter.py", operator, "return inner[0] if len(inner) == 1 else tp", why)
      for operator, why in (
        ("core/ReplaceComparisonOperator_Eq_LtE", "`<= 1`: a union less None is never empty"),
        ("core/ReplaceComparisonOperator_Eq_GtE", "`>= 1` differs only for a union of several types, which "
         "no field of a record walked field by field is (and _bare's result is used only where _nested found "
         "a collection or a record)"),
        ("core/NumberReplacer", "`inner[-1]`: here inner holds one type"))),
    *(("hsmshell/world/emitter.py", f"core/ReplaceComparisonOperator_Eq_{to}", line,
       f'`how {sign} "record"`: `how` is "keyed", "listed" or "record" here (None is taken before), and '
       'both others sort before "record"')
      for line in ('if how == "record":', 'elif how == "record":') for to, sign in (("GtE", ">="),)),
    *(("hsmshell/world/emitter.py", "core/ReplaceComparisonOperator_Eq_LtE", line,
       '`how <= "keyed"`: `how` is "keyed" or "listed" here, and "listed" sorts after "keyed"')
      for line in ('packed = dict[typing.get_args(tp)[0], item_packed] if how == "keyed" else list[item_packed]',
                   'keyed = how == "keyed"')),
    *(("hsmshell/world/emitter.py", f"core/ReplaceComparisonOperator_Eq_{to}", "if len(self.out) == start:",
       f"`{sign} start`: the pieces only grow, so `<` is never true and `<=` is `==`; and no record walked "
       "field by field (the world, a client, a CLI config, a cluster, an HSM, a backup) can have every field "
       "None (each has a required string or a list), so no `{}` is ever written for one")
      for to, sign in (("Lt", "<"), ("LtE", "<="))),
    ("hsmshell/world/emitter.py", "core/ReplaceBinaryOperator_Add_Sub", 'self.put((first + "{}\\n").encode())',
     "never run: no record walked field by field can have every field None (see `len(self.out) == start`)"),
    ("hsmshell/world/emitter.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "return (0 <= start < end <= len(old) and (start == 0 or old[start - 1] == 10) and old[end - 1] == 10",
     "`start <= 0` after `0 <= start`: the same as `start == 0` (the other two `<=` mutants of this line are "
     "killed by test_a_layout_is_followed_only_where_it_points_at_whole_lines_of_the_part_and_counts_the_old_items)"),
    *(("hsmshell/world/emitter.py", "core/ReplaceComparisonOperator_Lt_NotEq", line,
       f"{why}: `!=` holds exactly when `<` does") for line, why in (
        ("if begin < i:", "begin is one past the previous changed index, and the changed indices (then n) come "
         "in increasing order, so begin <= i"),
        ("if i < n:", "i runs over changed indices below n, then n itself, so i <= n"))),
    ("hsmshell/world/emitter.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if reused == sorted(reused) and self.lines(start, stop, head):",
     "sorted(reused) is the least ordering of its items, so `reused <= sorted(reused)` holds only when they "
     "are equal"),
    *(("hsmshell/world/emitter.py", "core/NumberReplacer", line,
       "the tag only tells the layout's four classes apart in the derived cache, which the same code writes and "
       "reads (still distinct with this number); a cache written with other tags fails unpack_layout, and the "
       "store then writes every item afresh, the same bytes")
      for line in ("class Whole(msgspec.Struct, array_like=True, tag=0):",
                   "class Layout(msgspec.Struct, array_like=True, tag=3):")),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_Lt",
     "extractable=extractable or key_class == PUBLIC_KEY,",
     "`key_class < PUBLIC_KEY`: _new_key makes keys of class 2, 3 and 4 only (unwrap_key refuses any other "
     "class, store_unwrapped's come from the CLI's key-type-classes, 3 or 4), so the two differ only for a "
     "public key, and every public key is made with `extractable` left True (generate_key_pair's public "
     "half, import_public_key)"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "known = key.attributes.get(attr.KCV) if key.key_class == SECRET_KEY else None",
     "`class >= SECRET_KEY`: world/validate.py refuses a class above 4 (test_validate_rules' key of class 5), "
     "so only a secret key is at or above SECRET_KEY (`<=` is killed by test_an_asymmetric_key_s_check_value_"
     "comes_from_its_material_not_from_a_written_one)"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_GtE", "if key_class == SECRET_KEY:",
     "store_unwrapped's `key_class >= SECRET_KEY`: its only caller, the CLI's key unwrap, passes the class of "
     "a --key-type-class (shells/cli/wrapping.py's KEY_TYPE_CLASSES), 3 or 4, and only 4 is at or above it"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "if key.key_class != SECRET_KEY and attr.MODULUS in values:",
     "`key_class < SECRET_KEY`: world/validate.py refuses a class above 4 (test_validate_rules' key of class "
     "5), so every class but 4 is below it"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if key.key_type == attr.RSA and key.key_class == PUBLIC_KEY:",
     "`key_class <= PUBLIC_KEY` adds the classes 0 and 1 (data, certificate), and an object of either has no "
     "OBJ_ATTR_MODULUS among its values (attribute_values; test_a_data_or_certificate_object_of_the_rsa_type_"
     "shows_no_key_s_attributes), so the line is reached by classes 2 and 3 only"),
    ("hsmshell/cloudhsm/keys.py", "core/NumberReplacer",
     "min_servers: int = 1  # -min_srv: HSMs that must hold a token key before the call returns",
     "the default only the CLI's policies use (key_mgmt_util passes -min_srv, whose own default is 1), and "
     "the CLI gets no HSMs from a login none of whose HSMs answer (it fails first, SERVER_UNAVAILABLE: "
     "CloudHsmCli.logged_in), so `0 > len(nodes)` and `1 > len(nodes)` are both false"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_GtE", "elif key_type == attr.EC:",
     "generate_key_pair's `key_type >= EC`: its callers ask for RSA (0, taken by the branch before), DSA (1) or "
     "EC (3) only (key_mgmt_util's genRSAKeyPair, genDSAKeyPair, genECCKeyPair; the CLI's rsa and ec pairs), "
     "and 1 and 3 compare alike either way"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceTrueWithFalse", "extractable: bool = True",
     "Policy's default, which only the CLI's `key import pem` leaves unset, and import_public_key reads no "
     "`extractable` (a public key is always extractable): every other policy passes its own"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceAndWithOr", "if key.key_class != SECRET_KEY and attr.MODULUS in values:",
     "`or` adds a non-secret object without a modulus (a DSA key, a data or certificate object) and a secret "
     "key with one (none has), and the order it gets is read only for the ids among its values, so the "
     "modulus ids add nothing; and none of them is an RSA public key, which always has a modulus"),
    ("hsmshell/cloudhsm/keys.py", "core/NumberReplacer", "min_servers: int = 1) -> Made:",
     "insert_masked_object's default, which its only caller, key_mgmt_util's insertMaskedObject, never uses: "
     "it passes -min_srv, whose flag defaults to 1 (shells/kmu/generate.py's POLICY_FLAGS)"),
    # The prime search's Miller-Rabin witness: which witness it takes draws nothing more from the
    # stream, so a seeded world's key (pinned by tests/cloudhsm/test_crypto.py) stays the same.
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer",
     'a = 2 + int.from_bytes(rand(len(bin(n)) // 8 + 8), "big") % (n - 3)',
     "a witness from 3 (or 1) up, or below n-2 or n-4, instead of from 2 below n-1: a prime passes for "
     "every witness and a random odd composite of a key's size fails 40 random ones for any of these "
     "ranges, so the same candidates pass (a witness of 1, which passes anything, is a 1 in 2^1000 draw)"),
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer", "for _ in range(s - 1):",
     "one square more: for a prime it is a^(n-1) = 1, never n-1, so a prime still passes only as before; "
     "a composite it could pass needs a^(n-1) = -1 (mod n) for 40 random witnesses, which no random "
     "candidate of a key's size has"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if math.gcd(candidate - 1, e) == 1 and _probably_prime(candidate, rand):",
     "a gcd with e (at least 65537, never 0) is at least 1, so `<= 1` holds exactly when `== 1` does"),
    # The sieve before Miller-Rabin: a candidate of a key's size divisible by an odd composite
    # below 2000 is divisible by that composite's prime factors, which are in the list either way.
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceBinaryOperator_Pow_Mul",
     "_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]",
     "trial division up to p/2 instead of the square root: more divisors tried, the same list of the 302 odd "
     "primes below 2000 (a composite has a factor below its square root, a prime none below p/2)"),
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer",
     "_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]",
     "the range's end 2000 to 2001: 2001 = 3 x 23 x 29 is no prime, so the list is the same 302 primes"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_Lt", "while d % 2 == 0:",
     "with s = 0 and d = n-1 the test is Fermat's, a^(n-1) in (1, n-1), for the same 40 drawn witnesses: a "
     "prime passes every round as before; a random odd composite of a key's size fails the first witness of "
     "both tests (failing Fermat's implies failing Miller-Rabin's; it passes Fermat's only for a Fermat liar "
     "or a^(n-1) = -1, which no random candidate of 1024 bits has), so the same candidates pass and the "
     "same draws are taken"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceBinaryOperator_Add_Sub",
     "_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]",
     "trial division stops two short of the square root: the list keeps every odd prime below 2000 (fewer "
     "divisors tried never drop a prime) and gains odd composites (9, 15, 25, ...) whose prime factors are all "
     "in it, so a candidate is divisible by one of the list exactly when before, and a candidate of a key's "
     "size (over 2^1000) is in the list neither way"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceBinaryOperator_Mod_FloorDiv",
     "_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]",
     "`p // d` is at least 1 for every divisor tried (d <= sqrt(p)), so the list is every odd number from 3 "
     "to 1999: a candidate is divisible by one of them exactly when it is by one of their prime factors, all "
     "in the list before, and a candidate of a key's size (over 2^1000) is in the list neither way"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if any(n % p == 0 for p in _SMALL_PRIMES):",
     "a remainder by a positive p is never negative, so `<= 0` holds exactly when `== 0` does"),
    *(("hsmshell/cloudhsm/crypto.py", operator, "while d % 2 == 0:",
       "the loop never runs (d = n-1 is even, and d // 2 is not 0): s = 0 and d = n-1, Fermat's test, named "
       "equivalent for `< 0` above (same witnesses drawn, same candidates pass)")
      for operator in ("core/ReplaceBinaryOperator_Mod_FloorDiv", "core/ReplaceComparisonOperator_Eq_NotEq",
                       "core/ReplaceComparisonOperator_Eq_Gt", "core/AddNot", "core/NumberReplacer")),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE", "while d % 2 == 0:",
     "d % 2 is 0 or 1, so `<= 0` holds exactly when `== 0` does"),
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer", "d, s = d // 2, s + 1",
     "s + 2 doubles s and leaves d: the same x = a^d, then s-1 squares more than before after the same first "
     "s-1; a prime reaches n-1 within those first s-1 (or passes before them) as it did, and a composite "
     "would pass on a later square only with a^(n-1) a root of -1 (mod n), which no random candidate of a "
     "key's size has for 40 random witnesses, so the same candidates pass and the same draws are taken"),
    *(("hsmshell/cloudhsm/crypto.py", operator,
       'a = 2 + int.from_bytes(rand(len(bin(n)) // 8 + 8), "big") % (n - 3)', why)
      for operator, why in (
          ("core/ReplaceBinaryOperator_Add_Sub",
           "`2 - r % (n-3)` is a witness of 6 to n-1 or 0, 1, 2 (mod n), with the same draw: a prime passes "
           "every witness but 0, and a random odd composite of a key's size fails 40 random ones; 0, 1 and n-1 "
           "each take one value of r in n-3 (a 1 in 2^1000 draw)"),
          ("core/ReplaceBinaryOperator_Sub_Add",
           "witnesses 2 to n+2 instead of 2 to n-2, with the same draw: n, n+1 (0 and 1 mod n) are each a 1 in "
           "2^1000 draw; otherwise a prime passes every witness and a random odd composite fails 40 random ones"),
          ("core/ReplaceBinaryOperator_Mod_FloorDiv",
           "`r // (n-3)` of the 64 bits r has beyond n: witnesses 2 to about 2^72, random and far below n-1, "
           "with the same draw; a prime passes every witness and a random odd composite of a key's size fails "
           "40 random ones, so the same candidates pass"))),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceBinaryOperator_Sub_Add", "for _ in range(s - 1):",
     "two squares more, after the same first s-1: as for NumberReplacer above, a prime passes only as before "
     "(past them x is 1), and a composite would pass only with a^(n-1) or a^(2(n-1)) = -1 (mod n) for 40 "
     "random witnesses, which no random candidate of a key's size has"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_GtE", "if x == n - 1:",
     "x = pow(x, 2, n) is below n, so `x >= n-1` holds exactly when `x == n-1` does"),
    # generate_rsa's check: each prime's top two bits are set (_prime), so p*q >= 9/16 * 2^bits has
    # exactly `bits` bits (bits is even, RSA_MODULI), and the check always holds.
    *(("hsmshell/cloudhsm/crypto.py", operator, "if p != q and (p * q).bit_length() == bits:", why)
      for operator, why in (
          ("core/ReplaceComparisonOperator_Eq_LtE", "p*q always has exactly `bits` bits, so `<=` holds as `==`"),
          ("core/ReplaceComparisonOperator_Eq_GtE", "p*q always has exactly `bits` bits, so `>=` holds as `==`"),
          ("core/ReplaceAndWithOr",
           "p*q always has exactly `bits` bits, so `or` and `and` differ only for p == q, which cannot happen: "
           "q's search reads the stream after the blocks p came from, and the same 1024-bit candidate from "
           "other blocks is a SHA-256 collision"))),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "public = serialization.load_der_public_key(material if key_class == PUBLIC_KEY else public_of(material))",
     "`key_class <= PUBLIC_KEY`: public_details is called with a public or private key only (keys."
     "attribute_values in its branch for classes 2 and 3, keyfiles.fake_pem for a private key), and of 2 and 3 "
     "only 2 is at or below it"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "key = (serialization.load_der_public_key(der) if key_class == PUBLIC_KEY",
     "`key_class <= PUBLIC_KEY`: every caller of key_size (keys.py's imports and unwraps) passes the constant "
     "PUBLIC_KEY (2) or PRIVATE_KEY (3), and only 2 is at or below it"),
    # wrap and unwrap take the mechanisms 4, 5 and 6 only: wrapKey and unWrapKey refuse others
    # (keys.wrap_key, keys.unwrap_key), exSymKey's -m offers 4 only, the CLI's AES mechanisms map to
    # those three (key_wrapping.AES_MECHANISMS), every other caller passes WRAP_PAD_PKCS5.
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_LtE", "if mechanism == WRAP_PAD_PKCS5:",
     "wrap's and unwrap's mechanism is 4, 5 or 6, and only 4 is at or below WRAP_PAD_PKCS5 (4)"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_GtE", "elif mechanism == WRAP_ZERO_PAD:",
     "wrap's mechanism is 4, 5 or 6 and 4 took the branch before: of 5 and 6 only 6 is at or above "
     "WRAP_ZERO_PAD (6)"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "if mechanism == WRAP_ZERO_PAD and length is not None:",
     "unwrap's mechanism is 4, 5 or 6 and 4 returned before: of 5 and 6 only 6 is at or above WRAP_ZERO_PAD (6)"),
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer", "if len(data) % 8 or len(data) < 16:",
     "`< 15`: the comparison is reached with a multiple of 8 only, and of those `< 15` and `< 16` both hold "
     "for 0 and 8 and neither for 16 and more"),
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer", "if len(wrapped) % 8 or len(wrapped) < 24:",
     "`< 23`: the comparison is reached with a multiple of 8 only, and of those `< 23` and `< 24` both hold "
     "for 0, 8 and 16 and neither for 24 and more (`< 25`, which refuses 24, is killed by "
     "test_aes_unwrap_of_the_shortest_wrapped_data_takes_one_byte_of_padding)"),
    ("hsmshell/cloudhsm/crypto.py", "core/NumberReplacer",
     "if not 1 <= pad <= 8 or data[-pad:] != bytes([pad]) * pad:",
     "`0 <= pad` lets a last byte 0 past the range check, but then data[-0:] is all the data (at least 16 "
     "bytes, aes_unwrap's least) and bytes([0]) * 0 is empty, so the padding is still bad"),
    ("hsmshell/cloudhsm/crypto.py", "core/ReplaceComparisonOperator_Eq_GtE", "if family == RSA_PSS:",
     "_rsa_padding is called for an RSA key whose family _check_family let through, \"pkcs1\" or \"pss\", and "
     "\"pkcs1\" < \"pss\" as strings, so `>= RSA_PSS` holds for \"pss\" only"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "if key.key_class == PUBLIC_KEY and partner is not None:",
     "`key_class <= PUBLIC_KEY` adds the classes 0 and 1 (data, certificate; world/validate.py refuses a "
     "class below 0), and _partner gives an object of either no partner (test_a_data_or_certificate_object_"
     "is_no_half_of_the_key_pair_whose_label_it_shares), so `partner is not None` is false for them either way"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "other = PRIVATE_KEY if key.key_class == PUBLIC_KEY else PUBLIC_KEY",
     "`key_class <= PUBLIC_KEY`: the line is reached by a public or private key only (_partner returns "
     "before it for any other class), and of 2 and 3 only 2 is at or below PUBLIC_KEY"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_LtE",
     "extractable=extractable or key_class == PUBLIC_KEY,",
     "`key_class <= PUBLIC_KEY`: _new_key makes keys of class 2, 3 and 4 only (generate_secret_key, "
     "import_secret_key 4; generate_key_pair 2 and 3; import_private_key 3; import_public_key 2; unwrap_key "
     "refuses any class but 3 and 4; store_unwrapped's come from the CLI's key-type-classes, 3 or 4), and of "
     "those only 2 is at or below PUBLIC_KEY"),
    ("hsmshell/cloudhsm/keys.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "if key.key_class == SECRET_KEY and len(raw) == key.size:",
     "both `>=`s. `key_class >= SECRET_KEY`: the keys sealed are _new_key's (class 2, 3 or 4), KMS's backing "
     "keys (4) and a world's keys given material on first use, whose class world/validate.py keeps within 0 "
     "to 4, so only a secret key is at or above SECRET_KEY. `len(raw) >= key.size`: a secret key's material "
     "is never longer than its size: made at its size (ids.draw and the seeded digest or stream give exactly "
     "that many bytes, and world/validate.py refuses a negative size), or its size taken from it (imSymKey, "
     "unWrapKey, the CLI's key unwrap), or 32 bytes for a backing key of size 32"),
    ("hsmshell/cloudhsm/returncodes.py", "core/ReplaceComparisonOperator_NotEq_Gt", "return self.code != 0",
     "a return code is a number from 0 up (every one in the module is a literal of 0 or more), so `> 0` holds "
     "exactly when `!= 0` does"),
    *(("hsmshell/world/validate.py", f"core/{op}", f"if min(map({of}, cluster.keys.values()), default=0) < 0:",
       VALIDATE_WALK)
      for op in ("ReplaceComparisonOperator_Lt_NotEq", "ReplaceComparisonOperator_Lt_LtE", "NumberReplacer")
      for of in ("_size_of", "_m_value_of")),
    ("hsmshell/world/files.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def replace(target: Path, data: bytes, *, sync: bool) -> None:",
     "`*` to `/` in a signature: every caller (store, cache, checked_passwords, labs, commands/lab) passes "
     "target and data by position and `sync` by keyword, which both signatures accept"),
    ("hsmshell/world/files.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def open_private(path: Path, what: str, flags: int, *, create: bool = False) -> int | None:",
     "`*` to `/` in a signature: every caller (locked, credentials, trail_log, checked_passwords) passes "
     "path, what and flags by position and `create` by keyword or not at all, which both accept"),
    *(("hsmshell/world/files.py", f"core/ReplaceComparisonOperator_NotEq_{to}", "if folder.parent != folder:",
       "a parent's parts are a prefix of its child's, so it sorts below it and `<`/`<=` recurse whenever `!=` "
       "does; they differ only when parent == folder (`/` or `.`), which is always a folder, so "
       "`is_dir()` has returned before the comparison") for to, sign in (("Lt", "<"), ("LtE", "<="))),
    ("hsmshell/world/files.py", "core/NumberReplacer", "_taken = itertools.count(1)",
     "the count only has to differ from one taking to the next (a waiter compares marks for change; the "
     "pid beside it tells processes apart): the number it starts from shows nothing"),
    ("hsmshell/world/files.py", "core/NumberReplacer", "chunk = os.read(fd, max(size, 65536))",
     "the size of a read only changes how many reads it takes: read_world returns the same bytes"),
    ("hsmshell/world/files.py", "core/ReplaceBinaryOperator_BitOr_BitAnd",
     "return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC | flags,",
     "`os.O_NOFOLLOW & os.O_CLOEXEC` (0) drops both flags, and neither is needed there: Python's os.open "
     "makes every descriptor non-inheritable (PEP 446: FD_CLOEXEC set whatever the flags), and with "
     "O_CREAT | O_EXCL, open(2) fails with EEXIST on any symbolic link at the path, dangling or not, "
     "without following it (POSIX), which O_NOFOLLOW would only make ELOOP; new_temporary passes over "
     "EEXIST to a new name either way.  (The other `|` of this line are killed: this entry names the "
     "`O_NOFOLLOW & O_CLOEXEC` one.)"),
    ("hsmshell/world/files.py", "core/NumberReplacer", "while not taken.wait(0.05):",
     "for wait(1.05), timing only: taking a lock let go is woken by the flock thread's Event.set, not by "
     "the poll, and marks never repeat (a count per process beside the pid), so a change is seen at the "
     "next look either way; the only difference is a give-up up to a second after the timeout, which only "
     "a wall-clock upper bound could see, and load makes that flaky.  (wait(-0.95), a busy loop, is killed "
     "by test_a_waiter_looks_at_the_lock_file_now_and_then_not_in_a_busy_loop.)"),
    ("hsmshell/cloudhsm/client_config.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def _entry_for(world: World, *, address: str | None, cluster_id: str | None) -> CliCluster:",
     "`*` to `/` in a signature: its only callers (cli_configure, cli_add_cluster) pass world by position "
     "and address and cluster_id by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/client_config.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def cli_configure(world: World, *, address: str | None = None, cluster_id: str | None = None,",
     "`*` to `/` in a signature: its only caller (shells/cli/configure.py) passes world by position and "
     "address, cluster_id and disable_key_availability_check by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/client_config.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def cli_add_cluster(world: World, *, address: str | None, cluster_id: str | None,",
     "`*` to `/` in a signature: its only caller (shells/cli/configure.py) passes world by position and "
     "address, cluster_id and disable_key_availability_check by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/client_config.py", "core/ReplaceFalseWithTrue",
     "disable_key_availability_check: bool = False) -> None:",
     "the default is never used: the only caller (shells/cli/configure.py, add-cluster) always passes "
     "disable_key_availability_check, from the command line's --disable-key-availability-check"),
    ("hsmshell/cloudhsm/client_config.py", "core/ReplaceComparisonOperator_Gt_NotEq", "if len(entries) > 1:",
     "no entries has raised Unconfigured just above, so len(entries) >= 1 and `!= 1` holds exactly when `> 1`"),
    ("hsmshell/cloudhsm/client_config.py", "core/NumberReplacer", "chosen = entries[0]",
     "reached only when there is exactly one entry (none raised Unconfigured, more ClusterIdNeeded), so "
     "entries[-1] is entries[0]; a `1` there would be an IndexError, which this entry does not cover: "
     "it is killed"),
    ("hsmshell/cloudhsm/client_config.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "removed = len(kept) != len(entries)",
     "kept is entries filtered, so it is never longer: `<` holds exactly when `!=` does"),
    ("hsmshell/cloudhsm/cluster_users.py", "core/NumberReplacer",
     "return values[0] if all(v == values[0] for v in values) else INCONSISTENT",
     "a -1 for either 0: all equal to the last holds exactly when all equal the first, and values[-1] is "
     "returned only then, a string equal to values[0]; a `1` there would be an IndexError for a user on one "
     "HSM, which this entry does not cover: it is killed"),
    ("hsmshell/cloudhsm/cluster_users.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'coverage="full" if len(users) == len(hsms) else INCONSISTENT,',
     "users holds at most one user per answering HSM (world/validate.py refuses two users of one name, "
     "case aside, on one HSM), so len(users) is never above len(hsms)"),
    ("hsmshell/cloudhsm/cluster_users.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'appliance=all(u.user_type == "AU" for u in users)))',
     "a user type is one of CO, CU, AU, PRECO, PCO (world/validate.py), and of these only AU is <= \"AU\""),
    *(("hsmshell/cloudhsm/key_selection.py", f"core/ReplaceComparisonOperator_Eq_{to}",
       "keys = [k for k in keys if k.label == label]",
       f"`k.label {sign} label` keeps more keys, but every pair is matched after it (named_attributes.matches "
       "checks the label again), and matching another key neither fails nor changes anything: the filter's "
       "names are checked before (parse_filter), a key without an attribute does not match, and the "
       "attributes of the extra keys are read as a filter without a label reads every key's (at most making "
       "the material of a hand-written key, the same any later use would make)")
      for to, sign in (("LtE", "<="), ("GtE", ">="))),
    ("hsmshell/cloudhsm/key_selection.py", "core/ReplaceComparisonOperator_Gt_NotEq", "if len(found) > 1:",
     "no key found has raised NoKeyMatched just above, so len(found) >= 1 and `!= 1` holds exactly when `> 1`"),
    ("hsmshell/cloudhsm/key_selection.py", "core/NumberReplacer",
     "availability.check_key(cluster, found[0], check_availability)",
     "reached only with exactly one key (none raised NoKeyMatched, more ManyKeysMatched), so found[-1] is "
     "found[0]; a `1` there would be an IndexError, which this entry does not cover: it is killed"),
    ("hsmshell/cloudhsm/key_selection.py", "core/NumberReplacer", "return found[0]",
     "reached only when exactly one key is found (none raised NoKeyMatched, more ManyKeysMatched), so "
     "found[-1] is found[0]; a `1` there would be an IndexError, which this entry does not cover: it is killed"),
    ("hsmshell/cloudhsm/mtls.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'return cluster.mtls_enforcement == "none" or issued_by_anchor(cluster, certificate)',
     'mtls_enforcement is "none" or "cluster" (world/validate.py refuses any other, set-enforcement\'s '
     '--level takes no other), and "cluster" sorts before "none": `>=` holds exactly when `==` does'),
    ("hsmshell/cloudhsm/mtls.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     'if cluster.mtls_enforcement != "none" and len(cluster.mtls_trust_anchors) <= 1:',
     'mtls_enforcement is "none" or "cluster" (world/validate.py refuses any other), and "cluster" sorts '
     'before "none": `<` holds exactly when `!=` does'),
    ("hsmshell/cloudhsm/mtls.py", "core/ReplaceComparisonOperator_NotEq_Lt", 'if level != "none" and not over_mtls:',
     'the only caller, cluster mtls set-enforcement, passes --level, whose choices are exactly "none" and '
     '"cluster" (any other spelling is a usage error), and "cluster" sorts before "none": `<` holds '
     'exactly when `!=` does'),
    ("hsmshell/cloudhsm/mtls.py", "core/ReplaceComparisonOperator_LtE_Eq",
     'if cluster.mtls_enforcement != "none" and len(cluster.mtls_trust_anchors) <= 1:',
     "`== 1` differs only with enforcement on and no trust anchor, and then the CLI never gets here: "
     "cli.cluster() (shells/cli/program.py, mtls.admits) disconnects a client no anchor issued, which "
     "with no anchor is every client, before the deregister; the CLI is the only caller"),
    ("hsmshell/cloudhsm/mtls.py", "core/ReplaceComparisonOperator_GtE_Eq",
     "if len(cluster.mtls_trust_anchors) >= MAX_ANCHORS:",
     "a cluster never holds more than MAX_ANCHORS (2) trust anchors: register refuses the third, and "
     "world/validate.py (MAX_TRUST_ANCHORS) refuses a world with more when it is read or saved"),
    ("hsmshell/cloudhsm/mtls.py", "core/NumberReplacer",
     'reference = next(f"0x{n:02x}" for n in range(1, 256) if f"0x{n:02x}" not in taken)',
     "the end of the range (255, 256 or 257) is never reached: at most one anchor is registered when a "
     "reference is chosen (the line before refuses at two, world/validate.py refuses more), so 0x01 or "
     "0x02 is free"),
    ("hsmshell/cloudhsm/mtls.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def set_enforcement(cluster: Cluster, session: Session, level: str, *, over_mtls: bool) -> None:",
     "`*` to `/` in a signature: the only caller (shells/cli/cluster.py, set-enforcement) passes cluster, "
     "session and level by position and over_mtls by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/attributes.py", "core/ReplaceTrueWithFalse", "class Attribute(msgspec.Struct, frozen=True):",
     "an Attribute is only built in the ATTRIBUTES table and read (.name, .id, .kind): none is assigned to, "
     "hashed (BY_ID and BY_NAME key them by their int id and str name) or compared, so a mutable, unhashable "
     "struct behaves the same"),
    ("hsmshell/cloudhsm/attributes.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "if key_class == SECRET_KEY and key_type == AES:",
     "only `key_class >= SECRET_KEY` survives (`key_type >= AES` gives a secret key of type 32 the AES "
     "defaults: killed by test_only_a_secret_key_of_the_aes_type_is_made_to_wrap): no object class is above "
     "SECRET_KEY (4), world/validate.py's KEY_CLASSES are 0-4 and every key the services make is of class 2-4"),
    ("hsmshell/cloudhsm/attributes.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "elif key_class == SECRET_KEY and key_type in (DES3, RC4):",
     "no object class is above SECRET_KEY (4): world/validate.py's KEY_CLASSES are 0-4 (data, certificate, "
     "public, private, secret), and every key the services make is of class 2-4"),
    ("hsmshell/cloudhsm/attributes.py", "core/ReplaceComparisonOperator_Eq_GtE", "if kind == ULONG:",
     "a kind is one of the five strings \"big\" < \"bool\" < \"kcv\" < \"string\" < \"ulong\": none sorts "
     "after \"ulong\", so `>=` holds exactly when `==` does"),
    ("hsmshell/cloudhsm/attributes.py", "core/ReplaceComparisonOperator_Eq_LtE", "if kind == BIG:",
     "a kind is one of the five strings \"big\" < \"bool\" < \"kcv\" < \"string\" < \"ulong\": none sorts "
     "before \"big\", so `<=` holds exactly when `==` does"),
    *(("hsmshell/cloudhsm/attributes.py", operator, "if attribute_id == MODULUS and isinstance(value, EcPoint):",
       "the isinstance half holds for the modulus only: an EcPoint is made by crypto.public_details alone, as "
       "the \"modulus\" that keys.attribute_values puts at MODULUS (288) and nowhere else, and the world's own "
       "attributes are ints and strs (model.Key.attributes), so the id comparison never decides")
      for operator in ("core/ReplaceComparisonOperator_Eq_LtE", "core/ReplaceComparisonOperator_Eq_GtE")),
    ("hsmshell/cloudhsm/named_attributes.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'return text if len(text) % 2 == 0 else "0" + text',
     "a length modulo 2 is 0 or 1, never negative: `<= 0` holds exactly when `== 0` does"),
    ("hsmshell/cloudhsm/named_attributes.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "if key.key_class == attr.SECRET_KEY:",
     "no object class is above SECRET_KEY (4): world/validate.py's KEY_CLASSES are 0-4 (data, certificate, "
     "public, private, secret), and every key the services make is of class 2-4"),
    *(("hsmshell/cloudhsm/named_attributes.py", "core/ReplaceComparisonOperator_Eq_GtE", line,
       "`>= PRIVATE_KEY` (3) adds only SECRET_KEY (4): no class is above 4 (world/validate.py's KEY_CLASSES "
       "are 0-4), and _asymmetric is never given a secret key (values returns before it for one)")
      for line in ("if key.key_class == attr.PRIVATE_KEY:",
                   'out: dict[str, Any] = {"key-length-bytes": len(material) if key.key_class == attr.PRIVATE_KEY '
                   'else len(spki)}')),
    ("hsmshell/cloudhsm/named_attributes.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'out: dict[str, Any] = {"key-length-bytes": len(material) if key.key_class == attr.PRIVATE_KEY else len(spki)}',
     "`<= PRIVATE_KEY` adds classes 0-2, whose material is already the SubjectPublicKeyInfo that "
     "cryptography writes (crypto.spki: a generated public key via public_of, an imported one via "
     "read_public, a hand-written world's key or data/certificate object via _first_material), so "
     "len(material) == len(spki) for them"),
    ("hsmshell/cloudhsm/named_attributes.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'if wanted.lower() not in ("true", "false") or have != (wanted.lower() == "true"):',
     "the comparison is reached only when wanted.lower() is \"true\" or \"false\" (the `or` stops at "
     "any other value), and \"false\" sorts before \"true\": `>=` holds exactly when `==` does"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def wrap(world: World, cluster: Cluster, owner_id: int, payload: Key, wrapping: Key, mechanism: str, *,",
     "`*` to `/` in a signature: the only caller (shells/cli/wrapping.py, key wrap) passes the first six by "
     "position and hash_name, mgf and aad by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def unwrap(world: World, cluster: Cluster, unwrapping: Key, mechanism: str, wrapped: bytes, *,",
     "`*` to `/` in a signature: the only caller (shells/cli/wrapping.py, key unwrap) passes the first five "
     "by position and hash_name, mgf and aad by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if mechanism == "aes-no-pad" and len(data) % 8:',
     "the mechanism is one of AES_MECHANISMS here (aes-no-pad, aes-pkcs5-pad, aes-zero-pad), and the other "
     "two sort after aes-no-pad: `<=` holds exactly when `==` does"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "ok = key.key_type == attr.AES and key.key_class == attr.SECRET_KEY",
     "`key_class >= SECRET_KEY` (the type's `>=` is killed): world/validate.py admits object classes 0 to 4 "
     "only (KEY_CLASSES), the tools make none other, and 4 is SECRET_KEY: `>=` holds exactly when `==` does"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if mechanism == "rsa-aes":',
     "(wrap and unwrap) the mechanism is rsa-aes, rsa-oaep or rsa-pkcs here (the AES and GCM mechanisms "
     "returned above, and the CLI offers no other), and rsa-aes sorts first: `<=` holds exactly when `==` does"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'return public.encrypt(data, _oaep(hash_name, mgf) if mechanism == "rsa-oaep" else padding.PKCS1v15())',
     "only rsa-oaep and rsa-pkcs get here (rsa-aes returned above), and rsa-pkcs sorts after rsa-oaep"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if mechanism == "rsa-oaep":',
     "(unwrap) only rsa-oaep and rsa-pkcs get here (rsa-aes returned above), and rsa-pkcs sorts after rsa-oaep"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_NotEq_Lt", "if payload.key_class != attr.SECRET_KEY:",
     "the payload is a private (3) or secret (4) key here, since wrap's first check refuses any other class: "
     "`< 4` holds exactly when `!= 4` does"),
    ("hsmshell/cloudhsm/key_wrapping.py", "core/ReplaceComparisonOperator_GtE_Gt", "if len(wrapped) != size or value >= n:",
     "`value > n` lets through only value == n, which decrypts to 0: a block that does not begin 00 02, "
     "refused two lines below"),
    ("hsmshell/cloudhsm/signatures.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def sign(world: World, cluster: Cluster, key: Key, *, mechanism: str, hash_name: str, data: bytes,",
     "`*` to `/` in a signature: the only caller (shells/cli/crypto.py, crypto sign) passes world, cluster "
     "and key by position and every other argument by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/signatures.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def verify(world: World, cluster: Cluster, key: Key, *, mechanism: str, hash_name: str, data: bytes,",
     "`*` to `/` in a signature: the only caller (shells/cli/crypto.py, crypto verify) passes world, cluster "
     "and key by position and every other argument by keyword, which both signatures accept"),
    ("hsmshell/cloudhsm/signatures.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if mechanism == "rsa-pkcs":',
     "only an RSA key reaches _padding (an EC key signs with ECDSA), and _check lets an RSA key through only "
     "for rsa-pkcs and rsa-pkcs-pss, which sorts after rsa-pkcs: `<=` holds exactly when `==` does"),
    ("hsmshell/cloudhsm/signatures.py", "core/ReplaceFalseWithTrue",
     "digest: bool = False, mgf: str | None = None, salt_length: int | None = None) -> bytes:",
     "a default no caller uses: shells/cli/crypto.py (crypto sign), the only caller, always passes digest="),
    ("hsmshell/cloudhsm/signatures.py", "core/ReplaceFalseWithTrue", "signature: bytes, digest: bool = False, mgf: str | None = None,",
     "a default no caller uses: shells/cli/crypto.py (crypto verify), the only caller, always passes digest="),
    # clusters.py, lines 230 and up
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_NotEq_Gt", 'if cluster.state != "ACTIVE":',
     "`state > ACTIVE` in _change_type: world/validate.py admits only CLUSTER_STATES, on load and on save, and "
     "every other one (CREATE_IN_PROGRESS, DEGRADED, ..., UPDATE_IN_PROGRESS) sorts after ACTIVE"),
    *(("hsmshell/cloudhsmv2/clusters.py", f"core/ReplaceComparisonOperator_Eq_{to}",
       "elif MIGRATIONS.get(hsm_type) == cluster.hsm_type and cluster.hsm_type_rollback_expiration is not None:",
       f"`{sign}`: modify calls _change_type only for a type other than the cluster's, _check_type admits only "
       "HSM_TYPES (and world/validate.py only those for a cluster), and the branch above takes hsm1.medium to "
       "hsm2m.medium: this line sees only hsm1.medium on an hsm2m.medium cluster, where MIGRATIONS.get gives "
       "hsm2m.medium, equal to the cluster's type, so the comparison holds as == does")
      for to, sign in (("LtE", "<="), ("GtE", ">="))),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if user.user_type == "PRECO":',
     "`user_type >= PRECO`: world/validate.py admits only USER_TYPES (CO, CU, AU, PRECO, PCO), on load and on "
     "save, and PRECO sorts after the others (PCO < PRECO): >= holds exactly when == does"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'if source is not None and cluster.state == "ACTIVE":',
     "`state <= ACTIVE`: create_hsm has refused every state but ACTIVE, UNINITIALIZED and DEGRADED above, and "
     "of those only ACTIVE is <= ACTIVE (no cluster state sorts before it)"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/NumberReplacer",
     'eni_id="eni-" + ids.draw(world, 9).hex()[:17], eni_ip=ip or _free_ip(cluster, zone, taken),',
     "draw(world, 10) for 9: a seeded draw of up to 32 bytes advances the counter once and gives the first n "
     "bytes of the same SHA-256 digest, an unseeded one n random bytes, so the first 17 hex digits of 9 or 10 "
     "bytes are the same (or equally random) and the counter ends the same; 9 to 8, [:17] to [:18] and to [:16] "
     "change the ENI id's length and are killed by test_a_seeded_world_s_new_hsms_have_the_same_ids_and_the_"
     "first_free_address_of_their_zone"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def delete_hsm(world: World, cluster_id: str, *, hsm_id: str | None, eni_id: str | None,",
     "`*` to `/` in a signature: the only caller (aws/cloudhsmv2.py, DeleteHsm) passes world and cluster_id "
     "by position and hsm_id, eni_id and eni_ip by keyword, which both signatures accept"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/NumberReplacer",
     "hsm = next((h for h in cluster.hsms if given[0] in (h.hsm_id, h.eni_id, h.eni_ip)), None)",
     "`given[-1]`: the line above refuses any but exactly one identifier, so given[-1] is given[0]"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/NumberReplacer",
     'raise not_found(f"HSM {given[0]} not found in cluster {cluster_id}.")',
     "`given[-1]`: delete_hsm refused any but exactly one identifier above, so given[-1] is given[0]"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_GtE", 'if hsm.state == "DELETE_IN_PROGRESS":',
     "`state >= DELETE_IN_PROGRESS`: world/validate.py admits only HSM_STATES, on load and on save, and "
     "DELETE_IN_PROGRESS sorts after the others (ACTIVE, CREATE_IN_PROGRESS, DEGRADED, DELETED: 'D' < '_')"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_LtE", 'if cluster.state == "ACTIVE":',
     "`state <= ACTIVE` in delete_hsm: world/validate.py admits only CLUSTER_STATES, on load and on save, and "
     "none sorts before ACTIVE"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_NotEq_Lt", 'and s.tool != "kms"]:',
     "`tool < kms`: world/validate.py admits only TOOLS, on load and on save, and the others (cloudhsm-cli, "
     "cloudhsm_mgmt_util, key_mgmt_util) sort before kms; `>` is killed by "
     "test_a_deleted_cluster_s_shell_sessions_end_and_no_other"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'if cluster.state == "ROLLBACK_IN_PROGRESS":',
     "`state >= ROLLBACK_IN_PROGRESS`: the line above returns unless the state is MODIFY_IN_PROGRESS or "
     "ROLLBACK_IN_PROGRESS, and MODIFY_IN_PROGRESS sorts before it"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'if hsm is not None and hsm.state == "CREATE_IN_PROGRESS":',
     "`state <= CREATE_IN_PROGRESS`: of HSM_STATES (world/validate.py, on load and on save) only ACTIVE and "
     "CREATE_IN_PROGRESS are <= CREATE_IN_PROGRESS, and setting an ACTIVE HSM ACTIVE changes nothing"),
    # clusters.py, lines below 230
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'return [h for h in cluster.hsms if h.state == "ACTIVE"]',
     "world/validate.py admits only HsmState's five values (HSM_STATES), on load and on save, and ACTIVE "
     "sorts first of them (CREATE_IN_PROGRESS, DEGRADED, DELETE_IN_PROGRESS, DELETED after): `<=` holds "
     "exactly when `==` does"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def create(world: World, *, hsm_type: str, subnet_ids: list[str], source_backup_id: str | None,",
     "`*` to `/` in a signature: the only caller (aws/cloudhsmv2.py, create_cluster) passes world by position "
     "and every other argument by keyword, which both signatures accept"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def modify(world: World, cluster_id: str, *, hsm_type: str | None, retention_days: int | None) -> Cluster:",
     "`*` to `/` in a signature: the only caller (aws/cloudhsmv2.py, modify_cluster) passes world and the "
     "cluster ID by position and the other two by keyword, which both signatures accept"),
    *(("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_LtE", line,
       "_check_type, the line before, lets through only hsm1.medium and hsm2m.medium, and hsm2m.medium sorts "
       "after hsm1.medium: `hsm_type <= \"hsm1.medium\"` holds exactly when `==` does")
      for line in ('if hsm_type == "hsm1.medium" and generation.is_current(world):',
                   'if hsm_type == "hsm1.medium" and mode == "NON_FIPS":')),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'if backup_type == "hsm2m.medium" and hsm_type == "hsm1.medium":',
     "only `hsm_type <= \"hsm1.medium\"` survives (the backup type's `<=` is killed): create's _check_type lets "
     "through only hsm1.medium and hsm2m.medium before _restorable is called, and hsm2m.medium sorts after "
     "hsm1.medium, so `<=` holds exactly when `==` does"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'if backup_type == "hsm2m.medium" and hsm_type == "hsm1.medium":',
     "only `backup_type >= \"hsm2m.medium\"` survives (the HSM type's `>=` is killed): backups.hsm_type_of gives "
     "the backup's hsm_type, its cluster's or hsm1.medium, and world/validate.py admits only hsm1.medium and "
     "hsm2m.medium for both (HSM_TYPES, on load and on save); nothing sorts after hsm2m.medium, so `>=` holds "
     "exactly when `==` does"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/NumberReplacer",
     'source = backups.get(world, source_backup_id.rsplit("/", 1)[-1])',
     "only rsplit's maxsplit of 2 survives: [-1] is the text after the last \"/\" for any maxsplit of 1 or more "
     "(a maxsplit of 0 and `[- 0]` are killed by test_a_cluster_from_a_backup_named_by_its_arn)"),
    ("hsmshell/cloudhsmv2/clusters.py", "core/ReplaceComparisonOperator_NotEq_Lt", 'if source.state != "READY":',
     "world/validate.py admits only BackupState's four values (BACKUP_STATES), on load and on save, and the "
     "three besides READY (CREATE_IN_PROGRESS, DELETED, PENDING_DELETION) sort before it: `<` holds exactly "
     "when `!=` does"),
    *(("hsmshell/cloudhsmv2/clusters.py", "core/NumberReplacer", line,
       "only 10 bytes drawn instead of 9 survives (8 bytes, [:18] and [:16] change the ID's length: killed by "
       "test_a_new_cluster_s_network_ids_are_the_seeded_world_s_and_its_subnets_vpc): the ID keeps the first "
       "17 hex digits, of the first 9 bytes; a seeded world draws both from one 32-byte block, so the counter "
       "moves alike, and unseeded both are os.urandom's")
      for line in ('security_group="sg-" + ids.draw(world, 9).hex()[:17], create_timestamp=now(world),',
                   'return "vpc-" + ids.draw(world, 9).hex()[:17]')),
    ("hsmshell/cloudhsmv2/certificates.py", "core/ReplaceBinaryOperator_Mul_Div",
     "def _hardware(world: World, hsm: Hsm, *, aws: bool) -> x509.Certificate:",
     "`*` to `/` in a signature: every caller (of_cluster and for_hsm, in this module only) passes world and "
     "hsm by position and aws by keyword, which both signatures accept"),
    ("hsmshell/cloudhsmv2/certificates.py", "core/ReplaceTrueWithFalse",
     'return _issue(name, key.public_key(), name, key, _ROOTS_VALID, _serial("aws root"), ca=True)',
     "the AWS root certificate is never shown: its only reader, _hardware, takes its subject (the AWS "
     "hardware certificate's issuer) and nothing else, and the subject does not hold the CA flag"),
    ("hsmshell/cloudhsmv2/certificates.py", "core/NumberReplacer", "@lru_cache(maxsize=256)",
     "the size of a cache of a pure function: _derived_key's key is computed from its argument alone, the "
     "same every time (a fresh object has the same value), so only the time a call takes changes"),
    ("hsmshell/cloudhsmv2/certificates.py", "core/RemoveDecorator", "@lru_cache(maxsize=256)",
     "the cache of a pure function: _derived_key's key is computed from its argument alone, the same every "
     "time, and no caller compares keys by identity, so only the time a call takes changes"),
    ("hsmshell/cloudhsmv2/certificates.py", "core/NumberReplacer", "@lru_cache(maxsize=1)",
     "the size of the cache of _manufacturer_root and of _aws_root: functions of no argument whose "
     "certificates are the same bytes on every call (derived key, fixed serial and validity, RFC 6979 "
     "signature), so only the time a call takes changes"),
    ("hsmshell/cloudhsmv2/certificates.py", "core/RemoveDecorator", "@lru_cache(maxsize=1)",
     "the cache of _manufacturer_root and of _aws_root: functions of no argument whose certificates are the "
     "same bytes on every call (derived key, fixed serial and validity, RFC 6979 signature), compared by "
     "value (x509.Certificate's ==) where compared at all, so only the time a call takes changes"),
    ("hsmshell/cloudhsmv2/faults.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'if fault.get("kind") != CONNECT_ERROR or fault.get("custom_key_store_id") not in (None, store_id):',
     "world/validate.py (FAULTS) admits only the kinds connect_error, subnet_deleted and subnet_full, on "
     "load and on save: both others sort after connect_error, so `> CONNECT_ERROR` holds exactly when `!=` does"),
    ("hsmshell/cloudhsmv2/faults.py", "core/ReplaceComparisonOperator_Eq_GtE", "if kind == SUBNET_FULL:",
     "world/validate.py (FAULTS) admits only three kinds, on load and on save; subnet_deleted returned above, "
     "and connect_error sorts before subnet_full: `>=` holds exactly when `==` does"),
    ("hsmshell/cloudhsmv2/faults.py", "core/ReplaceComparisonOperator_LtE_Eq", 'if fault["times"] <= 0:',
     "world/validate.py refuses a fault's times below 1, on load and on save (`hsmshell fault internal-error "
     "--times 0` is not saved): counted down by one from 1 or more, times reaches 0 before it could go below"),
    ("hsmshell/cloudhsmv2/faults.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     "text += f\" ({fault['times']} more attempt{'s' if fault['times'] != 1 else ''})\"",
     "`> 1` differs from `!= 1` only for times of 0 or less, which world/validate.py refuses on load and on "
     "save; the text of `hsmshell fault internal-error --times 0` is never printed since the world is not saved"),
    ("hsmshell/cloudhsmv2/resource_policies.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'if match["kind"] != "backup":',
     "_ARN lets through only the kinds backup, cluster and hsm, and the other two sort after backup: "
     "`>` holds exactly when `!=` does"),
    ("hsmshell/cloudhsmv2/backups.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'source = next((h for h in cluster.hsms if h.state == "ACTIVE"), None)',
     "world/validate.py (HSM_STATES) admits only ACTIVE, CREATE_IN_PROGRESS, DEGRADED, DELETE_IN_PROGRESS and "
     "DELETED, on load and on save, and the code sets no other; all the others sort after ACTIVE: "
     "`<= \"ACTIVE\"` holds exactly when `==` does"),
    ("hsmshell/cloudhsmv2/backups.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'ready = [b for b in world.backups.values() if b.cluster_id == cluster_id and b.state == "READY"]',
     "the b.state occurrence (the b.cluster_id one is killed by tests/cloudhsmv2/test_backups.py::"
     "test_retention_weighs_only_the_cluster_s_own_ready_backups): world/validate.py (BACKUP_STATES) admits "
     "only CREATE_IN_PROGRESS, DELETED, PENDING_DELETION and READY, on load and on save, and READY sorts "
     "last: `>= \"READY\"` holds exactly when `==` does"),
    ("hsmshell/cloudhsmv2/backups.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'if (backup.state == "READY" and not backup.never_expires and backup is not newest',
     "world/validate.py (BACKUP_STATES) admits only CREATE_IN_PROGRESS, DELETED, PENDING_DELETION and READY, "
     "on load and on save, and READY sorts last: `>= \"READY\"` holds exactly when `==` does"),
    ("hsmshell/cloudhsmv2/backups.py", "core/ReplaceComparisonOperator_NotEq_Lt", 'if backup.state != "READY":',
     "DeleteBackup's and CopyBackupToRegion's check: world/validate.py (BACKUP_STATES) admits only "
     "CREATE_IN_PROGRESS, DELETED, PENDING_DELETION and READY, on load and on save, and READY sorts last: "
     "`< \"READY\"` holds exactly when `!=` does"),
    ("hsmshell/cloudhsmv2/backups.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     'if cluster.state != "ACTIVE" or take(world, cluster) is None:',
     "world/validate.py (CLUSTER_STATES) admits only states that sort after ACTIVE besides ACTIVE itself, on "
     "load and on save, and the code sets no other: `> \"ACTIVE\"` holds exactly when `!=` does"),
    ("hsmshell/cloudhsmv2/backups.py", "core/ReplaceFalseWithTrue", "purged = False",
     "apply_retention reporting a purge that did not happen only tells the store (services.settle, "
     "Store._unbatched) that settling may have changed the world: a read then compares the world packed with "
     "the file's (world/store.py _commit), finds it unchanged and writes nothing (no new revision), a batch "
     "packs its first checkpoint itself (the same bytes), and the HSMSHELL_CHECK_PROMISES check of a "
     "write=False transaction is skipped, which no command breaks: no output, world file or event differs"),
    ("hsmshell/cloudhsm/sharing.py", "core/ReplaceComparisonOperator_Gt_NotEq", "if key.m_value > 0:",
     "`m_value != 0` in shareKey and setAttribute: a key's m_value is 0 or more (world/validate.py refuses a "
     "negative one; every key a shell makes passes keys._check_policy, 0 to MAX_M_VALUE, and a copy keeps "
     "its key's), so != 0 and > 0 agree"),
    ("hsmshell/cloudhsm/sharing.py", "core/ReplaceComparisonOperator_Eq_LtE", "if attribute_id == attr.LABEL:",
     "`attribute_id <= attr.LABEL`: set_attribute refuses any id outside CMU_SETTABLE just before, and no "
     "settable id is below OBJ_ATTR_LABEL (3; the next is 134), so <= 3 and == 3 agree"),
    ("hsmshell/cloudhsm/sharing.py", "core/ReplaceComparisonOperator_Eq_GtE",
     "elif attr.BY_ID[attribute_id].kind == attr.STRING:",
     "`kind >= attr.STRING`: the ids reaching this line are CMU_SETTABLE's but the label, whose kinds are "
     "\"bool\" and \"string\" only (no \"ulong\", the one kind sorting above \"string\"), so >= and == agree"),
    ("hsmshell/cloudhsm/sharing.py", "core/ReplaceComparisonOperator_Eq_LtE",
     'elif attribute_id == attr.WRAP_WITH_TRUSTED and key.attributes.get(attribute_id) == 1 and value == "0":',
     "`value <= \"0\"`: the line is reached with \"0\" or \"1\" only (any other value is refused just "
     "before), and of those only \"0\" is at or below \"0\""),
    ("hsmshell/cloudhsm/sharing.py", "core/ReplaceComparisonOperator_Eq_GtE",
     'elif attribute_id == attr.WRAP_WITH_TRUSTED and key.attributes.get(attribute_id) == 1 and value == "0":',
     "`attribute_id >= attr.WRAP_WITH_TRUSTED` (528): the ids reaching the line are CMU_SETTABLE's boolean "
     "ones (the label and the two templates, the only ids above 528, are strings handled before), and of "
     "134, 260-268, 370 and 528 only 528 is at or above it"),
    ("hsmshell/cloudhsm/keyfiles.py", "core/ReplaceComparisonOperator_NotEq_Lt",
     "if key.key_class != attr.PRIVATE_KEY or key.key_type != attr.RSA:",
     "only `key_class < PRIVATE_KEY` survives (`key_type < RSA` lets an EC private key through: killed): "
     "keys are of class 2, 3 or 4 and a secret key (4) is never RSA, so `< 3` differs from `!= 3` only for "
     "a secret key, which `key_type != RSA` refuses anyway"),
    ("hsmshell/cloudhsm/keyfiles.py", "core/ReplaceComparisonOperator_NotEq_Gt",
     "if key.key_class != attr.PRIVATE_KEY or key.key_type != attr.RSA:",
     "only `key_type > RSA` survives (`key_class > PRIVATE_KEY` lets a secret key through: killed): RSA is 0, "
     "the least key type, so `key_type > 0` holds exactly when `!= 0` does"),
    ("hsmshell/cloudhsm/keyfiles.py", "core/ReplaceComparisonOperator_Lt_NotEq", "while at < end:",
     "each INTEGER whose end passes the sequence's is refused in the loop, so `at` never passes `end` and "
     "stops the loop at `end` exactly, as `!=` does"),
    ("hsmshell/cloudhsm/keyfiles.py", "core/NumberReplacer",
     "body = data.split(_BEGIN, 1)[1].split(_END, 1)[0]",
     "only `split(_END, 2)` survives: the first piece of a split is the text before the first separator "
     "for any maxsplit of 1 or more"),
    *(("hsmshell/cloudhsm/sync.py", "core/ReplaceBinaryOperator_Mul_Div",
       f"def {name}(world: World, source: tuple[Cluster, Hsm], destination: tuple[Cluster, Hsm], *,",
       f"`*` to `/` in a signature: the one caller (shells/cmu/{shell}.py) passes world, source and destination "
       f"by position and session_id and {last} by keyword, which both signatures accept")
      for name, shell, last in (("sync_user", "users", "uid"), ("sync_key", "keys", "handle"))),
    ("hsmshell/labs/checks.py", "core/ReplaceTrueWithFalse", "@dataclass(frozen=True)",
     "an Outcome is only made and read: labs/session.py and commands/lab.py read its check, holds and detail, "
     "assign to none of them, and never hash one (commands/lab.py keys by id(o.check)); eq is the same either way"),
]


# Plugins the mapped tests do not use: leaving them out halves pytest's start, which every
# mutant pays.
UNUSED_PLUGINS = ["cacheprovider", "asyncio", "hypothesispytest", "xdist", "xdist.looponfail",
                  "textual-snapshot", "syrupy", "benchmark", "platformdirs"]


def run_tests_command(tests: list[str]) -> list[str]:
    """Tests run as cheaply as they can be: the first failure kills the mutant (-x); plain
    asserts, since cosmic-ray runs with PYTHONDONTWRITEBYTECODE and pytest would rewrite every
    test module and hypothesis again for each mutant (about 3 s of each run).  PYTHONPATH makes
    the programs the tests start import this tree's (mutated) modules, wherever the editable
    install points."""
    plugins = [arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")]
    return ["env", f"PYTHONPATH={ROOT}", sys.executable, "-m", "pytest", "-x", "-q", "--no-header",
            "--assert=plain", "-o", "addopts=", *plugins, *tests]


def test_command(module: str) -> str:
    """What cosmic-ray runs for each mutant: only the tests that ran the mutated statement."""
    return " ".join(["env", f"PYTHONPATH={ROOT}", sys.executable, str(Path(__file__).resolve()),
                     "--covering", module])


# -- which tests run a line ------------------------------------------------------------------
# The unmutated run of a module's tests records, test by test, the lines of the module each one
# runs (in this process: a program a test starts is not traced).  A mutant then runs only the
# tests that ran its statement, fastest first: a few instead of hundreds.  A statement run on
# import (a constant, a default, a decorator: the trace credits it to the one test that imported
# the module first), or one no test was seen running, gets every test.

_TRACED = os.environ.get("HSMSHELL_MUTATION_TRACE", "")
_lines: set[int] = set()
_seen: dict[str, list] = {}
_started: dict[str, float] = {}


def _trace_calls(frame, event, arg):
    if frame.f_code.co_filename == _TRACED:
        _lines.add(frame.f_lineno)
        return _trace_lines
    return None


def _trace_lines(frame, event, arg):
    if event == "line":
        _lines.add(frame.f_lineno)
    return _trace_lines


def _clear_caches() -> None:
    """A function cached with functools runs once a process: traced, it would be credited to
    the first test that asked, and its mutants run with that test only.  Cleared before each
    test, it runs (and is credited) wherever a test needs it."""
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == _TRACED:
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


# A mutant that makes a test loop for ever (a prime search that finds no prime) is killed at the
# test's own bound, ten times its unmutated time and half a minute, instead of at cosmic-ray's
# timeout of the whole run: minutes of each such mutant.  Set by `covering`.
_LIMIT = float(os.environ.get("HSMSHELL_MUTATION_TEST_LIMIT") or 0)


def _over_limit(signum, frame):
    raise TimeoutError(f"the test ran over {_LIMIT:.0f} s (benchmarks/mutation.py): a mutant that loops")


def pytest_runtest_setup(item):  # pytest hooks, loaded with -p mutation while tracing or limiting
    if _LIMIT:
        signal.signal(signal.SIGALRM, _over_limit)
        signal.setitimer(signal.ITIMER_REAL, _LIMIT)
    if _TRACED:
        _clear_caches()
        _lines.clear()
        _started[item.nodeid] = time.monotonic()
        import threading
        sys.settrace(_trace_calls)
        threading.settrace(_trace_calls)


def pytest_runtest_teardown(item):
    if _LIMIT:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if _TRACED:
        import threading
        sys.settrace(None)
        threading.settrace(None)
        _seen[item.nodeid] = [time.monotonic() - _started[item.nodeid], sorted(_lines)]


def pytest_sessionfinish(session):
    if _TRACED:
        Path(os.environ["HSMSHELL_MUTATION_LINES"]).write_text(json.dumps(_seen))


def lines_path(module: str) -> Path:
    return WORK / (module.removesuffix(".py").replace("/", ".") + ".lines.json")


def covering(module: str) -> int:
    """Run the tests that ran the statements the mutant on disk changed."""
    original = subprocess.run(["git", "show", f"HEAD:{module}"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    mutated = (ROOT / module).read_text()
    changed = set()
    matcher = difflib.SequenceMatcher(None, original.splitlines(), mutated.splitlines(), autojunk=False)
    for op, i1, i2, _, _ in matcher.get_opcodes():
        if op != "equal":
            changed.update(range(i1 + 1, max(i1, i2 - 1) + 2))
    seen = json.loads(lines_path(module).read_text())
    # A module the shells import lazily is imported by whichever test needs it first: the trace
    # shows that one test running its constants and signatures, which every test uses.  Then
    # every test runs, still the fastest first.
    everywhere = _run_on_import(original, changed)
    wanted = _statement_lines(original, changed)
    tests = sorted((t for t, (_, lines) in seen.items() if everywhere or wanted.intersection(lines)),
                   key=lambda t: seen[t][0])
    slowest = max((seen[t][0] for t in tests or seen), default=0.0)
    env = dict(os.environ, HSMSHELL_MUTATION_TEST_LIMIT=f"{30 + 10 * slowest:.0f}",
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")]))
    return subprocess.run([*run_tests_command(tests or TESTS[module])[2:], "-p", "mutation"], cwd=ROOT,
                          env=env).returncode


def _run_on_import(source: str, changed: set[int]) -> bool:
    """Is a changed line run when the module is imported: a module-level statement, a class
    body's, or a function's header (its decorators and defaults)?"""
    def on_import(body: list[ast.stmt]) -> bool:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                if any(first <= line < node.body[0].lineno for line in changed):
                    return True
            elif isinstance(node, ast.ClassDef):
                if on_import(node.body):
                    return True
            elif any(node.lineno <= line <= node.end_lineno for line in changed):
                return True
        return False
    return on_import(ast.parse(source).body)


def _statement_lines(source: str, changed: set[int]) -> set[int]:
    """The lines a trace shows when the changed lines' statements run: the innermost statement
    around each (a compound one by its header; a function also by its first line, which is
    where a call is seen)."""
    wanted = set(changed)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        end = (body[0].lineno - 1) if isinstance(body, list) and body else node.end_lineno
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        if any(first <= line <= end for line in changed):
            wanted.update(range(first, end + 1))
    return wanted


def session_paths(module: str) -> tuple[Path, Path]:
    name = module.removesuffix(".py").replace("/", ".")
    return WORK / f"{name}.toml", WORK / f"{name}.sqlite"


def write_config(module: str, timeout: float) -> Path:
    config, _ = session_paths(module)
    config.write_text(  # JSON strings are TOML basic strings
        f"[cosmic-ray]\nmodule-path = {json.dumps(module)}\ntimeout = {timeout:.0f}\n"
        f"excluded-modules = []\ntest-command = {json.dumps(test_command(module))}\n"
        "\n[cosmic-ray.distributor]\nname = \"local\"\n"
        f"\n[cosmic-ray.filters.operators-filter]\nexclude-operators = {json.dumps(EXCLUDED_OPERATORS)}\n")
    return config


def nice(*argv: str) -> list[str]:
    return ["nice", "-n", "19", *argv]


def tool(module: str) -> list[str]:
    """A cosmic-ray command, run by this Python (its console scripts may be another's)."""
    return [sys.executable, "-m", module]


def baseline(module: str) -> float:
    """The module's tests, unmutated and traced: they must pass; their time sets the timeout,
    and their trace which tests each mutant runs."""
    WORK.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HSMSHELL_MUTATION_TRACE=str(ROOT / module),
               HSMSHELL_MUTATION_LINES=str(lines_path(module)),
               PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")]))
    start = time.monotonic()
    done = subprocess.run(nice(*run_tests_command(TESTS[module])[2:], "-p", "mutation"), cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{module}: its tests fail unmutated, fix them first:\n{done.stdout[-3000:]}")
    return time.monotonic() - start


def run(module: str) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    config, session = session_paths(module)
    seconds = baseline(module)
    print(f"{module}: tests take {seconds:.1f} s unmutated ({', '.join(TESTS[module])})", flush=True)
    write_config(module, timeout=max(30.0, 4 * seconds))
    if not session.exists():
        _init(config, session)
        _source_path(module).write_text(_head_source(module))
    else:
        rebase(module)
    seed(module)
    source = ROOT / module
    original = source.read_bytes()
    done_before = _done(module)
    start = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` puts the module back
    try:
        subprocess.run(nice(*tool("cosmic_ray.cli"), "exec", str(config), str(session)), cwd=ROOT, check=True)
    finally:
        if source.read_bytes() != original:  # stopped half-way: never leave a mutant behind
            source.write_bytes(original)
            print(f"{module}: restored after an interrupted run", file=sys.stderr)
        _add_time(module, time.monotonic() - start, _done(module) - done_before)
        record(module)
    print(f"{module}: {time.monotonic() - start:.0f} s of mutants", flush=True)


def _init(config: Path, session: Path) -> None:
    subprocess.run([*tool("cosmic_ray.cli"), "init", str(config), str(session)], cwd=ROOT, check=True)
    subprocess.run([*tool("cosmic_ray.tools.filters.operators_filter"), str(session), str(config)], cwd=ROOT, check=True)


def _head_source(module: str) -> str:
    return subprocess.run(["git", "show", f"HEAD:{module}"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def _source_path(module: str) -> Path:
    """The module as its session's mutants were made from (cosmic-ray keeps only positions)."""
    return session_paths(module)[1].with_suffix(".source.py")


def rebase(module: str) -> None:
    """A session outlives edits to its module (a survivor's fix, someone else's change):
    cosmic-ray names a mutant by its operator and its rank among that operator's places, which
    an edit shifts.  The session is made again from the module as it is, and each result is
    carried over to the mutant of the same operator at the same place on a line the edit left
    alone; mutants on changed lines are pending again."""
    from cosmic_ray.work_db import WorkDB, use_db

    config, session = session_paths(module)
    before, now = _source_path(module), _head_source(module)
    if not before.exists():  # a session begun before sources were kept: taken as current
        before.write_text(now)
    if before.read_text() == now:
        return
    lines = {}
    old, new = before.read_text().splitlines(), now.splitlines()
    for op, i1, i2, j1, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            lines.update({i1 + k + 1: j1 + k + 1 for k in range(i2 - i1)})
    with use_db(str(session), WorkDB.Mode.open) as db:
        done = {item.job_id: result for item, result in db.completed_work_items}
        carried = {(m.operator_name, lines[m.start_pos[0]], m.start_pos[1]): done[item.job_id]
                   for item in db.work_items for m in item.mutations[:1]
                   if item.job_id in done and m.start_pos[0] in lines}
    fresh = session.with_suffix(".rebased.sqlite")
    fresh.unlink(missing_ok=True)
    _init(config, fresh)
    with use_db(str(fresh), WorkDB.Mode.open) as db:
        skipped = {item.job_id for item, _ in db.completed_work_items}
        for item in db.work_items:
            m = item.mutations[0]
            result = carried.get((m.operator_name, m.start_pos[0], m.start_pos[1]))
            if item.job_id not in skipped and result is not None:
                db.set_result(item.job_id, result)
    fresh.replace(session)
    before.write_text(now)
    print(f"{module}: changed since its session began; results on unchanged lines carried over", flush=True)


def _done(module: str) -> int:
    return sum(1 for outcome, *_ in results(module) if outcome not in ("pending", "skipped"))


def _add_time(module: str, seconds: float, mutants: int) -> None:
    """Seconds spent on the module's mutants so far, and how many ran: what the rest will cost."""
    ledger = _read_ledger(module)
    ledger["spent"]["seconds"] += seconds
    ledger["spent"]["mutants"] += mutants
    _write_ledger(module, ledger)


# -- the ledger: results that outlive the sessions -------------------------------------------

def ledger_path(module: str) -> Path:
    return LEDGER / (module.removesuffix(".py").replace("/", ".") + ".json")


def _read_ledger(module: str) -> dict:
    path = ledger_path(module)
    ledger = json.loads(path.read_text()) if path.exists() else {}
    ledger.setdefault("spent", {"seconds": 0.0, "mutants": 0})
    ledger.setdefault("results", [])
    return ledger


def _write_ledger(module: str, ledger: dict) -> None:
    """One result a line, sorted: a run's commit shows which mutants it judged."""
    LEDGER.mkdir(parents=True, exist_ok=True)
    rows = ",\n".join("  " + json.dumps(row) for row in sorted(ledger["results"], key=json.dumps))
    spent = {"seconds": round(ledger["spent"]["seconds"], 1), "mutants": ledger["spent"]["mutants"]}
    text = f'{{"module": {json.dumps(module)}, "spent": {json.dumps(spent)}, "results": [\n{rows}\n]}}\n'
    temporary = ledger_path(module).with_suffix(".tmp")
    temporary.write_text(text)
    temporary.replace(ledger_path(module))


def _places(source: str) -> dict[int, tuple[str, int]]:
    """Each line's text, and how many lines of the same text come before it."""
    seen: dict[str, int] = {}
    places = {}
    for number, text in enumerate(source.splitlines(), 1):
        places[number] = (text, seen.get(text, 0))
        seen[text] = places[number][1] + 1
    return places


def _places_of(source: str, items) -> dict[str, list]:
    """Each work item's mutant by its operator and where it is on its line's text, not by line
    number; mutants of one operator at one place (a number made one more, one less) by rank."""
    places = _places(source)
    found: dict[str, list] = {}
    taken: dict[str, int] = {}
    for item in sorted(items, key=lambda item: item.mutations[0].occurrence):
        mutation = item.mutations[0]
        (line, column), (end_line, end_column) = mutation.start_pos, mutation.end_pos
        place = [mutation.operator_name, *places[line], column, end_line - line, end_column]
        rank = taken[json.dumps(place)] = taken.get(json.dumps(place), -1) + 1
        found[item.job_id] = [*place, rank]
    return found


def record(module: str) -> None:
    """The session's results into the module's ledger (the places no longer in the module go)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome

    _, session = session_paths(module)
    rows = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        places = _places_of(_source_path(module).read_text(), db.work_items)
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:  # an operator left out: not a result
                continue
            outcome = [result.worker_outcome.value, result.test_outcome.value if result.test_outcome else None]
            survived = outcome == ["normal", "survived"]
            rows.append([*places[item.job_id], *outcome, result.diff if survived else None])
    ledger = _read_ledger(module)
    ledger["results"] = rows
    _write_ledger(module, ledger)


def seed(module: str) -> int:
    """The ledger's results into the module's session, for its pending mutants whose place
    (operator, line text, position on the line) the ledger judged: what earlier runs, on any
    machine, found.  Like a rebase, it trusts a result while its line is unchanged."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    known = {json.dumps(row[:7]): row[7:] for row in _read_ledger(module)["results"]}
    if not known:
        return 0
    _, session = session_paths(module)
    seeded = 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        judged = {item.job_id for item, _ in db.completed_work_items}
        places = _places_of(_source_path(module).read_text(), db.work_items)
        for item in db.work_items:
            found = known.get(json.dumps(places[item.job_id]))
            if item.job_id in judged or found is None:
                continue
            worker, test, diff = found
            db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome(worker), diff=diff,
                                                  test_outcome=TestOutcome(test) if test else None))
            seeded += 1
    return seeded


def _session_from_ledger(module: str) -> None:
    """A module with no session here but results in the ledger (a fresh checkout): a session
    made from the module as it is, with the ledger's results, so that --report and --again
    read it as any other."""
    config, session = session_paths(module)
    if session.exists() or not ledger_path(module).exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    write_config(module, timeout=30.0)
    _init(config, session)
    _source_path(module).write_text(_head_source(module))
    print(f"{module}: {seed(module)} results from {ledger_path(module).relative_to(ROOT)}", flush=True)


def again(module: str) -> None:
    """The survivors of the module's session run again, with the tests as they are now (after a
    test was added to kill them)."""
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db

    _session_from_ledger(module)
    config, session = session_paths(module)
    seconds = baseline(module)
    write_config(module, timeout=max(30.0, 4 * seconds))
    rebase(module)
    seed(module)
    survivors = [item for outcome, item, _ in results(module) if outcome == "survived"]
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in survivors:
            db.set_result(item.job_id, mutate_and_test(item.mutations, "nice -n 19 " + test_command(module),
                                                       max(30.0, 4 * seconds)))
    record(module)
    print(f"{module}: {len(survivors)} survivors run again", flush=True)


# -- reading the sessions --------------------------------------------------------------------

def results(module: str):
    """(outcome, work item, diff) of every mutant of the module's session; outcome is killed,
    survived, equivalent, skipped, incompetent or pending."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    _, session = session_paths(module)
    if not session.exists():
        return
    annotations = _annotations(module)
    with use_db(str(session), WorkDB.Mode.open) as db:
        done = {item.job_id: (item, result) for item, result in db.completed_work_items}
        for item in db.work_items:
            if item.job_id not in done:
                yield "pending", item, ""
                continue
            result = done[item.job_id][1]
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                yield "skipped", item, ""
            elif result.worker_outcome != WorkerOutcome.NORMAL or result.test_outcome == TestOutcome.INCOMPETENT:
                yield "incompetent", item, result.diff or result.output or ""
            elif result.test_outcome == TestOutcome.KILLED:
                yield "killed", item, ""
            else:
                mutation = item.mutations[0]
                why = equivalent(module, mutation.operator_name, _mutated_line(result.diff or "")) or next(
                    ("in an annotation, which nothing evaluates" for start, end in annotations
                     if start <= tuple(mutation.start_pos) and tuple(mutation.end_pos) <= end), None)
                yield ("equivalent" if why else "survived"), item, why or result.diff


def _annotations(module: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's annotations are, when `from __future__ import annotations` makes them
    strings nothing evaluates: a mutant there (`str | None` to `str & None`) changes nothing.
    Read from the source the session's mutants were made from (their positions are in it; the
    module may have changed since), else from the last commit, since the file on disk may be a
    mutant while a run goes on."""
    kept = _source_path(module)
    source = kept.read_text() if kept.exists() else subprocess.run(
        ["git", "show", f"HEAD:{module}"], cwd=ROOT, capture_output=True, text=True).stdout
    if "from __future__ import annotations" not in source:
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            found += [node.returns] + [x.annotation for x in [*a.posonlyargs, *a.args, *a.kwonlyargs,
                                                              a.vararg, a.kwarg] if x is not None]
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in found if n is not None]


def _mutated_line(diff: str) -> str:
    """The source line a mutant changed, as written (the module on disk may be a mutant now)."""
    return next((l[1:].strip() for l in diff.splitlines()
                 if l.startswith("-") and not l.startswith("---") and l[1:].strip()), "")


def equivalent(module: str, operator: str, line: str) -> str | None:
    return next((why for m, o, text, why in EQUIVALENT if (m, o, text) == (module, operator, line)), None)


def report(modules: list[str]) -> None:
    packages: dict[str, dict[str, int]] = {}
    survivors: list[str] = []
    incompetent: list[str] = []
    not_run: list[str] = []
    for module in modules:
        _session_from_ledger(module)
        counts = {k: 0 for k in ("killed", "survived", "equivalent", "incompetent", "skipped", "pending")}
        for outcome, item, detail in results(module):
            counts[outcome] += 1
            mutation = item.mutations[0]
            if outcome == "survived":
                survivors.append(f"{module}:{mutation.start_pos[0]}  {mutation.operator_name} "
                                 f"(occurrence {mutation.occurrence})\n{_diff_body(detail)}")
            elif outcome == "incompetent":  # no verdict: say why, so it is not taken for a kill
                # (so far all cosmic-ray's ExceptionReplacer, which cannot replace a dotted name
                # such as msgspec.DecodeError in an except clause)
                why = next((l.strip() for l in reversed(detail.splitlines()) if l.strip()), "")
                incompetent.append(f"{module}:{mutation.start_pos[0]}  {mutation.operator_name}: {why}")
        if sum(counts.values()) == 0:
            not_run.append(module)
            continue
        print(f"{module:42} {_ratio(counts)}{_pace(module, counts['pending'])}")
        package = str(Path(module).parent) if not module.startswith("hsmshell/testing") else module
        totals = packages.setdefault(package, {k: 0 for k in counts})
        for k, v in counts.items():
            totals[k] += v
    print()
    for package, counts in packages.items():
        print(f"{package:42} {_ratio(counts)}")
    if not_run:
        print(f"\nNot run ({len(not_run)}): {' '.join(not_run)}")
    if incompetent:
        print(f"\nMutants that could not be made or run, neither killed nor survived ({len(incompetent)}):\n")
        print("\n".join(incompetent))
    if survivors:
        print(f"\nSurviving mutants ({len(survivors)}):\n")
        print("\n".join(survivors))


def _pace(module: str, pending: int) -> str:
    """Seconds per mutant so far, niced on this machine, and what the pending ones will take."""
    spent = _read_ledger(module)["spent"]
    if not spent["mutants"]:
        return ""
    each = spent["seconds"] / spent["mutants"]
    return f"  {each:.1f} s/mutant" + (f", about {pending * each / 60:.0f} min to go" if pending else "")


def _ratio(c: dict[str, int]) -> str:
    judged = c["killed"] + c["survived"]
    ratio = f"{100 * c['killed'] / judged:5.1f}%" if judged else "    -"
    return (f"killed {c['killed']:4}/{judged:<4} {ratio}  equivalent {c['equivalent']}  "
            f"incompetent {c['incompetent']}  pending {c['pending']}  (operators left out: {c['skipped']})")


def _diff_body(diff: str) -> str:
    return "\n".join("    " + l for l in diff.splitlines() if re.match(r"[-+](?![-+]{2})", l))


def plan(modules: list[str]) -> None:
    """Each module's tests and their time, and how many mutants its session will run."""
    total = 0.0
    for module in modules:
        seconds = baseline(module)
        WORK.mkdir(parents=True, exist_ok=True)
        config = write_config(module, timeout=max(30.0, 4 * seconds))
        _, session = session_paths(module)
        scratch = WORK / "plan.sqlite"
        scratch.unlink(missing_ok=True)
        _init(config, scratch)
        mutants = sum(1 for outcome, *_ in _results_of(scratch, module) if outcome == "pending")
        scratch.unlink()
        # A killed mutant stops at its first failing test: about half the time of the tests.
        total += mutants * seconds * 0.6
        print(f"{module:42} {mutants:5} mutants, tests {seconds:5.1f} s", flush=True)
    print(f"\nestimate: about {total / 3600:.1f} h on this machine, niced")


def _results_of(session: Path, module: str):
    from cosmic_ray.work_db import WorkDB, use_db

    with use_db(str(session), WorkDB.Mode.open) as db:
        skipped = {item.job_id for item, _ in db.completed_work_items}
        for item in db.work_items:
            yield ("skipped" if item.job_id in skipped else "pending"), item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: every module in TESTS)")
    parser.add_argument("--report", action="store_true", help="print what the sessions found, run nothing")
    parser.add_argument("--plan", action="store_true", help="count mutants and time each module's tests")
    parser.add_argument("--covering", metavar="MODULE", help=argparse.SUPPRESS)  # cosmic-ray's test command
    parser.add_argument("--again", action="store_true",
                        help="run the survivors of the sessions again (after adding tests), then report")
    args = parser.parse_args()
    if args.covering:
        sys.exit(covering(args.covering))
    modules = args.modules or list(TESTS)
    unknown = [m for m in modules if m not in TESTS]
    if unknown:
        sys.exit(f"no tests are mapped for {', '.join(unknown)}: add them to TESTS")
    os.chdir(ROOT)
    if args.plan:
        plan(modules)
        return
    for module in modules:
        if args.again:
            again(module)
        elif not args.report:
            run(module)
    report(modules)


if __name__ == "__main__":
    main()
