"""Every text the CloudHSM CLI prints that is not JSON data of a success, in one place.

Documented texts are copied from the reference (cloudhsm-cli-spec §8).  Texts marked GAP are
not in any stored source: they are our choice, kept here so a real capture can replace them
without touching the commands.
"""

PROMPT = "aws-cloudhsm > "
ENTER_PASSWORD = "Enter password:"
CONFIRM_PASSWORD = "Confirm password:"
SIGNED_TOKEN_PATH = "Enter signed token file path (press enter if same as the unsigned token file):"
PUBLIC_KEY_PATH = "Enter public key PEM file path:"

# -- documented (cloudhsm-cli-spec §1.3, §3-§8) -----------------------------------------------------
LOGOUT_SUCCESSFUL = "Logout successful"
CLUSTER_ACTIVATED = "Cluster activation successful"
CLUSTER_ALREADY_ACTIVATED = "Cluster has already been activated"
QUORUM_REQUIRED = "Quorum approval is required for this operation"
USER_DOES_NOT_EXIST = "Specified user does not exist"
USER_INCONSISTENT = "Specified user is inconsistent across the cluster"
SET_QUORUM_VALUE_SUCCESSFUL = "Set Quorum Value successful"
QUORUM_TOKENS_DELETED = "Deletion of quorum token(s) successful"
KEY_DELETED = "Key deleted successfully"
KEY_SHARED = "Key shared successfully"
KEY_UNSHARED = "Key unshared successfully"
ATTRIBUTE_SET = "Attribute set successfully"
KEY_NOT_SYNCHRONIZED = "The selected key is not synchronized throughout the cluster"
SIGNATURE_VERIFIED = "Signature verified successfully"
SIGNATURE_FAILED = "Signature verification failed"
TRUST_ANCHOR_EXISTS = "Invalid Certificate: Trust anchor already exists."
TRUST_ANCHORS_FULL = "Maximum number of certificates registered."
CERTIFICATE_TOO_LONG = "Oversized Certificate: Certificate is too long"
MTLS_NOT_MTLS = "Failed to set the mtls enforcement. Current connection must be mtls to set this enforcement."
MTLS_ADMIN_ONLY = "An Admin must be logged in to set policy on an HSM"
MTLS_LAST_ANCHOR = "Cannot deregister the last trust anchor while mtls enforcement is set to cluster"  # GAP
HSM_DISCONNECTED = 'Error: "HSM is disconnected"'  # mTLS enforced, no client certificate: not JSON
CONFIG_HOSTNAME_INVALID = "Config key hostname has invalid value"


def trust_anchor_deregistered(reference: str) -> str:
    return f"Trust anchor with reference {reference} deregistered successfully"


def mtls_level_set(level: str) -> str:
    return f"Mtls enforcement level set to {level.capitalize()} successfully"


def replicate_failed(what: str, failed: int, total: int) -> str:
    return f"{what} replicate failed on {failed} of {total} connections"


# -- GAP: no stored source shows these ------------------------------------------------------
USER_ALREADY_EXISTS = "User already exists"  # GAP: AWS's sample script matches *"User already exists"*
LOGIN_FAILED = "Unable to log in: invalid username, role or password"  # GAP
USER_LOCKED = "Unable to log in: the user is locked out. An admin must reset the password"  # GAP
ALREADY_LOGGED_IN = "A user is already logged in. Log out before logging in again"  # GAP
NOT_LOGGED_IN = "You must be logged in to run this command"  # GAP
NOT_LOGGED_IN_LOGOUT = "No user is logged in"  # GAP
PERMISSION_DENIED = "The logged in user does not have permission to run this command"  # GAP
USER_LOGGED_IN = "Cannot perform this operation on a user who is currently logged in to the cluster"  # GAP
USER_OWNS_KEYS = "Cannot delete a user who owns keys"  # GAP
PASSWORDS_DIFFER = "Passwords do not match"  # GAP
BAD_PASSWORD = "Password must be 7-32 characters"  # GAP (the docs give the rule only)
BAD_USERNAME = ("Username must be 1-31 characters; only alphanumeric characters and "
                "underscore are allowed")  # GAP
NO_KEY_MATCHED = "No key matched the filter"  # GAP
MANY_KEYS_MATCHED = "More than one key matched the filter. Refine the filter to select one key"  # GAP
BAD_FILTER = "Invalid filter: {}"  # GAP
KEY_ACCESS_DENIED = "Only the owner of the key can perform this operation"  # GAP
KEY_NOT_EXTRACTABLE = "The key is not extractable"  # GAP
INVALID_KEY_FOR_OPERATION = "The key cannot be used for this operation"  # GAP
INVALID_ATTRIBUTE = "The attribute cannot be set to this value"  # GAP
INVALID_PARAMETER = "Invalid value for {}"  # GAP
SERVER_UNAVAILABLE = "No HSM of the cluster is reachable"  # GAP
NO_SUCH_CLUSTER = "Cluster {} is not in the configuration file"  # GAP
CLUSTER_ID_NEEDED = "More than one cluster is configured: give --cluster-id"  # GAP
NOT_UNACTIVATED = "Cluster activation must be done by the unactivated admin"  # GAP
FILE_UNREADABLE = "Unable to read file {}: {}"  # GAP
FILE_UNWRITABLE = "Unable to write file {}: {}"  # GAP
BAD_QUORUM_TOKEN = "Invalid quorum token"  # GAP
QUORUM_TOKEN_EXISTS = "A quorum token for this user and service already exists"  # GAP
BAD_LINE = "error: unmatched quote in the command line"  # GAP: the interactive line's quoting error
# GAP: a full cluster's refusals (cloudhsm/quotas.py).
KEY_LIMIT = "The cluster has reached its maximum number of keys"
ASYMMETRIC_KEY_LIMIT = "The cluster has reached its maximum number of asymmetric keys"
USER_LIMIT = "The cluster has reached its maximum number of users"
INTERNAL = "Internal error: {}"  # GAP: never expected; keeps a traceback from the operator
