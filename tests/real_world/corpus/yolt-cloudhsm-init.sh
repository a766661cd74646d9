# source: https://github.com/Yolt-group/aws-cloudhsm-scripts/blob/863cf739d0ac125bcc33f9dfa6065deb64e214ef/bin/cloudhsm-init.sh
#   trimmed: its two `openssl verify` chains (they need AWS_CloudHSM_Root-G1.crt and
#   liquid_security_certificate.crt, which the User Guide has you download and no world holds),
#   and the Vault signing and initialize-cluster lines after the public-key check, are cut;
#   one block is added after the `tee`: bash does not wait for `>(...)` process substitutions,
#   so `openssl` can read a certificate before its `jq` has written it (CI lost that race on
#   2 busy cores); the block waits for the four files, as the author's run had them
# version: Client SDK 3 era, AWS CLI v1/v2 (2023)
# world: worlds/uninitialized-1hsm.yaml
# env: VAULT_ADDR=https://vault.example
# env: SECURITY_TARGET=example
# file: opt/cloudhsm/etc/token = s.token
# replay: => exit 0
# calls: `aws cloudhsmv2 --output=json describe-clusters --filters=states=UNINITIALIZED`
#   (global option before the operation, `--opt=value` forms)
# waits-for: the public key of `.Certificates.ClusterCsr` equals that of `.Certificates.HsmCertificate`
#   (`openssl req -pubkey` vs `openssl x509 -pubkey`), else "Identified difference in pub keys! Exiting" 
# --- as the author ran it, cut only where the header says ---
#!/bin/bash

set -x
set -eo pipefail

DATA=/opt/cloudhsm/data

function check_env {
  if [ -z "${!1}" ]; then
    echo $1 undefined
    exit 1
  fi
}

check_env VAULT_ADDR
check_env SECURITY_TARGET

export VAULT_TOKEN=$(cat /opt/cloudhsm/etc/token)

# Get cloudhsm clusters that are uninitialized.
CLUSTERS=$(aws cloudhsmv2 --output=json describe-clusters --filters=states=UNINITIALIZED)
if ! echo $CLUSTERS | jq -e -r ".Clusters[0]" ; then
  echo "No unitialized custers found."
  exit 1
fi

CLUSTER_ID=$(echo $CLUSTERS | jq -e -r ".Clusters[0].ClusterId")
if [ -z "$CLUSTER_ID" ]; then
  echo No uninitialized clusters found.
  exit 1
fi

# Get certificates from uninitialized cluster.
echo $CLUSTERS | jq -e '.Clusters[0]' | tee \
  >(jq -e -r ".Certificates.ClusterCsr" > $DATA/ClusterCsr.csr) \
  >(jq -e -r '.Certificates.HsmCertificate' > $DATA/HsmCertificate.crt) \
  >(jq -e -r '.Certificates.AwsHardwareCertificate' > $DATA/AwsHardwareCertificate.crt) \
  >(jq -e -r '.Certificates.ManufacturerHardwareCertificate' > $DATA/ManufacturerHardwareCertificate.crt)
  >/dev/null
# hsmshell corpus: added (see the header), at most 10 s
for _ in $(seq 200); do
  [ -s $DATA/ClusterCsr.csr ] && [ -s $DATA/HsmCertificate.crt ] && [ -s $DATA/AwsHardwareCertificate.crt ] \
    && [ -s $DATA/ManufacturerHardwareCertificate.crt ] && break
  sleep 0.05
done

# Verify pub keys are the same.
openssl x509 -in $DATA/HsmCertificate.crt -pubkey -noout > $DATA/HsmCertificate.pub
openssl req -in $DATA/ClusterCsr.csr -pubkey -noout > $DATA/ClusterCsr.pub
if ! diff $DATA/HsmCertificate.pub $DATA/ClusterCsr.pub >/dev/null ; then
  echo "Identified difference in pub keys! Exiting"
  exit 1
fi

