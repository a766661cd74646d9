# source: https://github.com/Yolt-group/aws-cloudhsm-scripts/blob/863cf739d0ac125bcc33f9dfa6065deb64e214ef/bin/configure-clients.sh
#   trimmed: the trust-store copy and the two jq rewrites of files under /opt/cloudhsm/etc_original
#   are cut; what is left asks the AWS CLI for the active HSMs' addresses; `echo` added to show them
# version: 2023, AWS CLI
# world: worlds/active-3hsm.yaml
# provides: configure-clients.sh
# replay: => exit 0
# calls: `aws cloudhsmv2 --filters=states=ACTIVE --output=json describe-clusters`
#   (global options and `--filters=` before the operation)
# then: HSM_ADDRESSES is `10.0.2.9,10.0.3.11,10.0.1.12`
# --- as the author ran it, cut only where the header says ---
#!/bin/bash

set -e

# Create management config with all HSM addresses.
HSM_ADDRESSES=$(aws cloudhsmv2 --filters=states=ACTIVE --output=json describe-clusters | jq -r '.Clusters | sort_by(.CreateTimestamp) | .[0].Hsms | map(select (.State == "ACTIVE")) | map(.EniIp) | join(",")')
unset HTTPS_PROXY

echo "$HSM_ADDRESSES"
