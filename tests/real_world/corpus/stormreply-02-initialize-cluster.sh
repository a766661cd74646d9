# source: https://github.com/stormreply/cloudhsm-demo/blob/1a89fb0698490893b149a4bb2632a962b1bb90c1/scripts/02-initialize-cluster.sh
# version: Client SDK 5 (CloudHSM CLI), AWS CLI v2; Terraform cloud-init parts (controller-userdata.tf) filled by templatefile()
# world: worlds/uninitialized-hsm2m.yaml
# after: stormreply-01-create-certificates.sh
# env: cluster_id=cluster-4xyqjlt6oiq
# replay: => exit 0
# calls: `aws cloudhsmv2 initialize-cluster --signed-cert file://CustomerHsmCertificate.crt --trust-anchor file://customerCA.crt`
# waits-for: `--query 'Clusters[].State' --output text` printing INITIALIZED
# --- as the author ran it, cut only where the header says ---
#!/bin/bash

echo "BEGIN -- $(basename $0)"

# cluster_id=$1

# initialize cluster
aws cloudhsmv2 initialize-cluster \
    --cluster-id ${cluster_id} \
    --signed-cert file://CustomerHsmCertificate.crt \
    --trust-anchor file://customerCA.crt

# wait for initialization
while [ "$CLUSTER_STATE" != "INITIALIZED" ] ; do
    sleep 1
    CLUSTER_STATE=$(
    aws cloudhsmv2 describe-clusters \
        --filters clusterIds=${cluster_id} \
        --query 'Clusters[].State' \
        --output text
    )
done

echo "END ---- $(basename $0)"
