# source: https://github.com/stormreply/cloudhsm-demo/blob/1a89fb0698490893b149a4bb2632a962b1bb90c1/local-exec/wait-keystore-disconnected.sh
# version: Client SDK 5 (CloudHSM CLI), AWS CLI v2; Terraform cloud-init parts (controller-userdata.tf) filled by templatefile() (run by Terraform's local-exec)
# world: default
# replay: cks-1234567890abcdef0 => exit 0
# waits-for: `aws kms describe-custom-key-stores --custom-key-store-id <id> --query 'CustomKeyStores[].ConnectionState' --output text` printing DISCONNECTED
# --- as the author ran it, cut only where the header says ---
#!/bin/bash -x

echo "BEGIN -- $(basename $0)"

keystore_id=$1

echo "disconnecting - can take up to 30mins"

aws kms disconnect-custom-key-store --custom-key-store-id "${keystore_id}"

while [ "$CONNECTION_STATE" != "DISCONNECTED" ] ; do
    sleep 10
    CONNECTION_STATE=$(
    aws kms describe-custom-key-stores \
        --custom-key-store-id "${keystore_id}" \
        --query 'CustomKeyStores[].ConnectionState' \
        --output text \
    2> /dev/null
    )
    echo state: $CONNECTION_STATE
done

echo "END ---- $(basename $0)"
