# source: https://github.com/stormreply/cloudhsm-demo/blob/1a89fb0698490893b149a4bb2632a962b1bb90c1/scripts/05-create-kmsuser.sh
# version: Client SDK 5 (CloudHSM CLI), AWS CLI v2; Terraform cloud-init parts (controller-userdata.tf) filled by templatefile()
# world: worlds/uninitialized-hsm2m.yaml
# after: stormreply-01-create-certificates.sh stormreply-02-initialize-cluster.sh stormreply-04-activate-cluster.sh
# env: admin_password=Adm1nPassword
# env: kmsuser_password=KmsUserPassw0rd
# replay: => exit 0
# calls: `cloudhsm-cli user create --username kmsuser --role crypto-user --password ...` with
#   CLOUDHSM_ROLE=admin and CLOUDHSM_PIN=admin:<pw> in the environment
# then: kmsuser is a crypto user
# --- as the author ran it, cut only where the header says ---
#!/bin/bash -x

echo "BEGIN -- $(basename $0)"

# create kmsuser
export CLOUDHSM_ROLE=admin
export CLOUDHSM_PIN="admin:${admin_password}"

/opt/cloudhsm/bin/cloudhsm-cli user create \
  --username kmsuser \
  --role crypto-user \
  --password "${kmsuser_password}"

echo "END ---- $(basename $0)"
