"""The edge: Amplify hosting for the web client, and the API's custom domain in Route 53.

Without a domain setting the web client keeps Amplify's default domain and the API the HTTP
API's default endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .settings import DomainSettings, WebSettings


@dataclass(frozen=True)
class EdgeArgs:
    prefix: str
    domain: DomainSettings | None
    web: WebSettings
    zone_id: pulumi.Input[str] | None
    production: bool


class Edge(pulumi.ComponentResource):
    web_app: aws.amplify.App
    api_url: pulumi.Output[str]
    web_url: pulumi.Output[str]

    def __init__(self, name: str, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None):
        """The web client's app first: its URL is the origin the gateway and the API admit."""
        super().__init__("refocused:platform:Edge", name, None, opts)
        self._name, self._args = name, args
        self.web_app = aws.amplify.App(
            f"{name}-web",
            name=f"{args.prefix}-web",
            description="ReFocused web client (Next.js), deployed by the client's pipeline",
            platform="WEB_COMPUTE",
            repository=args.web.repository,
            access_token=args.web.access_token,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.web_url = pulumi.Output.concat(
            "https://", args.web.branch, ".", self.web_app.default_domain
        )
        if args.domain is not None and args.zone_id is not None:
            self.web_url = pulumi.Output.from_input(f"https://{args.domain.name}")
        self.api_url = pulumi.Output.from_input(self.web_url)

    def public_api_url(self, http_api_endpoint: pulumi.Input[str]) -> pulumi.Output[str]:
        """Where users reach the API: its custom domain, or else the HTTP API's endpoint."""
        if self._args.domain is not None and self._args.zone_id is not None:
            return pulumi.Output.from_input(f"https://{self._args.domain.api_name}")
        return pulumi.Output.from_input(http_api_endpoint)

    def serve_api(
        self,
        http_api_id: pulumi.Input[str],
        http_api_stage: pulumi.Input[str],
        http_api_endpoint: pulumi.Input[str],
    ) -> pulumi.Output[str]:
        """The API's public URL (its custom domain, or the HTTP API's endpoint) and the client's
        branch that calls it; returns that URL."""
        name, args = self._name, self._args
        child = pulumi.ResourceOptions(parent=self)
        self.api_url = self.public_api_url(http_api_endpoint)
        if args.domain is not None and args.zone_id is not None:
            self._api_domain(name, args.domain, args.zone_id, http_api_id, http_api_stage)
        branch = aws.amplify.Branch(
            f"{name}-web-branch",
            app_id=self.web_app.id,
            branch_name=args.web.branch,
            stage="PRODUCTION" if args.production else "DEVELOPMENT",
            framework="Next.js - SSR",
            enable_auto_build=args.web.repository is not None,
            environment_variables={"NEXT_PUBLIC_API_URL": self.api_url},
            opts=child,
        )
        if args.domain is not None and args.zone_id is not None:
            # Amplify writes the certificate and client records into the account's Route 53
            # zone itself when the zone is in the same account.
            aws.amplify.DomainAssociation(
                f"{name}-web-domain",
                app_id=self.web_app.id,
                domain_name=args.domain.name,
                sub_domains=[{"branch_name": branch.branch_name, "prefix": ""}],
                wait_for_verification=False,
                opts=child,
            )
        self.register_outputs({"api_url": self.api_url, "web_url": self.web_url})
        return self.api_url

    def _api_domain(
        self,
        name: str,
        domain: DomainSettings,
        zone_id: pulumi.Input[str],
        http_api_id: pulumi.Input[str],
        http_api_stage: pulumi.Input[str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-api-certificate",
            domain_name=domain.api_name,
            validation_method="DNS",
            opts=child,
        )
        # One name on the certificate, so exactly one validation record.
        validation_option = certificate.domain_validation_options[0]
        validation_record = aws.route53.Record(
            f"{name}-api-certificate-validation",
            zone_id=zone_id,
            name=validation_option.resource_record_name,
            type=validation_option.resource_record_type,
            records=[validation_option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-api-certificate-valid",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[validation_record.fqdn],
            opts=child,
        )
        api_domain = aws.apigatewayv2.DomainName(
            f"{name}-api-domain",
            domain_name=domain.api_name,
            domain_name_configuration={
                "certificate_arn": validation.certificate_arn,
                "endpoint_type": "REGIONAL",
                "security_policy": "TLS_1_2",
            },
            opts=child,
        )
        aws.apigatewayv2.ApiMapping(
            f"{name}-api-mapping",
            api_id=http_api_id,
            domain_name=api_domain.id,
            stage=http_api_stage,
            opts=child,
        )
        configuration = api_domain.domain_name_configuration
        aws.route53.Record(
            f"{name}-api-record",
            zone_id=zone_id,
            name=domain.api_name,
            type="A",
            aliases=[
                {
                    "name": configuration.target_domain_name,
                    "zone_id": configuration.hosted_zone_id,
                    "evaluate_target_health": False,
                }
            ],
            opts=child,
        )
