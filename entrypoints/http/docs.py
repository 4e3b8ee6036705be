"""The OpenAPI docs page: Swagger UI from swagger-ui-py's own copy (its version is pinned with
the package), served from this origin with no inline script, so the docs CSP allows no other
origin and no 'unsafe-inline' script. The access cookie is valid for the whole origin: a script
from a CDN on a page here could act as any signed-in visitor, so none is loaded."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.openapi.plugins import SwaggerRenderPlugin

DOCS_PATH = "/schema"
DOCS_ASSETS = f"{DOCS_PATH}/assets"
INIT_SCRIPT = f"{DOCS_PATH}/swagger-init.js"

_INIT = f"""window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: "{DOCS_PATH}/openapi.json",
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  }});
}});
"""


class LocalSwaggerUI(SwaggerRenderPlugin):
    """Litestar's Swagger page inlines the spec and its start-up script; this one loads both."""

    def __init__(self) -> None:
        super().__init__(
            path="/",
            js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
            favicon=f"<link rel='icon' type='image/png' href='{DOCS_ASSETS}/favicon-32x32.png'>",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        return (
            "<!DOCTYPE html><html><head>"
            f"<title>{title}</title>{self.favicon}"
            '<meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link href="{self.css_url}" rel="stylesheet">'
            f'<script src="{self.js_url}"></script>'
            f'<script src="{self.standalone_preset_js_url}"></script>'
            f'<script src="{INIT_SCRIPT}"></script>'
            "</head><body><div id='swagger-container'></div></body></html>"
        ).encode()


def docs_render_plugins() -> list[Any]:
    return [LocalSwaggerUI()]


@get(INIT_SCRIPT, media_type="text/javascript", include_in_schema=False, sync_to_thread=False)
def swagger_init() -> str:
    """Starts Swagger UI on the spec; a file rather than an inline script, for the CSP."""
    return _INIT


def docs_assets() -> list[Any]:
    """The routes the docs page loads: Swagger UI's files and its start-up script."""
    import swagger_ui
    from litestar.static_files import create_static_files_router

    return [
        create_static_files_router(
            path=DOCS_ASSETS,
            directories=[str(Path(swagger_ui.__file__).parent / "static")],
            include_in_schema=False,
            name="docs-assets",
        ),
        swagger_init,
    ]
