"""The Office add-in for xlwings Server (addin/server/), through xlwings-server's own FastAPI app.

xlwings-server (a test-only dependency, from PyPI) runs the project folder
``addin/server`` in-process with FastAPI's TestClient (``server_app.py``, a
child process because xlwings-server configures itself at import time), and
the test calls the HTTP endpoints the add-in calls in Excel:

- ``/manifest.xml``: the manifest the server serves, validated against the
  Office add-in manifest schemas of ``../shared/office-xsd/taskpane`` with
  ``<Runtimes>`` removed (the 2019 schemas predate it; it is checked by hand
  below against the current documentation), declaring the functions and the
  CSAT tab whose buttons main.js binds to the scripts;
- ``/xlwings/custom-functions-meta.json`` and ``custom-functions-call``:
  ``CSAT_SCORES`` on both samples equal to ``csat-xl score``, ``CSAT_SCORE``;
- ``/xlwings/custom-scripts-call/<script>`` for each ribbon button;
- the task pane, main.js and the icons.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "addin" / "server"
XSD = ROOT.parent / "shared" / "office-xsd" / "taskpane"
SAMPLES = [ROOT / "csat_xl" / "data" / "pvc_2026Q2_zh.xlsx", ROOT / "csat_xl" / "data" / "field_service_2026H1_en.xlsx"]
OV = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ICONS = (16, 32, 64, 80)

if importlib.util.find_spec("xlwings_server") is None:
    pytest.skip("xlwings-server is not installed (pip install -e '.[test]')", allow_module_level=True)

from officejs import blank_payload, officejs_payload  # noqa: E402
from officejs_functions import cell  # noqa: E402


def _ranges(path: Path) -> dict[str, list[list]]:
    import openpyxl

    from csat_xl import labels

    keys = {name: label.key for label in labels.SHEETS for name in (label.zh, label.en)}
    book = openpyxl.load_workbook(path, data_only=True)
    return {keys[ws.title]: [[cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets if ws.title in keys}


def _function_call(name: str, *args) -> dict:
    return {"func_name": name.lower(), "args": list(args), "caller_address": "[survey.xlsx]Sheet1!A1",
            "content_language": "zh-CN", "version": __import__("xlwings").__version__, "client": "Office.js", "runtime": "1.4"}


def _scores_args(path: Path) -> list:
    r = _ranges(path)
    return [r.get("scheme"), r.get("questionnaire"), r.get("visits"), r.get("complaints"), r.get("settings"), None,
            r.get("scales"), r.get("customers")]


SCRIPTS = ("build_report", "new_template", "validate", "refresh_results")


def _requests() -> list[dict]:
    requests = [
        {"method": "GET", "path": "/manifest.xml"},
        {"method": "GET", "path": "/xlwings/custom-functions-meta.json"},
        {"method": "GET", "path": "/xlwings/custom-functions-code.js"},
        {"method": "GET", "path": "/xlwings/custom-scripts-meta.json"},
        {"method": "GET", "path": "/taskpane.html"},
        {"method": "GET", "path": "/static/js/main.js"},
        {"method": "GET", "path": "/static/js/custom-scripts/index.js"},
        *({"method": "GET", "path": f"/static/images/csat/csat-{size}.png"} for size in ICONS),
    ]
    for path in SAMPLES:
        requests.append({"method": "POST", "path": "/xlwings/custom-functions-call", "json": _function_call("CSAT_SCORES", *_scores_args(path))})
    r = _ranges(SAMPLES[0])
    c001 = [[x for x in row[3:12]] for row in r["questionnaire"] if row and row[0] == "C001"]
    visit = [row[2:11] for row in r["visits"] if row and row[0] == "C001"]
    outcomes = [[row[3]] for row in r["complaints"] if row and row[0] == "C001"]
    requests.append({"method": "POST", "path": "/xlwings/custom-functions-call",
                     "json": _function_call("CSAT_SCORE", r["scheme"], c001, visit, outcomes)})
    payload = officejs_payload(SAMPLES[0])
    for script in ("build_report", "validate", "refresh_results"):
        requests.append({"method": "POST", "path": f"/xlwings/custom-scripts-call/{script}", "json": copy.deepcopy(payload)})
    requests.append({"method": "POST", "path": "/xlwings/custom-scripts-call/new_template", "json": blank_payload()})
    return requests


@pytest.fixture(scope="module")
def served() -> dict[str, dict]:
    requests = _requests()
    env = {**os.environ, "XLWINGS_ENVIRONMENT": "prod"}
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("server_app.py")), str(SERVER)],
                          input=json.dumps(requests), capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    responses = json.loads(done.stdout)
    out = {}
    for request, response in zip(requests, responses):
        key = request["path"]
        if request["path"] == "/xlwings/custom-functions-call":
            key += ":" + request["json"]["func_name"] + (":" + str(len(out)))
        out[key] = response
    return out


def _calls(served, func: str) -> list[dict]:
    return [v for k, v in served.items() if k.startswith(f"/xlwings/custom-functions-call:{func}:")]


# --- functions -------------------------------------------------------------------------------------------
def test_functions_meta_lists_every_csat_function(served):
    import csat_xl.excel

    meta = served["/xlwings/custom-functions-meta.json"]
    assert meta["status"] == 200
    names = {f["name"] for f in meta["json"]["functions"]}
    assert names == {name.upper() for name in csat_xl.excel.__all__}
    code = served["/xlwings/custom-functions-code.js"]
    assert code["status"] == 200 and "CSAT_SCORES" in code["text"]


@pytest.fixture(scope="module")
def cli_scores() -> dict[str, list]:
    from typer.testing import CliRunner

    from csat_xl.cli import app

    out = {}
    for path in SAMPLES:
        done = CliRunner().invoke(app, ["score", str(path), "--format", "json"])
        assert done.exit_code == 0, done.output
        out[path.name] = json.loads(done.stdout)
    return out


def test_csat_scores_over_http_equals_the_cli_on_the_samples(served, cli_scores):
    responses = _calls(served, "csat_scores")
    assert len(responses) == len(SAMPLES)
    for path, response in zip(SAMPLES, responses):
        assert response["status"] == 200, response
        header, *rows = response["json"]["result"]
        expected = cli_scores[path.name]
        assert [str(r[0]) for r in rows] == [e["customer_id"] for e in expected]
        for row, e in zip(rows, expected):
            for value, key in zip(row[1:6], ("questionnaire", "visit", "preliminary", "adjustment", "final")):
                assert value == ("" if e[key] is None else e[key]), (path.name, row[0], key)


def test_csat_score_over_http_scores_one_customer(served, cli_scores):
    (response,) = _calls(served, "csat_score")
    assert response["status"] == 200, response
    c001 = next(e for e in cli_scores[SAMPLES[0].name] if e["customer_id"] == "C001")
    assert response["json"]["result"] == [[c001["final"]]]


# --- scripts --------------------------------------------------------------------------------------------
def test_every_button_script_runs_over_http(served):
    meta = served["/xlwings/custom-scripts-meta.json"]
    assert {m["function_name"] for m in meta["json"]} == set(SCRIPTS)
    added = {}
    for script in SCRIPTS:
        response = served[f"/xlwings/custom-scripts-call/{script}"]
        assert response["status"] == 200, (script, response)
        actions = response["json"]["actions"]
        added[script] = [a["args"][1] for a in actions if a["func"] == "addSheet"]
        if script == "new_template":  # a new workbook through the csatOpenWorkbook callback of main.js
            macros = [a["args"][0] for a in actions if a["func"] == "runMacro"]
            assert macros == ["csatOpenWorkbook"], actions[:3]
        else:
            assert any(a["func"] == "setValues" for a in actions), script
    assert added["validate"] == ["校验结果"] and added["refresh_results"] == ["客户得分"]
    assert added["build_report"] and all(name.startswith("报告") for name in added["build_report"])


# --- the manifest ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def manifest(served) -> ElementTree.Element:
    response = served["/manifest.xml"]
    assert response["status"] == 200
    return ElementTree.fromstring(response["text"].encode("utf-8"))


def test_served_manifest_validates_against_the_office_schemas(served):
    if not XSD.is_dir():
        pytest.skip(f"Office schemas not found at {XSD} (../shared/office-xsd/)")
    from lxml import etree

    document = etree.fromstring(served["/manifest.xml"]["text"].encode("utf-8"))
    runtimes = document.findall(f".//{OV}Runtimes")
    assert len(runtimes) == 1  # checked by hand in the next test; the 2019 schemas predate it
    runtimes[0].getparent().remove(runtimes[0])
    schema = etree.XMLSchema(etree.parse(str(XSD / "OfficeAppManifestV1_1.xsd")))
    assert schema.validate(document), schema.error_log


def test_runtimes_declare_one_shared_runtime_on_the_taskpane_page(manifest):
    """<Runtimes> by hand, as the current manifest reference describes it: inside the Host, before
    AllFormFactors; one <Runtime resid=… lifetime="long"/> whose URL is the page that the functions
    (Page), the FunctionFile and the task pane all use — that is the shared runtime."""
    host = manifest.find(f"{OV}VersionOverrides/{OV}Hosts/{OV}Host")
    children = [c.tag for c in host]
    assert children.index(f"{OV}Runtimes") < children.index(f"{OV}AllFormFactors") < children.index(f"{OV}DesktopFormFactor")
    (runtime,) = host.find(f"{OV}Runtimes")
    assert runtime.tag == f"{OV}Runtime" and set(runtime.attrib) == {"resid", "lifetime"} and runtime.get("lifetime") == "long"
    page = host.find(f"{OV}AllFormFactors/{OV}ExtensionPoint/{OV}Page/{OV}SourceLocation").get("resid")
    function_file = host.find(f"{OV}DesktopFormFactor/{OV}FunctionFile").get("resid")
    assert runtime.get("resid") == page == function_file
    sets = {s.get("Name"): s.get("MinVersion") for s in manifest.iter("{http://schemas.microsoft.com/office/appforoffice/1.1}Set")}
    assert sets.get("SharedRuntime") == "1.1"


def test_manifest_declares_the_functions_and_the_csat_tab(manifest, served):
    host = manifest.find(f"{OV}VersionOverrides/{OV}Hosts/{OV}Host")
    functions = [e for e in host.iter(f"{OV}ExtensionPoint") if e.get(XSI_TYPE) == "CustomFunctions"]
    assert len(functions) == 1
    urls = {e.get("id"): e.get("DefaultValue") for e in manifest.iter(f"{BT}Url")}
    strings = {e.get("id"): e.get("DefaultValue") for e in manifest.iter(f"{BT}String")}
    images = {e.get("id"): e.get("DefaultValue") for e in manifest.iter(f"{BT}Image") if e.get("id")}
    assert urls[functions[0].find(f"{OV}Metadata/{OV}SourceLocation").get("resid")].endswith("/xlwings/custom-functions-meta.json")
    assert urls[functions[0].find(f"{OV}Script/{OV}SourceLocation").get("resid")].endswith("/xlwings/custom-functions-code.js")
    assert functions[0].find(f"{OV}Namespace") is None  # =CSAT_SCORE(), no prefix
    assert all(u.startswith("https://csat.example.cn/") for u in urls.values())
    defined = set(urls) | set(strings) | set(images)
    assert {e.get("resid") for e in manifest.iter() if e.get("resid")} <= defined
    tab = next(host.iter(f"{OV}CustomTab"))
    assert strings[tab.find(f"{OV}Label").get("resid")] == "满意度 CSAT"
    buttons = [c for c in tab.iter(f"{OV}Control") if c.get(XSI_TYPE) == "Button"]
    labels = [strings[b.find(f"{OV}Label").get("resid")] for b in buttons]
    assert labels[:4] == ["生成报告 Build report", "新建模板 New template", "校验 Validate", "刷新结果 Refresh"]
    bound = {b.find(f"{OV}Action/{OV}FunctionName").text for b in buttons if b.find(f"{OV}Action").get(XSI_TYPE) == "ExecuteFunction"}
    main_js = served["/static/js/main.js"]["text"]
    associated = dict(re.findall(r'(\w+): "(\w+)"', main_js.split("CSAT_BUTTONS = {", 1)[1].split("}", 1)[0]))
    assert set(associated) == bound and sorted(associated.values()) == sorted(SCRIPTS)
    assert "Office.actions.associate(functionName" in main_js
    # the icons it names (buttons 16/32/80, add-in 32/64) are served
    app_ns = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
    named = {*images.values(), *(manifest.find(f"{app_ns}{tag}").get("DefaultValue") for tag in ("IconUrl", "HighResolutionIconUrl"))}
    assert {u.rsplit("/", 1)[1] for u in named} == {f"csat-{size}.png" for size in ICONS}
    for size in ICONS:
        icon = served[f"/static/images/csat/csat-{size}.png"]
        assert icon["status"] == 200 and icon["content_type"] == "image/png"


def test_main_js_imports_what_xlwings_server_exports(served):
    """main.js is an ES module importing from xlwings' custom-scripts/index.js: those names must exist there."""
    main_js = served["/static/js/main.js"]["text"]
    index_js = served["/static/js/custom-scripts/index.js"]["text"]
    (imported,) = re.findall(r'import \{ ([\w, ]+) \} from "\./custom-scripts/index\.js"', main_js)
    for name in (n.strip() for n in imported.split(",")):
        assert re.search(rf"export (async )?function {name}\b", index_js), name
    page = served["/taskpane.html"]
    assert page["status"] == 200 and "/static/js/main.js" in page["text"]
    for script in SCRIPTS:
        assert f'xw-click="{script}"' in page["text"]


def test_main_js_is_valid_javascript(tmp_path):
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    module = tmp_path / "main.mjs"
    module.write_text((SERVER / "static" / "js" / "main.js").read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([node, "--check", str(module)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_icons_are_drawn_by_the_script_in_the_repo(tmp_path):
    import struct

    done = subprocess.run([sys.executable, str(SERVER / "make_icons.py"), str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for size in ICONS:
        drawn = (tmp_path / f"csat-{size}.png").read_bytes()
        assert struct.unpack(">II", drawn[16:24]) == (size, size)
        assert drawn == (SERVER / "static" / "images" / "csat" / f"csat-{size}.png").read_bytes(), size


def test_server_requirements_pin_this_csat_xl():
    import csat_xl

    lines = (SERVER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert f"csat-xl=={csat_xl.__version__}" in lines
    assert any(line.startswith("xlwings-server==") for line in lines)
