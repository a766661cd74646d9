# source: https://github.com/stormreply/cloudhsm-demo/blob/1a89fb0698490893b149a4bb2632a962b1bb90c1/local-exec/wait-cluster-active.sh
# version: Client SDK 5 (CloudHSM CLI), AWS CLI v2; Terraform cloud-init parts (controller-userdata.tf) filled by templatefile() (run by Terraform's local-exec)
# world: worlds/uninitialized-hsm2m.yaml
# after: stormreply-01-create-certificates.sh stormreply-02-initialize-cluster.sh stormreply-04-activate-cluster.sh
# replay: cluster-4xyqjlt6oiq => exit 0
# waits-for: `aws cloudhsmv2 describe-clusters --filters clusterIds=<id> --query 'Clusters[].State' --output text` printing ACTIVE
#   (`sleep` is instant in the replay)
# --- as the author ran it, cut only where the header says ---

#!/bin/bash -x

echo "BEGIN -- $(basename $0)"

cluster_id=$1

slept=0

while [ "$CLUSTER_STATE" != "ACTIVE" -a $slept -lt $((30 * 60)) ] ; do
    sleep 10
    CLUSTER_STATE=$(
    aws cloudhsmv2 describe-clusters \
        --filters clusterIds=${cluster_id} \
        --query 'Clusters[].State' \
        --output text
    )
    echo current status: $CLUSTER_STATE
    slept=$((slept + 10))
done

if [ "$CLUSTER_STATE" != "ACTIVE" ] ; then
    echo "cluster $cluster_id did not reach ACTIVE state. exiting."
    exit 1
fi

echo "END ---- $(basename $0)"
