from tests.adapters.aws.server import local_aws

__all__ = ["local_aws"]
