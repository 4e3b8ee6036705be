"""The Amplify app builds and serves the same web client the API serves on the embedded
profile: the folder, the build command and the output it declares are the repository's."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from infra_harness import ProgramRun

ROOT = Path(__file__).resolve().parents[2]


def test_amplify_builds_the_client_in_the_repository(stack: ProgramRun):
    app = stack.named("edge-web").inputs
    assert app["platform"] == "WEB"  # a static export: no server-side rendering to host
    spec = yaml.safe_load(app["buildSpec"])
    (client,) = spec["applications"]
    web = ROOT / client["appRoot"]
    package = json.loads((web / "package.json").read_text())
    assert (web / "package-lock.json").is_file()
    assert client["frontend"]["phases"]["build"]["commands"] == ["npm run build"]
    assert "build" in package["scripts"]
    # What `next build` writes with `output: "export"` is what Amplify publishes.
    assert client["frontend"]["artifacts"]["baseDirectory"] == "out"
    assert 'output: "export"' in (web / "next.config.ts").read_text()
    assert app["environmentVariables"]["AMPLIFY_MONOREPO_APP_ROOT"] == client["appRoot"]
    headers = yaml.safe_load(app["customHeaders"])["applications"][0]
    assert headers["appRoot"] == client["appRoot"]
    every = {h["key"]: h["value"] for h in headers["customHeaders"][0]["headers"]}
    assert "frame-ancestors 'none'" in every["Content-Security-Policy"]
    assert every["X-Frame-Options"] == "DENY"


def test_with_a_domain_the_client_and_the_api_share_an_origin(prod: ProgramRun, dev: ProgramRun):
    rules = prod.named("edge-web").inputs["customRules"]
    proxy = next(r for r in rules if r["source"] == "/api/<*>")
    assert proxy == {
        "source": "/api/<*>",
        "target": "https://api.refocused.app/api/<*>",
        "status": "200",
    }
    branch = prod.named("edge-web-branch").inputs
    assert branch["environmentVariables"]["NEXT_PUBLIC_API_ORIGIN"] == ""
    # Without a domain the client calls the API's own URL (CORS admits the client's origin).
    dev_rules = dev.named("edge-web").inputs["customRules"]
    assert not [r for r in dev_rules if r["source"] == "/api/<*>"]
    dev_branch = dev.named("edge-web-branch").inputs
    assert dev_branch["environmentVariables"]["NEXT_PUBLIC_API_ORIGIN"] == dev.exports["api_url"]
