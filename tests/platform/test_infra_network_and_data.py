"""What an auditor checks first: the data tier is private and the network routes as drawn."""

from __future__ import annotations

import ipaddress

from infra_harness import ProgramRun, mock_password

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


def test_private_subnets_route_to_the_internet_through_the_nat_instance(stack: ProgramRun):
    nat = stack.named("network-nat")
    (route,) = stack.named("network-private-rt").inputs["routes"]
    assert route["cidrBlock"] == "0.0.0.0/0"
    assert route["networkInterfaceId"] == f"eni-{nat.name}"
    associated = {
        r.inputs["subnetId"]
        for r in stack.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
        if r.inputs["routeTableId"] == "network-private-rt-id"
    }
    assert associated == private_subnet_ids(stack)


def test_public_subnets_route_through_the_internet_gateway_and_host_the_nat(stack: ProgramRun):
    (route,) = stack.named("network-public-rt").inputs["routes"]
    assert route == {"cidrBlock": "0.0.0.0/0", "gatewayId": "network-igw-id"}
    assert stack.named("network-nat").inputs["subnetId"] == "network-public-0-id"


def test_the_nat_instance_forwards_packets_for_the_vpc(stack: ProgramRun):
    nat = stack.named("network-nat").inputs
    vpc_cidr = stack.named("network-vpc").inputs["cidrBlock"]
    assert nat["sourceDestCheck"] is False
    assert "net.ipv4.ip_forward = 1" in nat["userData"]
    assert f"-s {vpc_cidr} -j MASQUERADE" in nat["userData"]
    assert nat["metadataOptions"]["httpTokens"] == "required"
    assert "keyName" not in nat  # no SSH key: nothing logs in to the router


def test_the_nat_instance_patches_itself_and_answers_to_systems_manager(stack: ProgramRun):
    nat = stack.named("network-nat").inputs
    assert "apply_updates = yes" in nat["userData"]
    assert "systemctl enable --now dnf-automatic.timer" in nat["userData"]
    assert "dnf needs-restarting -r || systemctl reboot" in nat["userData"]
    profile = stack.named("network-nat-profile").inputs
    assert nat["iamInstanceProfile"] == "network-nat-profile-id"
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
    assert stack.named("network-nat").inputs["rootBlockDevice"]["encrypted"] is True
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
