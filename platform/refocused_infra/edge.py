"""The edge: Amplify hosting for the web client, and the API's custom domain in Route 53.

Without a domain setting the web client keeps Amplify's default domain and the API the HTTP
API's default endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .settings import DomainSettings, WebSettings

# The web client: a static Next.js export in the monorepo (entrypoints/web), built by Amplify
# from the same lockfile the project's tests use; its API types are committed, so the build
# needs no Python.
WEB_APP_ROOT = "entrypoints/web"
WEB_BUILD_SPEC = f"""version: 1
applications:
  - appRoot: {WEB_APP_ROOT}
    frontend:
      phases:
        preBuild:
          commands:
            - PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
        build:
          commands:
            - npm run build
      artifacts:
        baseDirectory: out
        files:
          - '**/*'
      cache:
        paths:
          - node_modules/**/*
"""
# Every page also carries its own script policy (a meta tag the build writes: only that page's
# inline scripts, by hash); these are the headers a meta tag cannot set.
WEB_HEADERS = f"""applications:
  - appRoot: {WEB_APP_ROOT}
    customHeaders:
      - pattern: '**/*'
        headers:
          - key: Content-Security-Policy
            value: "frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
          - key: X-Frame-Options
            value: DENY
          - key: X-Content-Type-Options
            value: nosniff
          - key: Referrer-Policy
            value: no-referrer
          - key: Strict-Transport-Security
            value: max-age=63072000; includeSubDomains
      - pattern: '/_next/static/**/*'
        headers:
          - key: Cache-Control
            value: public, max-age=31536000, immutable
"""


def web_rules(domain: DomainSettings | None) -> list[dict[str, str]]:
    """With a domain, /api/* on the client's origin is proxied to the API's, so the client is
    same-origin with the API as on the embedded profile (its cookies and CSRF token work
    unchanged, no preflights); pages that do not exist answer the client's 404 page."""
    rules = []
    if domain is not None:
        rules.append(
            {"source": "/api/<*>", "target": f"https://{domain.api_name}/api/<*>", "status": "200"}
        )
    rules.append({"source": "/<*>", "target": "/404.html", "status": "404-200"})
    return rules


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
            description="ReFocused web client (Next.js static export, entrypoints/web)",
            platform="WEB",
            repository=args.web.repository,
            access_token=args.web.access_token,
            build_spec=WEB_BUILD_SPEC,
            custom_headers=WEB_HEADERS,
            custom_rules=web_rules(args.domain if args.zone_id is not None else None),
            environment_variables={
                "AMPLIFY_MONOREPO_APP_ROOT": WEB_APP_ROOT,
                "NEXT_TELEMETRY_DISABLED": "1",
            },
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
            framework="Next.js - SSG",
            enable_auto_build=args.web.repository is not None,
            # Empty with a domain: the client calls its own origin, which proxies /api/*.
            environment_variables={"NEXT_PUBLIC_API_ORIGIN": self._client_api_origin()},
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

    def _client_api_origin(self) -> pulumi.Input[str]:
        if self._args.domain is not None and self._args.zone_id is not None:
            return ""
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
