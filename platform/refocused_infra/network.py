"""The VPC: public and private subnets in two zones, an internet gateway, and a NAT instance.

A NAT instance rather than a NAT gateway: at this scale the gateway's hourly charge dominates
the bill, and one small instance forwards what the private subnets send out.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from . import policies
from .settings import NetworkSettings

HTTPS = 443
HTTP = 80
POSTGRES = 5432
REDIS = 6379

SSM_AGENT_ACTIONS = (
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
)

# Turns the instance into a router, as AWS's NAT-instance guide does on Amazon Linux 2023:
# forward packets, masquerade the VPC's traffic behind the instance's address, and drop the
# iptables-services default that rejects forwarded packets. The retries cover the seconds before
# the instance's public address answers.
NAT_USER_DATA = """#!/bin/bash
set -euo pipefail
for attempt in $(seq 1 30); do dnf install -y iptables-services && break; sleep 10; done
systemctl enable --now iptables
echo "net.ipv4.ip_forward = 1" > /etc/sysctl.d/90-nat.conf
sysctl --system
IFACE=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -A POSTROUTING -o "$IFACE" -s {vpc_cidr} -j MASQUERADE
iptables -F FORWARD
iptables -A FORWARD -s {vpc_cidr} -j ACCEPT
iptables -A FORWARD -d {vpc_cidr} -m state --state ESTABLISHED,RELATED -j ACCEPT
service iptables save
# Patched without anyone logging in: dnf-automatic applies security updates daily, and a weekly
# timer reboots only when an update needs it (a kernel or glibc), at 04:30 UTC on Sundays, when
# the private subnets' egress can spare the minute a reboot takes. The SSM agent (part of Amazon
# Linux 2023) registers through the instance profile, for Session Manager.
for attempt in $(seq 1 30); do dnf install -y dnf-automatic && break; sleep 10; done
sed -i 's/^upgrade_type.*/upgrade_type = security/; s/^apply_updates.*/apply_updates = yes/' \
  /etc/dnf/automatic.conf
systemctl enable --now dnf-automatic.timer
cat > /etc/systemd/system/nat-reboot-if-needed.service <<'UNIT'
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'dnf needs-restarting -r || systemctl reboot'
UNIT
cat > /etc/systemd/system/nat-reboot-if-needed.timer <<'UNIT'
[Timer]
OnCalendar=Sun *-*-* 04:30:00 UTC
[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now nat-reboot-if-needed.timer amazon-ssm-agent
"""


@dataclass(frozen=True)
class NetworkArgs:
    prefix: str
    settings: NetworkSettings


def subnet_cidrs(vpc_cidr: str) -> tuple[list[str], list[str]]:
    """Splits the VPC into /4-smaller blocks: the first two public, the next two private."""
    blocks = list(ipaddress.ip_network(vpc_cidr).subnets(prefixlen_diff=4))
    return [str(b) for b in blocks[:2]], [str(b) for b in blocks[2:4]]


def outbound(
    port: int, cidr_blocks: list[str], description: str
) -> aws.ec2.SecurityGroupEgressArgsDict:
    return {
        "protocol": "tcp",
        "from_port": port,
        "to_port": port,
        "cidr_blocks": cidr_blocks,
        "description": description,
    }


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    app_security_group: aws.ec2.SecurityGroup
    nat_instance: aws.ec2.Instance

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("refocused:platform:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        settings = args.settings
        public_cidrs, private_cidrs = subnet_cidrs(settings.vpc_cidr)

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=settings.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{args.prefix}-vpc"},
            opts=child,
        )
        gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags={"Name": f"{args.prefix}-igw"}, opts=child
        )

        self.public_subnets = []
        self.private_subnets = []
        for index, zone in enumerate(settings.availability_zones):
            self.public_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-public-{index}",
                    vpc_id=self.vpc.id,
                    cidr_block=public_cidrs[index],
                    availability_zone=zone,
                    # Only the NAT instance launches here, and it asks for its address itself.
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{args.prefix}-public-{zone}", "tier": "public"},
                    opts=child,
                )
            )
            self.private_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-private-{index}",
                    vpc_id=self.vpc.id,
                    cidr_block=private_cidrs[index],
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{args.prefix}-private-{zone}", "tier": "private"},
                    opts=child,
                )
            )

        public_routes = aws.ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
            tags={"Name": f"{args.prefix}-public"},
            opts=child,
        )
        for index, subnet in enumerate(self.public_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-rta-{index}",
                subnet_id=subnet.id,
                route_table_id=public_routes.id,
                opts=child,
            )

        nat_security_group = aws.ec2.SecurityGroup(
            f"{name}-nat-sg",
            vpc_id=self.vpc.id,
            description="NAT instance: forwards traffic from the private subnets only",
            ingress=[
                {
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_blocks": private_cidrs,
                    "description": "everything the private subnets send out",
                }
            ],
            egress=[
                outbound(port, ["0.0.0.0/0"], f"forwarded outbound tcp/{port}")
                for port in (HTTPS, HTTP)
            ],
            tags={"Name": f"{args.prefix}-nat"},
            opts=child,
        )
        ami = aws.ssm.get_parameter_output(
            name=settings.nat_ami_parameter, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        nat_role = aws.iam.Role(
            f"{name}-nat-role",
            assume_role_policy=policies.assume_role("ec2.amazonaws.com"),
            opts=child,
        )
        # What the SSM agent needs to register and to open Session Manager channels (the core
        # of AWS's AmazonSSMManagedInstanceCore, written here so the IAM tests read it). These
        # services take no resource-level permissions for these actions: "*" is the only form.
        aws.iam.RolePolicy(
            f"{name}-nat-ssm",
            role=nat_role.id,
            policy=policies.document([policies.statement(SSM_AGENT_ACTIONS, ["*"])]),
            opts=child,
        )
        nat_profile = aws.iam.InstanceProfile(f"{name}-nat-profile", role=nat_role.id, opts=child)
        self.nat_instance = aws.ec2.Instance(
            f"{name}-nat",
            # An instance profile's id is its name.
            iam_instance_profile=nat_profile.id,
            ami=ami.value,
            instance_type=settings.nat_instance_type,
            subnet_id=self.public_subnets[0].id,
            # Reaches the package repositories at boot; the Elastic IP replaces it once attached.
            associate_public_ip_address=True,
            vpc_security_group_ids=[nat_security_group.id],
            # A router forwards packets addressed to others, which EC2 drops unless this is off.
            source_dest_check=False,
            user_data=NAT_USER_DATA.replace("{vpc_cidr}", settings.vpc_cidr),
            user_data_replace_on_change=True,
            metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
            root_block_device={"encrypted": True, "volume_type": "gp3", "volume_size": 8},
            tags={"Name": f"{args.prefix}-nat"},
            # A newer AMI must not replace the router under a running service; patch it by
            # replacing it deliberately (`pulumi up --replace`).
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["ami"]),
        )
        aws.ec2.Eip(
            f"{name}-nat-eip",
            domain="vpc",
            instance=self.nat_instance.id,
            tags={"Name": f"{args.prefix}-nat"},
            opts=child,
        )

        private_routes = aws.ec2.RouteTable(
            f"{name}-private-rt",
            vpc_id=self.vpc.id,
            routes=[
                {
                    "cidr_block": "0.0.0.0/0",
                    "network_interface_id": self.nat_instance.primary_network_interface_id,
                }
            ],
            tags={"Name": f"{args.prefix}-private"},
            opts=child,
        )
        for index, subnet in enumerate(self.private_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-private-rta-{index}",
                subnet_id=subnet.id,
                route_table_id=private_routes.id,
                opts=child,
            )

        # The App Runner VPC connector's group: the one source the database and cache admit.
        self.app_security_group = aws.ec2.SecurityGroup(
            f"{name}-app-sg",
            vpc_id=self.vpc.id,
            description="App Runner VPC connector: reaches the data tier and, via NAT, the web",
            egress=[
                outbound(POSTGRES, [settings.vpc_cidr], "the database"),
                outbound(REDIS, [settings.vpc_cidr], "the cache"),
                outbound(HTTPS, ["0.0.0.0/0"], "AWS APIs and identity providers, via NAT"),
            ],
            tags={"Name": f"{args.prefix}-app"},
            opts=child,
        )

        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "private_subnet_ids": [s.id for s in self.private_subnets],
                "public_subnet_ids": [s.id for s in self.public_subnets],
                "nat_instance_id": self.nat_instance.id,
            }
        )
