"""Serve requests through xlwings-server's own FastAPI app, in-process, for tests/test_server.py.

    python server_app.py PROJECT_DIR < requests.json > responses.json

A separate process, because xlwings-server configures itself at import
time from the environment and the project folder (``XLWINGS_PROJECT_DIR``,
its ``pyproject.toml``, ``sys.path`` entries for ``custom_functions`` and
``custom_scripts``) — exactly as ``xlwings-server run`` does in production —
and xlwings must be imported in server mode.  The app is driven with
FastAPI's ``TestClient`` (no socket).  Input: a JSON list of
``{"method", "path", "json"?}``; output: a JSON list of
``{"status", "json" | "text", "content_type"}``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

project = Path(sys.argv[1]).resolve()
os.environ["XLWINGS_PROJECT_DIR"] = str(project)
os.environ["XLWINGS_LICENSE_KEY"] = os.environ.get("XLWINGS_LICENSE_KEY") or "noncommercial"  # test use only
os.environ.setdefault("XLWINGS_ENVIRONMENT", "prod")
os.environ["XLWINGS_ENABLE_HOTRELOAD"] = "false"
sys.path.insert(0, str(project))  # as the xlwings-server CLI does

from fastapi.testclient import TestClient  # noqa: E402

from xlwings_server.main import main_app  # noqa: E402

requests = json.load(sys.stdin)
out = []
with TestClient(main_app, base_url="https://csat.example.cn") as client:
    for request in requests:
        response = client.request(request["method"], request["path"], json=request.get("json"))
        kind = response.headers.get("content-type", "")
        entry = {"status": response.status_code, "content_type": kind}
        if "json" in kind:
            entry["json"] = response.json()
        elif kind.startswith(("text/", "application/javascript")):
            entry["text"] = response.text
        else:
            entry["size"] = len(response.content)
        out.append(entry)
json.dump(out, sys.stdout, ensure_ascii=False)
