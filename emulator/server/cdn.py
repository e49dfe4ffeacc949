"""What Segment's CDN answers a client before it sends anything: the source's settings document.

``GET /v1/projects/<writeKey>/settings`` is the path every client library asks for:

- analytics.js (analytics-next ``packages/browser``, ``loadCDNSettings``): ``<cdnURL>/v1/projects/<writeKey>/settings``;
- analytics-swift and analytics-kotlin: ``https://<cdnHost>/projects/<writeKey>/settings``, where
  ``cdnHost`` is ``cdn-settings.segment.com/v1`` by default, so ``<host>/v1`` here;
- analytics-react-native: ``<cdnProxy>/projects/<writeKey>/settings`` with ``useSegmentEndpoints``.

A known write key gets a document whose ``Segment.io`` integration sends every event back to this
server (``apiHost`` is the host and port the client reached us on, plus ``/v1``); an unknown one a
404 with a JSON body. Each field and why it is there: docs/semantics.md, "Client settings document".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request

blueprint = Blueprint("cdn", __name__)

# A Host header as a client sends it: a name or an IPv4 address, or a bracketed IPv6 address,
# with an optional port. Anything else would put text of the caller's choosing into apiHost.
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$")


def settings_document(write_key: str, api_host: str, protocol: str) -> dict[str, Any]:
    """The settings document for a source whose write key is ``write_key``, telling its client to
    send to ``<protocol>://<api_host>/<call>``. ``api_host`` is ``host[:port]/v1`` (no scheme), as
    in Segment's own documents (``api.segment.io/v1``).

    Field names come from the clients that read them: analytics-next reads ``integrations``
    (``Segment.io``: ``apiKey``, ``apiHost``, ``protocol``, ``addBundledMetadata``,
    ``unbundledIntegrations``, ``maybeBundledConfigIds``), ``middlewareSettings.routingRules``,
    ``enabledMiddleware``, ``legacyVideoPluginsEnabled``, ``remotePlugins`` and ``metrics``;
    analytics-swift, -kotlin and -react-native read ``integrations``, ``plan``, ``edgeFunction``,
    ``middlewareSettings`` and ``metrics``, and take ``Segment.io.apiHost`` as their upload host.
    """
    return {
        "integrations": {
            "Segment.io": {
                "apiKey": write_key,
                "apiHost": api_host,
                "protocol": protocol,
                "unbundledIntegrations": [],
                "addBundledMetadata": True,
                "maybeBundledConfigIds": {},
            },
        },
        "plan": {},
        "edgeFunction": {},
        "middlewareSettings": {},
        "enabledMiddleware": {},
        "metrics": {"sampleRate": 0},
        "legacyVideoPluginsEnabled": False,
        "remotePlugins": [],
    }


@blueprint.get("/v1/projects/<write_key>/settings")
def settings(write_key: str):
    local = current_app.extensions["segfn"]
    if local.workspace.source_by_write_key(write_key) is None:
        return jsonify({"success": False, "code": "unknown_write_key",
                        "message": f"no source in {Path(local.options.workspace).name} has the write key "
                                   f"{write_key!r}; "
                                   f"use the write_key of one of its [[sources]]"}), 404
    host = request.headers.get("Host") or request.host  # as sent: werkzeug's request.host drops a default :80
    if not _HOST.match(host):
        return jsonify({"success": False, "code": "bad_host",
                        "message": f"the Host header {host!r} is not host[:port]; the settings document "
                                   f"sends the client back to the host it used"}), 400
    return jsonify(settings_document(write_key, f"{host}/v1", request.scheme))
