# source: https://github.com/stormreply/cloudhsm-demo/blob/1a89fb0698490893b149a4bb2632a962b1bb90c1/scripts/01-create-certificates.sh
# version: Client SDK 5 (CloudHSM CLI), AWS CLI v2; Terraform cloud-init parts (controller-userdata.tf) filled by templatefile()
# world: worlds/uninitialized-hsm2m.yaml
# env: cluster_id=cluster-4xyqjlt6oiq
# replay: => exit 0
# calls: `aws cloudhsmv2 describe-clusters --filters clusterIds=<id> --query 'Clusters[].Certificates.ClusterCsr' --output text`
#   until the CSR is not empty; then signs it with a new customerCA (openssl x509 -req)
# --- as the author ran it, cut only where the header says ---
#!/bin/bash

echo "BEGIN -- $(basename $0)"

# cluster_id=$1

touch ClusterCsr.csr

# get cluster CSR
while [ $(cat ClusterCsr.csr | wc -c) -eq 0 ] ; do
    sleep 1
    aws cloudhsmv2 describe-clusters \
    --filters clusterIds=${cluster_id} \
    --query 'Clusters[].Certificates.ClusterCsr' \
    --output text \
    > ClusterCsr.csr
done

# create customerCA
openssl req \
    -x509 \
    -nodes \
    -days 3652 \
    -newkey rsa:4096 \
    -subj "/O=ACME Examples, Inc/CN=example.com" \
    -keyout customerCA.key \
    -out customerCA.crt

# create CustomerHsmCertificate
openssl x509 \
    -req \
    -days 3652 \
    -in ClusterCsr.csr \
    -CA customerCA.crt \
    -CAkey customerCA.key \
    -CAcreateserial \
    -out CustomerHsmCertificate.crt

echo "END ---- $(basename $0)"
