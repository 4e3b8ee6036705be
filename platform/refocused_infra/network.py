"""The VPC: public and private subnets in two zones, an internet gateway, and a NAT instance.

A NAT instance rather than a NAT gateway: at this scale the gateway's hourly charge dominates
the bill, and one small instance forwards what the private subnets send out.
"""

from __future__ import annotations

import base64
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
#: The longest a NAT instance lives before the group replaces it (EC2 Auto Scaling's
#: max_instance_lifetime): a week.
NAT_LIFETIME_S = 7 * 24 * 3600

NAT_USER_DATA = """#!/bin/bash
set -euo pipefail
TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token \\
  -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
INSTANCE=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" \\
  http://169.254.169.254/latest/meta-data/instance-id)
aws ec2 modify-instance-attribute --instance-id "$INSTANCE" --no-source-dest-check
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
# Forwarding: take the stack's address and the private subnets' route from the instance before.
aws ec2 associate-address --allocation-id {allocation_id} --instance-id "$INSTANCE" \\
  --allow-reassociation
aws ec2 replace-route --route-table-id {route_table_id} --destination-cidr-block 0.0.0.0/0 \\
  --instance-id "$INSTANCE" \\
  || aws ec2 create-route --route-table-id {route_table_id} --destination-cidr-block 0.0.0.0/0 \\
  --instance-id "$INSTANCE"
"""


def nat_user_data(vpc_cidr: str, route_table_id: str, allocation_id: str) -> str:
    return (
        NAT_USER_DATA.replace("{vpc_cidr}", vpc_cidr)
        .replace("{route_table_id}", route_table_id)
        .replace("{allocation_id}", allocation_id)
    )


@dataclass(frozen=True)
class NetworkArgs:
    prefix: str
    settings: NetworkSettings
    account_id: pulumi.Input[str]
    region: str


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
    nat_group: aws.autoscaling.Group
    nat_address: aws.ec2.Eip

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
        # The private subnets' default route is the NAT instance's to write: each instance takes
        # it at boot, once it forwards (the program declares the table, not that route).
        private_routes = aws.ec2.RouteTable(
            f"{name}-private-rt",
            vpc_id=self.vpc.id,
            tags={"Name": f"{args.prefix}-private"},
            opts=child,
        )
        self.nat_address = aws.ec2.Eip(
            f"{name}-nat-eip", domain="vpc", tags={"Name": f"{args.prefix}-nat"}, opts=child
        )
        nat_name = f"{args.prefix}-nat"
        account, region = args.account_id, args.region
        instances = pulumi.Output.concat("arn:aws:ec2:", region, ":", account, ":instance/*")
        own_instance = {"StringEquals": {"ec2:ResourceTag/Name": nat_name}}
        aws.iam.RolePolicy(
            f"{name}-nat-takeover",
            role=nat_role.id,
            policy=policies.document(
                [
                    policies.statement(
                        ["ec2:CreateRoute", "ec2:ReplaceRoute"],
                        [private_routes.arn],
                        sid="TakeThePrivateSubnetsRoute",
                    ),
                    policies.statement(
                        ["ec2:AssociateAddress"],
                        [
                            pulumi.Output.concat(
                                "arn:aws:ec2:",
                                region,
                                ":",
                                account,
                                ":elastic-ip/",
                                self.nat_address.allocation_id,
                            ),
                            instances,
                        ],
                        sid="TakeTheNatAddress",
                    ),
                    policies.statement(
                        ["ec2:ModifyInstanceAttribute"],
                        [instances],
                        sid="StopCheckingItsOwnSourceAndDestination",
                        condition=own_instance,
                    ),
                ]
            ),
            opts=child,
        )
        template = aws.ec2.LaunchTemplate(
            f"{name}-nat-template",
            name_prefix=f"{nat_name}-",
            # Resolved at each launch: every replacement starts from the current patched AMI.
            image_id=f"resolve:ssm:{settings.nat_ami_parameter}",
            instance_type=settings.nat_instance_type,
            iam_instance_profile={"arn": nat_profile.arn},
            # Reaches the package repositories at boot; the Elastic IP replaces it once taken.
            network_interfaces=[
                {
                    "associate_public_ip_address": "true",
                    "security_groups": [nat_security_group.id],
                    "delete_on_termination": "true",
                }
            ],
            user_data=pulumi.Output.all(private_routes.id, self.nat_address.allocation_id).apply(
                lambda values: base64.b64encode(
                    nat_user_data(settings.vpc_cidr, values[0], values[1]).encode()
                ).decode()
            ),
            metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
            block_device_mappings=[
                {
                    "device_name": "/dev/xvda",
                    "ebs": {"encrypted": "true", "volume_type": "gp3", "volume_size": 8},
                }
            ],
            tag_specifications=[{"resource_type": "instance", "tags": {"Name": nat_name}}],
            update_default_version=True,
            opts=child,
        )
        # A group of one: EC2's status checks replace a failed instance, and no instance lives
        # longer than NAT_LIFETIME_S, so the router is rebuilt weekly from the current AMI. A
        # replacement starts before the old one stops (maintenance policy 100-200 %) and takes
        # the route and the address when it forwards.
        self.nat_group = aws.autoscaling.Group(
            f"{name}-nat",
            name=nat_name,
            min_size=1,
            max_size=1,
            desired_capacity=1,
            vpc_zone_identifiers=[subnet.id for subnet in self.public_subnets],
            launch_template={"id": template.id, "version": template.latest_version.apply(str)},
            health_check_type="EC2",
            health_check_grace_period=300,
            max_instance_lifetime=NAT_LIFETIME_S,
            instance_maintenance_policy={
                "min_healthy_percentage": 100,
                "max_healthy_percentage": 200,
            },
            enabled_metrics=[aws.autoscaling.Metric.GROUP_IN_SERVICE_INSTANCES],
            tags=[
                aws.autoscaling.GroupTagArgs(key="Name", value=nat_name, propagate_at_launch=True)
            ],
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
                "nat_group_name": self.nat_group.name,
            }
        )
