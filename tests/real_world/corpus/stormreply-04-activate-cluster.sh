# source: https://github.com/stormreply/cloudhsm-demo/blob/1a89fb0698490893b149a4bb2632a962b1bb90c1/scripts/04-activate-cluster.sh
# version: Client SDK 5 (CloudHSM CLI), AWS CLI v2; Terraform cloud-init parts (controller-userdata.tf) filled by templatefile()
# world: worlds/uninitialized-hsm2m.yaml
# after: stormreply-01-create-certificates.sh stormreply-02-initialize-cluster.sh
# env: ip_address=10.0.1.87
# env: password=Adm1nPassword
# replay: => exit 0
# calls: `sudo /opt/cloudhsm/bin/configure-cli -a <ip>` and `sudo /opt/cloudhsm/bin/cloudhsm-cli cluster activate --password "<pw>"`
#   (`cp customerCA.crt /home/ec2-user/customerCA.crt` fails here as it would without that user; the script goes on)
# --- as the author ran it, cut only where the header says ---
#!/bin/bash -x

echo "BEGIN -- $(basename $0)"

# copy customerCA.crt to config location for configure- and cloudhsm-cli
cp customerCA.crt /opt/cloudhsm/etc/customerCA.crt

# copy customerCA.crt to /home/ec2-user for later download
cp customerCA.crt /home/ec2-user/customerCA.crt

# activate cluster
sudo /opt/cloudhsm/bin/configure-cli -a ${ip_address}
sudo /opt/cloudhsm/bin/cloudhsm-cli cluster activate --password "${password}"

cat /opt/cloudhsm/etc/cloudhsm-cli.cfg

echo "END ---- $(basename $0)"
