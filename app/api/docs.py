"""Interactive API docs at /api/docs: Swagger UI from the pinned `swagger-ui-bundle`
package, served by us — no CDN, so the docs work offline. The page has no inline
script (a strict Content-Security-Policy allows it) and names no external URL."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory, url_for
from markupsafe import escape
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

bp = Blueprint("api_docs", __name__, url_prefix="/api/docs")

# Only the files the page uses are served from the bundle's folder.
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
          "favicon-32x32.png", "favicon-16x16.png"}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} — interactive docs</title>
  <link rel="stylesheet" href="{css}">
  <link rel="icon" type="image/png" href="{icon}">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{spec}"></div>
  <script src="{bundle}"></script>
  <script src="{preset}"></script>
  <script src="{init}"></script>
</body>
</html>
"""

# validatorUrl null: Swagger UI would otherwise send the document to an outside validator.
INIT = """window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
});
"""


@bp.get("")
def page() -> Response:
    def asset(name: str) -> str:
        return url_for("api_docs.asset", filename=name)

    html = PAGE.format(
        title=escape(current_app.config["API_TITLE"]),
        css=asset("swagger-ui.css"),
        icon=asset("favicon-32x32.png"),
        spec=url_for("api-docs.openapi_json"),
        bundle=asset("swagger-ui-bundle.js"),
        preset=asset("swagger-ui-standalone-preset.js"),
        init=url_for("api_docs.init"),
    )
    return Response(html, mimetype="text/html")


@bp.get("/init.js")
def init() -> Response:
    return Response(INIT, mimetype="text/javascript")


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    if filename not in ASSETS:
        raise NotFound()
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
