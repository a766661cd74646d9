"""The AWS CLI's two major versions: what differs between them in what a KMS, CloudHSM v2 or
CloudTrail command line reads, prints and exits with.

Version 1 is aws-cli 1.45.11 (the differential tests pin it), whose models are botocore's;
version 2 is aws-cli 2.9.19, Debian 12's `awscli` package (its differential tests run it when it
is installed), with older models (`v2_models.py`).  v2 prints timestamps as ISO 8601 in the
local time zone (`cli_timestamp_format = iso8601`, its default), reads blob arguments as base64
(`--cli-binary-format base64`, its default), adds `--output yaml` and `yaml-stream`, the pager
and its own exit statuses (awscli/constants.py: 252 for a command line it cannot read, 253 for
configuration, 254 for the service's errors, 255 for the rest).  Not emulated (GAP):
`--cli-auto-prompt` (an interactive prompt), the profile's `cli_pager`, `cli_binary_format` and
`cli_timestamp_format` settings (hsmshell aws reads no config file), and botocore's minimum
checks on numbers and string lengths (neither version: the operation tables carry no minimums).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import v2_models

HELP_BLURB = ("To see help text, you can run:\n"
              "\n"
              "  aws help\n"
              "  aws <command> help\n"
              "  aws <command> <subcommand> help\n")

COMMON_VALUE_OPTIONS = ("--region", "--profile", "--endpoint-url", "--output", "--query",
                        "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--color")
COMMON_FLAGS = ("--debug", "--no-verify-ssl", "--no-paginate", "--no-sign-request")
BINARY_FORMATS = ("base64", "raw-in-base64-out")


@dataclass(frozen=True)
class Version:
    major: int
    release: str  # the release emulated, byte for byte
    usage: str  # what an argument error starts with
    outputs: tuple[str, ...]
    value_options: frozenset[str]
    flags: frozenset[str]
    usage_status: int  # argparse's errors: a missing argument, a bad choice
    unknown_status: int  # words no option takes
    param_status: int  # a value the CLI or botocore cannot use
    client_status: int  # the service's error

    def usage_error(self, message: str) -> str:
        """argparse's `error()`: `aws: error: ...` after the usage."""
        if self.major == 1:
            return self.usage + f"aws: error: {message}\n"
        return "\n" + self.usage + "\n" + f"aws: error: {message}\n" + "\n"

    def unknown_options(self, words: list[str]) -> str:
        if self.major == 1:
            return self.usage + f"\nUnknown options: {', '.join(words)}\n"
        # v2's UnknownArgumentErrorHandler: a blank line either side
        return "\n" + self.usage + f"\nUnknown options: {', '.join(words)}\n" + "\n"

    def no_paginate_with(self, options: list[str]) -> str:
        lead = "Error during pagination: " if self.major == 1 else ""
        return f"{lead}Cannot specify --no-paginate along with pagination arguments: {', '.join(options)}"

    def knows(self, service: str, operation: str) -> bool:
        """Whether the release's models have the operation (v2's are older than botocore's)."""
        return self.major == 1 or operation not in v2_models.OPERATIONS_MISSING.get(service, ())

    def arguments(self, service: str, operation: str, arguments: list) -> list:
        """A command's (option, member, kind, required) in this release: v2's older models take
        fewer options and require some others."""
        if self.major == 1:
            return arguments
        lacking = v2_models.ARGUMENTS_MISSING.get(service, {}).get(operation, ())
        required = v2_models.ARGUMENTS_REQUIRED.get(service, {}).get(operation)
        return [(option, member, kind, member in required if required is not None else needed)
                for option, member, kind, needed in arguments if member not in lacking]

    def parsed(self, response: dict, service: str, operation: str) -> dict:
        """A response as the CLI's parser leaves it.  v1 prints it as sent (timestamps in epoch
        seconds).  v2 prints timestamps as ISO 8601 in the local time zone (botocore's parser,
        then `datetime.isoformat`), and drops the members its older models lack."""
        if self.major == 1:
            return response
        for path in v2_models.MEMBERS_MISSING.get(service, {}).get(operation, ()):
            response = _without(response, path)
        return _iso_timestamps(response)


def _without(data, path: tuple[str, ...]):
    first, rest = path[0], path[1:]
    if first == "[]":
        return [_without(item, rest) for item in data] if isinstance(data, list) else data
    if not isinstance(data, dict):
        return data
    if first == "{}":
        return {key: _without(value, rest) for key, value in data.items()}
    if first not in data:
        return data
    if not rest:
        return {key: value for key, value in data.items() if key != first}
    return {**data, first: _without(data[first], rest)}


def _iso_timestamps(data):
    if isinstance(data, dict):
        return {key: _iso(value) if key in TIMESTAMP_MEMBERS else _iso_timestamps(value)
                for key, value in data.items()}
    if isinstance(data, list):
        return [_iso_timestamps(item) for item in data]
    return data


def _iso(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc).astimezone().isoformat()


# The timestamp members of the output shapes of KMS, CloudHSM v2 and CloudTrail (botocore's
# models; tests/aws/test_versions.py checks this against them): no member of those names is
# anything else.
TIMESTAMP_MEMBERS = frozenset({
    # kms
    "CreationDate", "DeletionDate", "KeyCreationDate", "LastUpdatedDate", "NextRotationDate",
    "OnDemandRotationStartDate", "ParametersValidTo", "RotationDate", "Timestamp",
    "TrackingStartDate", "ValidTo",
    # cloudhsmv2
    "CopyTimestamp", "CreateTimestamp", "DeleteTimestamp", "HsmTypeRollbackExpiration",
    # cloudtrail
    "CreatedTimestamp", "CreationTime", "EndEventTime", "EventTime", "LastUpdatedTime",
    "LatestCloudWatchLogsDeliveryTime", "LatestDeliveryTime", "LatestDigestDeliveryTime",
    "LatestIngestionAttemptTime", "LatestIngestionSuccessTime", "LatestNotificationTime",
    "StartEventTime", "StartLoggingTime", "StopLoggingTime", "UpdatedTimestamp",
    "ValidityEndTime", "ValidityStartTime",
})


V1 = Version(
    major=1,
    release="1.45.11",
    usage=("usage: \rNote: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and "
           "recommended for general use. For more information, see the AWS CLI version 2 installation "
           "instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html\n"
           "\n"
           "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n" + HELP_BLURB),
    outputs=("json", "text", "table"),
    value_options=frozenset(COMMON_VALUE_OPTIONS),
    flags=frozenset(COMMON_FLAGS),
    usage_status=2, unknown_status=255, param_status=255, client_status=255,
)

V2 = Version(
    major=2,
    release=v2_models.RELEASE,
    usage="usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n" + HELP_BLURB,
    outputs=("json", "text", "table", "yaml", "yaml-stream"),
    value_options=frozenset(COMMON_VALUE_OPTIONS + ("--cli-binary-format",)),
    # --cli-auto-prompt is left out: it opens an interactive prompt (GAP: not emulated).
    flags=frozenset(COMMON_FLAGS + ("--no-cli-pager", "--no-cli-auto-prompt")),
    usage_status=252, unknown_status=252, param_status=252, client_status=254,
)

VERSIONS = {1: V1, 2: V2}
DEFAULT = V2  # what operators install today; v1 is in maintenance


def of(major: int | None) -> Version:
    return VERSIONS.get(major, DEFAULT) if major is not None else DEFAULT
