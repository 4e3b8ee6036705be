"""What an auditor checks first: the data tier is private and the network routes as drawn."""

from __future__ import annotations

import base64
import ipaddress
import json

from deployed_units import Call, allowed
from infra_harness import ProgramRun, _computed, mock_password

INTERNET = {"0.0.0.0/0", "::/0"}
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # how Pulumi marks a secret value on the wire


def private_subnet_ids(run: ProgramRun) -> set[str]:
    return {f"{r.name}-id" for r in run.of_type("aws:ec2/subnet:Subnet") if "-private-" in r.name}


def test_the_database_is_not_publicly_accessible_and_sits_in_private_subnets(stack: ProgramRun):
    database = stack.named("data-db")
    assert database.inputs["publiclyAccessible"] is False
    subnets = stack.named("data-db-subnets")
    assert database.inputs["dbSubnetGroupName"] == subnets.inputs["name"]
    assert set(subnets.inputs["subnetIds"]) == private_subnet_ids(stack)


def test_the_cache_sits_in_private_subnets(stack: ProgramRun):
    cache = stack.named("data-cache")
    subnets = stack.named("data-cache-subnets")
    assert cache.inputs["subnetGroupName"] == subnets.inputs["name"]
    assert set(subnets.inputs["subnetIds"]) == private_subnet_ids(stack)


def test_the_database_and_cache_admit_only_the_application_connector(stack: ProgramRun):
    connector = stack.named("compute-connector")
    (connector_group,) = connector.inputs["securityGroups"]
    for group_name, port in (("data-db-sg", 5432), ("data-cache-sg", 6379)):
        (rule,) = stack.named(group_name).inputs["ingress"]
        assert rule["securityGroups"] == [connector_group]
        assert not rule.get("cidrBlocks") and not rule.get("ipv6CidrBlocks")
        assert (rule["fromPort"], rule["toPort"]) == (port, port)


def test_private_subnets_are_private_and_public_ones_launch_nothing_public(stack: ProgramRun):
    for subnet in stack.of_type("aws:ec2/subnet:Subnet"):
        assert subnet.inputs["mapPublicIpOnLaunch"] is False


def _nat_template(stack: ProgramRun) -> dict:
    return stack.named("network-nat-template").inputs


def _nat_boot(stack: ProgramRun) -> str:
    return base64.b64decode(_nat_template(stack)["userData"]).decode()


def _nat_statements(stack: ProgramRun) -> list[dict]:
    return json.loads(stack.named("network-nat-takeover").inputs["policy"])["Statement"]


def test_private_subnets_route_to_the_internet_through_the_nat_instance(stack: ProgramRun):
    # The table has no route of the program's: each NAT instance takes the default route when
    # it forwards, and the policy lets it change that table alone.
    assert "routes" not in stack.named("network-private-rt").inputs
    boot = _nat_boot(stack)
    assert (
        "aws ec2 replace-route --route-table-id network-private-rt-id "
        '--destination-cidr-block 0.0.0.0/0 \\\n  --instance-id "$INSTANCE"'
    ) in boot
    assert boot.rindex("replace-route") > boot.index("MASQUERADE")  # only once it forwards
    route_table_arn = _computed("aws:ec2/routeTable:RouteTable", "network-private-rt", {})["arn"]
    call = Call("ec2:ReplaceRoute", route_table_arn)
    assert allowed(call, _nat_statements(stack))
    assert not allowed(Call("ec2:ReplaceRoute", route_table_arn + "-other"), _nat_statements(stack))
    associated = {
        r.inputs["subnetId"]
        for r in stack.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
        if r.inputs["routeTableId"] == "network-private-rt-id"
    }
    assert associated == private_subnet_ids(stack)


def test_public_subnets_route_through_the_internet_gateway_and_host_the_nat(stack: ProgramRun):
    (route,) = stack.named("network-public-rt").inputs["routes"]
    assert route == {"cidrBlock": "0.0.0.0/0", "gatewayId": "network-igw-id"}
    assert stack.named("network-nat").inputs["vpcZoneIdentifiers"] == [
        "network-public-0-id",
        "network-public-1-id",
    ]


def test_the_nat_instance_is_replaced_weekly_from_the_current_ami(stack: ProgramRun):
    group = stack.named("network-nat").inputs
    assert (group["minSize"], group["maxSize"], group["desiredCapacity"]) == (1, 1, 1)
    assert group["maxInstanceLifetime"] == 7 * 24 * 3600
    assert group["healthCheckType"] == "EC2"  # a failed status check replaces it too
    # The new instance starts before the old one stops.
    assert group["instanceMaintenancePolicy"] == {
        "minHealthyPercentage": 100,
        "maxHealthyPercentage": 200,
    }
    assert group["launchTemplate"]["id"] == "network-nat-template-id"
    assert _nat_template(stack)["imageId"] == (
        "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    )
    # Each instance takes the stack's Elastic IP, so the address the world sees stays the same.
    boot = _nat_boot(stack)
    assert "aws ec2 associate-address --allocation-id " in boot
    assert "--allow-reassociation" in boot
    assert not stack.named("network-nat-eip").inputs.get("instance")


def test_the_nat_instance_forwards_packets_for_the_vpc(stack: ProgramRun):
    template = _nat_template(stack)
    boot = _nat_boot(stack)
    vpc_cidr = stack.named("network-vpc").inputs["cidrBlock"]
    assert 'aws ec2 modify-instance-attribute --instance-id "$INSTANCE" --no-source-dest-check' in (
        boot
    )
    (modify,) = [s for s in _nat_statements(stack) if "ec2:ModifyInstanceAttribute" in s["Action"]]
    assert modify["Condition"] == {
        "StringEquals": {"ec2:ResourceTag/Name": f"refocused-{stack.stack}-nat"}
    }
    assert "net.ipv4.ip_forward = 1" in boot
    assert f"-s {vpc_cidr} -j MASQUERADE" in boot
    assert template["metadataOptions"]["httpTokens"] == "required"
    assert "keyName" not in template  # no SSH key: nothing logs in to the router


def test_the_nat_instance_patches_itself_and_answers_to_systems_manager(stack: ProgramRun):
    boot = _nat_boot(stack)
    assert "apply_updates = yes" in boot
    assert "systemctl enable --now dnf-automatic.timer" in boot
    assert "dnf needs-restarting -r || systemctl reboot" in boot
    profile = stack.named("network-nat-profile").inputs
    assert (
        _nat_template(stack)["iamInstanceProfile"]["arn"]
        == _computed("aws:iam/instanceProfile:InstanceProfile", "network-nat-profile", {})["arn"]
    )
    ssm = stack.named("network-nat-ssm").inputs
    assert ssm["role"] == profile["role"] == "network-nat-role-id"
    assert "ssmmessages:OpenControlChannel" in ssm["policy"]
    assert "ssm:UpdateInstanceInformation" in ssm["policy"]


def test_the_nat_instance_admits_only_the_private_subnets(stack: ProgramRun):
    (rule,) = stack.named("network-nat-sg").inputs["ingress"]
    private_cidrs = {
        r.inputs["cidrBlock"]
        for r in stack.of_type("aws:ec2/subnet:Subnet")
        if "-private-" in r.name
    }
    assert set(rule["cidrBlocks"]) == private_cidrs
    vpc = ipaddress.ip_network(stack.named("network-vpc").inputs["cidrBlock"])
    assert all(ipaddress.ip_network(cidr).subnet_of(vpc) for cidr in rule["cidrBlocks"])


def test_no_security_group_admits_the_internet(stack: ProgramRun):
    # Rules declared outside a group would escape the check below, so there must be none.
    assert not stack.of_type("aws:ec2/securityGroupRule:SecurityGroupRule")
    assert not stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    groups = stack.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert len(groups) == 4
    for group in groups:
        for rule in group.inputs.get("ingress", []):
            sources = set(rule.get("cidrBlocks", [])) | set(rule.get("ipv6CidrBlocks", []))
            assert not sources & INTERNET, f"{group.name} admits the internet: {rule}"


def test_storage_is_encrypted_at_rest_and_the_cache_in_transit(stack: ProgramRun):
    assert stack.named("data-db").inputs["storageEncrypted"] is True
    cache = stack.named("data-cache").inputs
    assert cache["atRestEncryptionEnabled"] is True
    assert cache["transitEncryptionEnabled"] is True
    (root,) = stack.named("network-nat-template").inputs["blockDeviceMappings"]
    assert root["ebs"]["encrypted"] == "true"
    for table in stack.of_type("aws:dynamodb/table:Table"):
        assert table.inputs["serverSideEncryption"] == {"enabled": True}
    buckets = {b.name for b in stack.of_type("aws:s3/bucket:Bucket")}
    encrypted = {
        c.name.removesuffix("-encryption")
        for c in stack.of_type(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        )
    }
    assert buckets and buckets == encrypted
    for topic in stack.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:")
    for queue in stack.of_type("aws:sqs/queue:Queue"):
        assert queue.inputs["sqsManagedSseEnabled"] is True


def test_generated_credentials_reach_aws_only_as_secrets(stack: ProgramRun):
    assert SECRET_SIG in stack.named("data-db").inputs["password"]
    assert SECRET_SIG in stack.named("data-cache").inputs["authToken"]
    versions = stack.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert len(versions) == 8
    for version in versions:
        assert SECRET_SIG in version.inputs["secretString"]


def test_the_database_url_names_the_generated_password_and_the_private_endpoint(stack: ProgramRun):
    value = stack.named("data-database-url-value").inputs["secretString"]["value"]
    password = mock_password("data-db-password", 40)
    assert value == f"postgresql+asyncpg://refocused:{password}@data-db.rds.example:5432/refocused"
    redis = stack.named("data-redis-url-value").inputs["secretString"]["value"]
    assert redis.startswith(f"rediss://:{mock_password('data-cache-token', 64)}@")


def test_prod_keeps_its_data_with_deletion_protection_and_multi_az(prod: ProgramRun):
    database = prod.named("data-db").inputs
    assert database["deletionProtection"] is True
    assert database["multiAz"] is True
    assert database["skipFinalSnapshot"] is False
    assert database["backupRetentionPeriod"] >= 7
    cache = prod.named("data-cache").inputs
    assert cache["multiAzEnabled"] is True and cache["automaticFailoverEnabled"] is True
    assert cache["numCacheClusters"] >= 2
    for table in prod.of_type("aws:dynamodb/table:Table"):
        assert table.inputs["deletionProtectionEnabled"] is True
    for repository in prod.of_type("aws:ecr/repository:Repository"):
        assert repository.inputs["forceDelete"] is False


def test_dev_can_be_torn_down_without_leftovers(dev: ProgramRun):
    database = dev.named("data-db").inputs
    assert database["deletionProtection"] is False
    assert database["skipFinalSnapshot"] is True
    assert database["backupRetentionPeriod"] >= 1


def test_the_cache_never_evicts_and_alarms_before_it_fills(stack: ProgramRun):
    cache = stack.named("data-cache")
    parameters = stack.named("data-cache-params").inputs
    assert cache.inputs["parameterGroupName"] == parameters["name"]
    assert parameters["family"] == "redis" + cache.inputs["engineVersion"].split(".")[0]
    assert {"name": "maxmemory-policy", "value": "noeviction"} in parameters["parameters"]
    alarms = [a.inputs for a in stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]
    nodes = {
        f"{cache.inputs['replicationGroupId']}-{i:03d}"
        for i in range(1, 1 + int(cache.inputs["numCacheClusters"]))
    }
    for metric in ("DatabaseMemoryUsagePercentage", "Evictions"):
        watched = {a["dimensions"]["CacheClusterId"] for a in alarms if a["metricName"] == metric}
        assert watched == nodes, metric
    memory = [a for a in alarms if a["metricName"] == "DatabaseMemoryUsagePercentage"]
    topic = {a for alarm in alarms for a in alarm["alarmActions"] if ":sns:" in a}
    assert len(topic) == 1 and "data-alarms" in topic.pop()
    assert all(a["threshold"] <= 80 for a in memory)
