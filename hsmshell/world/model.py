"""The simulated universe as plain data.

Everything the real services would remember lives here: clusters and the contents of each
HSM, backups, KMS custom key stores and keys, CloudTrail events, open sessions, injected
faults, the clock and the id seed.  No rules live here; the services (cloudhsm/, kms/,
cloudhsmv2/) decide what may change and how.

Users are kept per HSM because the real cluster does not synchronise them: a change made
while one HSM is unreachable leaves that node behind.  Keys are kept once per cluster with the
set of HSMs that hold them, because the cluster does synchronise keys; storing each key once
keeps a world at the HSM's full capacity (3,300 keys) small.

The annotations here are evaluated as the classes are made (no `from __future__ import
annotations`): msgspec's decoder and the codec read them in every process that opens a world,
and an annotation kept as a string is compiled at each reading (40 ms of a single command).
So a class is defined before the classes that name it.
"""

from typing import Annotated, Any, ClassVar, TypedDict

import msgspec
from msgspec import field

from .trail_log import Trail

# Every number with a fraction in the world is a number of seconds (a time or a delay): finite,
# and within the years a clock can show.  The codec holds a world file to it; msgspec a derived
# cache, which reads this annotation (the codec and the emitter see a plain float).
SECONDS_LIMIT = 32503680000.0  # 3000-01-01: past any clock a lab moves, within what dates can show
Seconds = Annotated[float, msgspec.Meta(ge=-SECONDS_LIMIT, le=SECONDS_LIMIT)]

USER_TYPES = ("CO", "CU", "AU", "PRECO", "PCO")

# Connection states of a custom key store (kms-spec §2).
CONNECTED = "CONNECTED"
CONNECTING = "CONNECTING"
DISCONNECTED = "DISCONNECTED"
DISCONNECTING = "DISCONNECTING"
FAILED = "FAILED"

TRAIL_LIMIT = 1000  # the default of Settings.trail_limit


class Record(msgspec.Struct, forbid_unknown_fields=True):
    """A part of the world: a msgspec Struct, not a dataclass.  A full hsm2m.medium is about a
    hundred thousand of them (16,666 keys, 3,072 users); a Struct is decoded from the derived
    cache in about half a dataclass's time, and its class made in microseconds where a
    dataclass's costs a shell's start-up about a millisecond each.  Key and User, the bulk,
    are not tracked by the garbage collector (gc=False): the world is a tree, so they are in
    no cycle."""


class User(Record, gc=False):
    """One user as one HSM knows it."""

    user_id: int
    user_type: str
    name: str
    password_hash: str
    failed_logins: int = 0
    locked: bool = False
    mofn_pub_key: bool = False
    two_factor: bool = False
    quorum_pub_key: str | None = None  # PEM registered with registerQuorumPubKey


class Key(Record, gc=False):
    """A key object in a cluster; `hsms` lists the HSMs that hold a copy."""

    handle: int
    owner: int
    key_class: int  # OBJ_ATTR_CLASS: 2 public, 3 private, 4 secret
    key_type: int  # OBJ_ATTR_KEY_TYPE: 0 RSA, 1 DSA, 3 EC, 16 generic, 21 3DES, 31 AES
    size: int  # OBJ_ATTR_VALUE_LEN in bytes (modulus bits for RSA)
    label: str = ""
    hsms: list[str] = field(default_factory=list)
    shared_with: list[int] = field(default_factory=list)
    token: bool = True
    extractable: bool = True
    attributes: dict[int, int | str] = field(default_factory=dict)  # other OBJ_ATTR_* by id
    material: str | None = None  # sealed key material; generated on first use when absent
    session_id: str | None = None  # session keys belong to one login session
    m_value: int = 0  # approvals a key's own quorum needs (KMU -m_value); 0 for none


class QuorumToken(Record):
    """A quorum token one HSM issued to a CMU login (getToken), with the crypto officers who
    have approved it so far.  It is good for one operation of its service, in that login only."""

    token_id: int
    service: int
    node: int  # the HSM's node id in its cluster, as the token shows it
    user: str
    session_id: str
    issued: Seconds
    nonce: str  # makes each token's text unique, so an approval cannot be replayed
    key_handle: int = 0
    approvers: list[str] = field(default_factory=list)


class Hsm(Record):
    hsm_id: str
    availability_zone: str
    subnet_id: str
    eni_id: str
    eni_ip: str
    state: str = "ACTIVE"
    reachable: bool = True
    users: list[User] = field(default_factory=list)
    # Quorum policy is the HSM's own, like its users: service number -> m value (1 when absent).
    m_values: dict[int, int] = field(default_factory=dict)
    next_user_id: int = 0  # ids are not reused after a deletion; 0 until a user is created
    tokens: list[QuorumToken] = field(default_factory=list)
    next_token_id: int = 1


class TrustAnchor(Record):
    """A certificate registered for mutual TLS between the client and the HSMs
    (`cluster mtls register-trust-anchor`)."""

    certificate_reference: str  # "0x01", "0x02"
    certificate: str  # PEM


class Cluster(Record):
    cluster_id: str
    state: str
    hsm_type: str
    vpc_id: str
    subnets: dict[str, str]  # availability zone -> subnet id
    security_group: str
    lineage: str  # identity of the cluster certificate: shared by related clusters
    trust_anchor: str = ""
    # The SignedCert given to InitializeCluster (PEM); the certificates of the HSMs and their
    # makers are derived on demand (cloudhsmv2/certificates.py), not kept here.  None (left
    # out of the world file) until a cluster is initialized through the API.
    cluster_certificate: str | None = None
    create_timestamp: Seconds = 0.0
    source_backup_id: str | None = None
    backup_retention_days: int = 90
    hsms: list[Hsm] = field(default_factory=list)
    keys: dict[int, Key] = field(default_factory=dict)
    next_handle: int = 262145
    mtls_trust_anchors: dict[str, TrustAnchor] = field(default_factory=dict)
    mtls_enforcement: str = "none"  # or "cluster": every connection must use mTLS
    tags: dict[str, str] = field(default_factory=dict)  # CloudHSM v2 tags: Key -> Value
    # FIPS or NON_FIPS (CreateCluster's Mode).  None (left out of the world file): FIPS
    # (cloudhsmv2/clusters.py mode_of).
    mode: str | None = None
    # Until when a migration to hsm2m.medium may be rolled back (HsmTypeRollbackExpiration);
    # None (left out) for a cluster never migrated or rolled back since.
    hsm_type_rollback_expiration: Seconds | None = None


class Backup(Record):
    backup_id: str
    cluster_id: str
    create_timestamp: Seconds
    lineage: str
    state: str = "READY"
    never_expires: bool = False
    delete_timestamp: Seconds | None = None
    source_backup_id: str | None = None
    users: list[User] = field(default_factory=list)  # one HSM's users at backup time
    keys: dict[int, Key] = field(default_factory=dict)
    next_handle: int = 262145
    tags: dict[str, str] = field(default_factory=dict)
    resource_policy: str | None = None  # PutResourcePolicy: who the backup is shared with
    # The HSM type and mode of the cluster backed up.  None (left out of the world file): its
    # cluster's, or hsm1.medium FIPS once that is gone (cloudhsmv2/backups.py).
    hsm_type: str | None = None
    mode: str | None = None


class CustomKeyStore(Record):
    custom_key_store_id: str
    custom_key_store_name: str
    cloud_hsm_cluster_id: str
    trust_anchor_certificate: str
    key_store_password: str  # sealed: KMS's copy of the kmsuser password
    creation_date: Seconds
    connection_state: str = DISCONNECTED
    connection_error_code: str | None = None
    kms_session_id: str | None = None  # KMS's own kmsuser login while connected


class Rotation(TypedDict):
    """One rotation of an AWS_KMS key's material (ListKeyRotations).  Plain data, like a key's
    attributes: a key holding no items of its own is written whole or not at all."""

    rotation_date: Seconds
    rotation_type: str  # AUTOMATIC | ON_DEMAND


class KmsKey(Record):
    key_id: str
    custom_key_store_id: str  # "" for a key outside custom key stores (origin AWS_KMS)
    creation_date: Seconds
    backing_key_handle: int  # 0 for a key outside custom key stores
    description: str = ""
    enabled: bool = True  # the underlying state; the displayed state is derived
    deletion_date: Seconds | None = None
    # The key policy as given to CreateKey or PutKeyPolicy; None (left out of the file): the
    # default key policy AWS documents (kms/policies.py).
    policy: str | None = None
    tags: dict[str, str] = field(default_factory=dict)  # TagKey -> TagValue
    origin: str = "AWS_CLOUDHSM"  # or AWS_KMS: key material KMS keeps itself
    # AWS_KMS keys only: their key material, sealed, oldest first (each rotation adds one, and
    # ciphertext made under an older one still decrypts), and their rotation.
    materials: list[str] = field(default_factory=list)
    rotation_period_days: int | None = None  # None: automatic rotation off
    rotations: list[Rotation] = field(default_factory=list)


class Grant(Record):
    """A grant on a KMS key (CreateGrant): who may use the key for which operations, under
    which encryption context, and who may retire the grant."""

    grant_id: str
    key_id: str
    grantee_principal: str
    operations: list[str]
    creation_date: Seconds
    grant_token: str  # the token CreateGrant returned: good in GrantTokens and RetireGrant
    retiring_principal: str | None = None
    name: str | None = None
    issuing_account: str = ""
    encryption_context_subset: dict[str, str] | None = None
    encryption_context_equals: dict[str, str] | None = None


class Alias(Record):
    alias_name: str  # alias/...
    target_key_id: str
    creation_date: Seconds
    last_updated_date: Seconds


class TrailConfiguration(Record):
    """A CloudTrail trail (CreateTrail): where CloudTrail would deliver the events, and whether
    it logs.  The events themselves are kept beside the world whatever the trails say."""

    name: str
    s3_bucket_name: str
    created: Seconds
    s3_key_prefix: str | None = None
    is_multi_region_trail: bool = False
    include_global_service_events: bool = True
    log_file_validation_enabled: bool = False
    is_logging: bool = False  # a new trail logs once StartLogging is called
    start_logging_time: Seconds | None = None
    stop_logging_time: Seconds | None = None


class Session(Record):
    """A login held by a tool: a shell process, or KMS itself."""

    session_id: str
    tool: str  # cloudhsm_mgmt_util | key_mgmt_util | kms
    cluster_id: str
    user_name: str
    user_type: str
    hsms: list[str]
    started: Seconds
    pid: int | None = None  # None for KMS, which no process owns
    pid_start: int | None = None  # process start time, so a reused pid is not mistaken


class Due(Record):
    """Something the real service does later, settled by the first transaction after `at`."""

    at: Seconds
    kind: str  # one the services declare (due.Transition); a hand-edited unknown one is refused
    args: dict[str, str] = field(default_factory=dict)  # the ids it acts on, by name


class _FaultKind(TypedDict):
    kind: str  # subnet_deleted | subnet_full | connect_error


class Fault(_FaultKind, total=False):
    """A fault injected by `hsmshell fault` (cloudhsmv2/faults.py).  A plain mapping in memory,
    typed here so that a hand-edited one is checked like every other value."""

    subnet_id: str
    code: str  # a connection error code
    until: Seconds  # transient: ends by itself at this time
    times: int  # the next attempts only
    custom_key_store_id: str  # only this key store


class Clock(Record):
    offset: Seconds = 0.0  # seconds added to real time
    frozen_at: Seconds | None = None  # when set, time stands still here


class Ids(Record):
    seed: int | None = None  # with a seed, ids, handles, passwords are reproducible
    counter: int = 0


class Settings(Record):
    connect_delay: Seconds = 0.0  # seconds a ConnectCustomKeyStore takes to finish
    disconnect_delay: Seconds = 0.0
    lockout_threshold: int = 5  # failed logins per HSM that lock a user
    password_cost: int = 14  # log2 of scrypt's n; test worlds may lower it
    trail_limit: int = TRAIL_LIMIT  # CloudTrail events kept (in the log beside the world)
    control_plane_delay: Seconds = 0.0  # seconds a CloudHSM cluster, HSM or backup change takes
    # The account's quota of HSMs in the Region, all clusters' together: AWS's default (the
    # CloudHSM User Guide's quotas page), which an account raises through Service Quotas.
    hsms_per_region: int = 6
    # KMS evaluates key policies and grants for the principal a request is signed as; off, every
    # caller may do everything, as the range did before it knew policies.
    enforce_key_policies: bool = False


class CliCluster(Record):
    """One cluster of the CloudHSM CLI's configuration (`/opt/cloudhsm/etc/cloudhsm-cli.cfg`),
    as `configure-cli` writes it: the HSM addresses given (the client finds the rest of the
    cluster from one), the cluster they belong to, whether the key-availability check is
    off (`--disable-key-availability-check`), and the client certificate for mTLS."""

    cluster_id: str  # "" when no HSM answers at the address `-a` gave
    hsm_addresses: list[str] = field(default_factory=list)
    disable_key_availability_check: bool = False
    # mTLS to this cluster's HSMs (`configure-cli --client-cert-hsm-tls-file ...
    # --client-key-hsm-tls-file ...`): the client's certificate, PEM.  GAP: the real file holds
    # the two files' paths and the client reads them when it connects; the host's files are not
    # part of the world, so the range keeps the certificate itself.
    client_certificate: str | None = None


class CliConfig(Record):
    """`/opt/cloudhsm/etc/cloudhsm-cli.cfg`: the clusters the CloudHSM CLI may run against.
    No clusters is the file as installed, still holding its `%%HSM_IP_ADDRESS%%` placeholder."""

    clusters: list[CliCluster] = field(default_factory=list)


class Client(Record):
    """The simulated client host, as `/opt/cloudhsm/bin/configure` leaves it: the cluster its
    client daemon found (key_mgmt_util's way in), and CMU's config file."""

    cluster_id: str  # "" when no HSM answers at the daemon's configured address
    cmu_servers: list[str] = field(default_factory=list)  # hostnames in config order
    # Which CMU build the host runs: its CAUTION banner is worded "current" (CloudHSM User
    # Guide) or "legacy" ("Cav server does NOT synchronize...", as the KMS runbook shows).
    cmu_banner: str = "current"
    # Which SDK 3 client release the host runs: `documented` prints what the User Guide's
    # examples show, a release number ("3.4.4") what that release prints (cloudhsm.client_versions).
    sdk3_version: str = "documented"
    # Client SDK 5's cloudhsm-cli.cfg.  Left out (None): the host was configured for both
    # generations at once, so the CLI reaches the cluster `cluster_id` names (GAP: a choice for
    # worlds written before SDK 5; `configure-cli` writes the file).
    cli: CliConfig | None = None
    # The AWS CLI's major version on the host, 1 or 2: what `aws` prints in a tab and a
    # transcript.  Left out (None): 2, what operators install today.
    aws_cli: int | None = None


class World(msgspec.Struct, forbid_unknown_fields=True, eq=False):
    """The whole world: a Struct like its parts (a dataclass would bring the dataclasses module,
    and with it inspect and ast, into every start-up).  Three fields are not saved (`not_saved`):
    the codec leaves them out of the file, and cache.pack blanks them.  Two worlds are equal
    when what they save is."""

    not_saved: ClassVar[tuple[str, ...]] = ("sealer", "trail", "made_on_first_use")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, World):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name)
                   for name in self.__struct_fields__ if name not in self.not_saved)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # changeable, as a dataclass's

    client: Client
    account_id: str = "111122223333"
    region: str = "us-west-2"
    revision: int = 0
    clock: Clock = field(default_factory=Clock)
    ids: Ids = field(default_factory=Ids)
    settings: Settings = field(default_factory=Settings)
    clusters: dict[str, Cluster] = field(default_factory=dict)
    backups: dict[str, Backup] = field(default_factory=dict)
    custom_key_stores: dict[str, CustomKeyStore] = field(default_factory=dict)
    kms_keys: dict[str, KmsKey] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    due: list[Due] = field(default_factory=list)
    aliases: dict[str, Alias] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    trails: dict[str, TrailConfiguration] = field(default_factory=dict)
    # Who signs the AWS requests: access key ID -> IAM principal ARN (kms/access.py).  Empty:
    # the one access key `hsmshell env` prints, as the account's user Alice.
    principals: dict[str, str] = field(default_factory=dict)
    # `<lab>:<token>` while the world is the one a training lab set up; a world made again
    # (`world init`, a fixture copied by hand) has none, and `hsmshell fault` marks it
    # `tampered:...`: a lab's check holds only for a repair of its own world.
    lab_stamp: str | None = None
    # The era the world lives in (generation.py): left out, the Client SDK 3 era that the KMS
    # runbook and the SDK 3 tools' pages show; `current`, today's AWS.
    generation: str | None = None
    # Not saved: opens sealed secrets; the store sets it from the key file beside the world.
    sealer: Any = None
    # Not saved in the world file: CloudTrail's events, which the store keeps in a log beside
    # it (`trail_log.py`).  A fixture may still list events under `trail:`; they start the log.
    trail: Any = field(default_factory=lambda: Trail([], TRAIL_LIMIT))
    # Not saved: set by a transaction that made key material on first use (cloudhsm/keys.py),
    # which even a read must then write (Store._commit); each transaction starts it false.
    made_on_first_use: bool = False
