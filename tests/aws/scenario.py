"""The command lines both real-CLI differentials run, written once: test_differential.py runs
them through AWS CLI v1, test_real_cli_v2.py through v2, each among lines of its own (what the
two versions read differently: blobs, `--output yaml`).  `{name}` fields are files each test
makes (`{policy}`, `{plain}`, ...); `{{` is a literal brace."""

from __future__ import annotations

from hsmshell.aws.tables import COMMANDS

STORE = "cks-1234567890abcdef0"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
CLUSTER = "cluster-1a23b4cdefg"
BOB = "arn:aws:iam::111122223333:user/Bob"
BACKUP_ARN = "arn:aws:cloudhsm:us-west-2:111122223333:backup/backup-9g87f6edcba"

# Key policies, grants, tags, aliases, rotation and the operations a custom key store's keys
# refuse, in an order whose state changes the later lines see (blobs valid in both versions:
# `--message hello` is not base64, and both CLIs say so).
KEY_ADMINISTRATION = [
    f"kms update-alias --alias-name alias/example --target-key-id {KEY}",
    "kms delete-alias --alias-name alias/nope",
    f"kms update-key-description --key-id {KEY} --description rehearsed",
    f"kms get-key-policy --key-id {KEY} --policy-name default --output text",
    f"kms list-key-policies --key-id {KEY}",
    f"kms put-key-policy --key-id {KEY} --policy-name default --policy file://{{policy}}",
    f"kms put-key-policy --key-id {KEY} --policy {{{{}}}}",
    f"kms create-grant --key-id {KEY} --grantee-principal {BOB} --retiring-principal {BOB} --operations Encrypt Decrypt --query length(GrantToken)",
    f"kms create-grant --key-id {KEY} --grantee-principal {BOB} --operations Sign",
    f"kms list-grants --key-id {KEY} --query Grants[].[GranteePrincipal,Operations]",
    f"kms list-retirable-grants --retiring-principal {BOB} --query Grants[].KeyId",
    f"kms retire-grant --key-id {KEY} --grant-id nope",
    f"kms revoke-grant --key-id {KEY} --grant-id {'0' * 64}",
    f"kms tag-resource --key-id {KEY} --tags TagKey=team,TagValue=pay TagKey=env,TagValue=lab",
    f"kms untag-resource --key-id {KEY} --tag-keys env",
    f"kms list-resource-tags --key-id {KEY}",
    f"kms get-key-last-usage --key-id {KEY} --query KeyLastUsage.Operation",
    "kms create-key --description standard --query KeyMetadata.[Origin,KeyState,Description]",
    f"kms enable-key-rotation --key-id {KEY} --rotation-period-in-days 90",
    f"kms disable-key-rotation --key-id {KEY}",
    f"kms get-key-rotation-status --key-id {KEY}",
    f"kms list-key-rotations --key-id {KEY}",
    f"kms rotate-key-on-demand --key-id {KEY}",
    f"kms get-parameters-for-import --key-id {KEY} --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_4096",
    f"kms import-key-material --key-id {KEY} --import-token token --encrypted-key-material material",
    f"kms delete-imported-key-material --key-id {KEY}",
    f"kms generate-data-key-pair --key-id {KEY} --key-pair-spec RSA_2048",
    f"kms generate-data-key-pair-without-plaintext --key-id {KEY} --key-pair-spec ECC_NIST_P256",
    f"kms sign --key-id {KEY} --message hello --signing-algorithm RSASSA_PSS_SHA_256",
    f"kms verify --key-id {KEY} --message hello --signature sig --signing-algorithm ECDSA_SHA_256",
    f"kms generate-mac --key-id {KEY} --message hello --mac-algorithm HMAC_SHA_256",
    f"kms verify-mac --key-id {KEY} --message hello --mac mac --mac-algorithm HMAC_SHA_256",
    f"kms derive-shared-secret --key-id {KEY} --key-agreement-algorithm ECDH --public-key pub",
    f"kms get-public-key --key-id {KEY}",
    f"kms replicate-key --key-id {KEY} --replica-region us-east-1",
    f"kms update-primary-region --key-id {KEY} --primary-region us-east-1",
    f"kms sign --key-id {KEY} --signing-algorithm RSASSA_PSS_SHA_256",
]

# CloudHSM v2 tags, resource policies and backup copies.
CLUSTER_RESOURCES = [
    f"cloudhsmv2 tag-resource --resource-id {CLUSTER} --tag-list Key=team,Value=pki",
    f"cloudhsmv2 untag-resource --resource-id {CLUSTER} --tag-key-list nothing",
    f"cloudhsmv2 list-tags --resource-id {CLUSTER}",
    f"cloudhsmv2 put-resource-policy --resource-arn {BACKUP_ARN} --policy file://{{policy}} --query ResourceArn",
    f"cloudhsmv2 get-resource-policy --resource-arn {BACKUP_ARN} --query length(Policy)",
    f"cloudhsmv2 delete-resource-policy --resource-arn arn:aws:cloudhsm:us-west-2:111122223333:cluster/{CLUSTER}",
    "cloudhsmv2 copy-backup-to-region --backup-id backup-9g87f6edcba --destination-region us-east-1",
]

# CloudTrail trails, from creation to a second deletion.
TRAILS = [
    "cloudtrail create-trail --name management --s3-bucket-name audit-logs --is-multi-region-trail",
    "cloudtrail create-trail --name bad..name --s3-bucket-name audit-logs",
    "cloudtrail start-logging --name management",
    "cloudtrail get-trail-status --name management --query IsLogging",
    "cloudtrail stop-logging --name arn:aws:cloudtrail:us-west-2:111122223333:trail/management",
    "cloudtrail describe-trails",
    "cloudtrail delete-trail --name management",
    "cloudtrail delete-trail --name management",
]


def missing_commands(scenario: list[str]) -> list[str]:
    """The `hsmshell aws` commands no line of `scenario` runs."""
    used = {tuple(line.split()[:2]) for line in scenario}
    return [f"{service} {name}" for service, names in COMMANDS.items() for name in names
            if (service, name) not in used]
