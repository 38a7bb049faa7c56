"""``csat-xl addin install``: put ``csat_xl.xlam`` where Excel loads it.

On Windows, Excel opens every workbook in the user's start-up folder
``%APPDATA%\\Microsoft\\Excel\\XLSTART`` when it starts, so copying the
built add-in there makes the 满意度 CSAT tab appear in every Excel session
(the same place ``xlwings addin install`` uses).  The add-in's RunPython
calls need to know which Python has csat-xl installed: unless the user has
already chosen one, the Python running this command is written to the
add-in's config file ``%USERPROFILE%\\.csat_xl\\csat_xl.conf``
(``"INTERPRETER_WIN","…\\pythonw.exe"``, the format xlwings reads).

Elsewhere (macOS, Linux) there is no classic add-in to install: the command
explains what to use instead (the Office add-in or xlwings Lite) and exits 1.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..findings import CsatError
from ..io.atomic import atomic_output
from .xlam import PROJECT_NAME

XLAM_NAME = f"{PROJECT_NAME}.xlam"

MESSAGES: dict[str, dict[str, str]] = {
    "installed": {
        "en": "Installed {xlam} into {folder}. Restart Excel: the tab 满意度 CSAT appears in the ribbon.",
        "zh": "已将 {xlam} 安装到 {folder}。请重新启动 Excel：功能区中会出现“满意度 CSAT”选项卡。",
    },
    "interpreter": {
        "en": "The add-in will run Python from {python} (written to {config}).",
        "zh": "加载项将使用 {python} 运行 Python（已写入 {config}）。",
    },
    "not_windows": {
        "en": (
            "The classic Excel add-in (csat_xl.xlam, RunPython) works with Excel for Windows only.\n"
            "On this computer use one of these instead (see docs/actions.md):\n"
            "  • xlwings Lite: install the free xlwings Lite add-in from Excel's add-in store, add csat-xl to its\n"
            "    requirements and run the scripts build_report, new_template, validate, refresh_results from its task pane;\n"
            "  • xlwings Server: ask IT to deploy addin/officejs/manifest.xml (needs an xlwings PRO licence for company use);\n"
            "  • the command line: csat-xl validate / report / template."
        ),
        "zh": (
            "经典 Excel 加载项（csat_xl.xlam，RunPython）只适用于 Windows 版 Excel。\n"
            "在这台电脑上请改用以下方式之一（见 docs/actions.md）：\n"
            "  • xlwings Lite：从 Excel 加载项商店安装免费的 xlwings Lite，在其 requirements 中加入 csat-xl，\n"
            "    然后在任务窗格中运行 build_report、new_template、validate、refresh_results；\n"
            "  • xlwings Server：请 IT 部署 addin/officejs/manifest.xml（公司使用需要 xlwings PRO 许可证）；\n"
            "  • 命令行：csat-xl validate / report / template。"
        ),
    },
    "no_xlam": {
        "en": "{xlam} not found. Build it first on Windows: python addin/classic/build_xlam.py (see docs/actions.md), or pass --xlam PATH.",
        "zh": "找不到 {xlam}。请先在 Windows 上构建：python addin/classic/build_xlam.py（见 docs/actions.md），或用 --xlam 指定路径。",
    },
    "no_appdata": {
        "en": "The environment variable APPDATA is not set: cannot find Excel's XLSTART folder.",
        "zh": "未设置环境变量 APPDATA：找不到 Excel 的 XLSTART 文件夹。",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    return MESSAGES[key]["zh" if lang == "zh" else "en"].format(**values)


class NotWindowsError(CsatError):
    """The classic add-in cannot be installed on this OS."""


@dataclass
class Installed:
    xlam: Path
    config: Path | None
    python: str | None


def xlam_candidates() -> list[Path]:
    """Where a built add-in is looked for: bundled package data, then the source tree's build output."""
    package = Path(__file__).resolve().parent.parent
    return [package / "data" / XLAM_NAME, package.parent / "addin" / "classic" / "dist" / XLAM_NAME]


def find_xlam(explicit: str | os.PathLike | None, lang: str) -> Path:
    if explicit is not None:
        candidates = [Path(explicit)]
    else:
        candidates = xlam_candidates()
    for path in candidates:
        if path.is_file():
            return path
    raise CsatError(say("no_xlam", lang, xlam=candidates[0]))


def xlstart_folder(env: Mapping[str, str]) -> Path | None:
    appdata = env.get("APPDATA")
    return Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None


def config_path(env: Mapping[str, str]) -> Path:
    home = env.get("USERPROFILE") or str(Path.home())
    return Path(home) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"


def windowless_python(executable: str) -> str:
    """``pythonw.exe`` next to ``python.exe`` when there is one (no console window flashing up)."""
    path = Path(executable)
    quiet = path.with_name("pythonw" + path.suffix) if path.stem == "python" else path
    return str(quiet if quiet.exists() else path)


def write_interpreter(config: Path, python: str) -> bool:
    """Add ``INTERPRETER_WIN`` to the add-in's config file unless the user has set one."""
    lines = config.read_text(encoding="utf-8").splitlines() if config.exists() else []
    if any(line.upper().startswith('"INTERPRETER_WIN"') for line in lines):
        return False
    config.parent.mkdir(parents=True, exist_ok=True)
    lines.append(f'"INTERPRETER_WIN","{python}"')
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return True


def install(xlam: str | os.PathLike | None = None, lang: str = "en", platform: str | None = None,
            env: Mapping[str, str] | None = None, python: str | None = None) -> Installed:
    """Copy the add-in into XLSTART (Windows); raises :class:`NotWindowsError` elsewhere."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if not platform.startswith("win"):
        raise NotWindowsError(say("not_windows", lang))
    folder = xlstart_folder(env)
    if folder is None:
        raise CsatError(say("no_appdata", lang))
    source = find_xlam(xlam, lang)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / XLAM_NAME
    # Excel keeps a loaded add-in open: atomic_output reports that clearly.
    with atomic_output(target, inputs=[source], lang=lang) as temp:
        shutil.copyfile(source, temp)
    config = config_path(env)
    interpreter = windowless_python(python or sys.executable)
    written = write_interpreter(config, interpreter)
    return Installed(target, config if written else None, interpreter if written else None)
