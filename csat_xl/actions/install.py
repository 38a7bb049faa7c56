"""``csat-xl addin install``: put ``csat_xl.xlam`` where Excel loads it.

On Windows, Excel opens every workbook in the user's start-up folder
``%APPDATA%\\Microsoft\\Excel\\XLSTART`` when it starts, so copying the
add-in there makes the 满意度 CSAT tab appear in every Excel session (the
same place ``xlwings addin install`` uses).

Which add-in: ``--xlam PATH`` when given; otherwise the one shipped in the
wheel (``csat_xl/data/csat_xl.xlam``) when it carries the VBA module of the
xlwings installed here — xlwings' module calls the DLL of its own version —
and else one built on the spot from the shipped add-in sources with the
installed xlwings' module (:mod:`csat_xl.actions.xlam`).

The add-in's RunPython calls need to know which Python has csat-xl
installed: unless the user has already chosen one, the Python running this
command is written to the add-in's config file
``%USERPROFILE%\\.csat_xl\\csat_xl.conf`` (``"INTERPRETER_WIN","…\\pythonw.exe"``).
xlwings' VBA reads that file with ``Open … For Input``, which decodes bytes
in the system's ANSI code page (cp936 on Chinese Windows, cp1252 on Western
European …), so the file is written in that code page — a path under
``C:\\Users\\张三`` must be GBK bytes, not UTF-8.  A path the code page
cannot spell is replaced by its 8.3 short form (ASCII); failing that the
command stops with a message instead of writing a path VBA would garble.

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
from .xlam import PROJECT_NAME, XLAM_NAME, build_xlam, find_sources, xlwings_addin_module, xlwings_version_of

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
            "  • xlwings Server: ask IT to run the server project addin/server and deploy the manifest it serves\n    (xlwings Server needs an xlwings PRO licence for company use);\n"
            "  • the command line: csat-xl validate / report / template."
        ),
        "zh": (
            "经典 Excel 加载项（csat_xl.xlam，RunPython）只适用于 Windows 版 Excel。\n"
            "在这台电脑上请改用以下方式之一（见 docs/actions.md）：\n"
            "  • xlwings Lite：从 Excel 加载项商店安装免费的 xlwings Lite，在其 requirements 中加入 csat-xl，\n"
            "    然后在任务窗格中运行 build_report、new_template、validate、refresh_results；\n"
            "  • xlwings Server：请 IT 运行服务器项目 addin/server 并部署其提供的清单（公司使用需要 xlwings PRO 许可证）；\n"
            "  • 命令行：csat-xl validate / report / template。"
        ),
    },
    "no_xlam": {
        "en": "{xlam} not found, and no add-in sources to build it from. Reinstall csat-xl (pip install --force-reinstall csat-xl) or pass --xlam PATH.",
        "zh": "找不到 {xlam}，也没有可用于构建它的加载项源文件。请重新安装 csat-xl（pip install --force-reinstall csat-xl）或用 --xlam 指定路径。",
    },
    "rebuilt": {
        "en": "Built the add-in for the installed xlwings {version} (its VBA module must match the xlwings of this Python).",
        "zh": "已按本机安装的 xlwings {version} 构建加载项（其 VBA 模块必须与此 Python 中的 xlwings 版本一致）。",
    },
    "not_ansi": {
        "en": ("The path {python} cannot be written in the Windows code page cp{code_page}, which the add-in's VBA reads, "
               "and it has no short (8.3) name. Install Python in a folder with a plain-ASCII path (e.g. C:\\csat\\.venv) "
               "and run csat-xl addin install from there."),
        "zh": ("路径 {python} 无法用加载项 VBA 读取配置时使用的 Windows 代码页 cp{code_page} 表示，且没有 8.3 短路径。"
               "请把 Python 安装到纯英文路径（如 C:\\csat\\.venv）后，在那里运行 csat-xl addin install。"),
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
    #: the xlwings version the add-in was built for on the spot (None: copied as shipped)
    rebuilt_for: str | None = None


def shipped_xlam() -> Path:
    """The add-in in the installed package (the wheel's build step puts it there)."""
    return Path(__file__).resolve().parent.parent / "data" / XLAM_NAME


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


#: The code page assumed where Windows cannot be asked (tests of the Windows path on other systems).
FALLBACK_CODE_PAGE = 1252


def ansi_code_page() -> int:
    """The Windows ANSI code page (GetACP: 936 on Chinese Windows), which VBA's file input decodes with."""
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetACP())  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        return FALLBACK_CODE_PAGE


def short_path(path: str) -> str | None:
    """The 8.3 short form of an existing path (Windows), or None."""
    try:
        import ctypes

        buffer = ctypes.create_unicode_buffer(32768)
        length = ctypes.windll.kernel32.GetShortPathNameW(path, buffer, len(buffer))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None
    return buffer.value if 0 < length < len(buffer) else None


def ansi_spelling(python: str, code_page: int, lang: str, shorten=short_path) -> str:
    """``python`` as the code page can spell it: itself, else its short path; else a clear error."""
    for candidate in (python, shorten(python)):
        if candidate is None:
            continue
        try:
            candidate.encode(f"cp{code_page}")
        except UnicodeEncodeError:
            continue
        return candidate
    raise CsatError(say("not_ansi", lang, python=python, code_page=code_page))


def _read_config(config: Path, code_page: int) -> tuple[list[str], bool]:
    """The config's lines, and whether it must be rewritten in the code page.

    csat-xl 0.1.0 wrote this file in UTF-8, which VBA reads as mojibake when
    the path has non-ASCII characters: a file that is valid UTF-8 *and* not
    plain ASCII is taken as such a file (GBK text is practically never valid
    UTF-8) and is converted.
    """
    if not config.exists():
        return [], False
    data = config.read_bytes()
    try:
        text = data.decode("utf-8")
        return text.splitlines(), not text.isascii()
    except UnicodeDecodeError:
        return data.decode(f"cp{code_page}", errors="replace").splitlines(), False


def _write_config(config: Path, lines: list[str], code_page: int, lang: str) -> None:
    config.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(config, lang=lang) as temp:
        Path(temp).write_bytes(("\r\n".join(lines) + "\r\n").encode(f"cp{code_page}"))


def write_interpreter(config: Path, python: str, code_page: int = 1252, lang: str = "en") -> bool:
    """Add ``INTERPRETER_WIN`` to the add-in's config file, in the ANSI code page, unless the user has set one.

    A UTF-8 config of an earlier version is rewritten in the code page
    (when the code page can spell it), keeping the user's settings.
    """
    lines, utf8 = _read_config(config, code_page)
    if any(line.upper().startswith('"INTERPRETER_WIN"') for line in lines):
        if utf8:
            try:
                _write_config(config, lines, code_page, lang)
            except UnicodeEncodeError:
                pass  # not spellable in the code page: left as it is
        return False
    lines.append(f'"INTERPRETER_WIN","{python}"')
    _write_config(config, lines, code_page, lang)
    return True


def install(xlam: str | os.PathLike | None = None, lang: str = "en", platform: str | None = None,
            env: Mapping[str, str] | None = None, python: str | None = None, code_page: int | None = None,
            shorten=short_path) -> Installed:
    """Put the add-in into XLSTART (Windows); raises :class:`NotWindowsError` elsewhere.

    ``code_page`` is the ANSI code page the config is written in (default:
    this Windows' own, :func:`ansi_code_page`); ``shorten`` finds a short
    path (tests pass their own).
    """
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if not platform.startswith("win"):
        raise NotWindowsError(say("not_windows", lang))
    folder = xlstart_folder(env)
    if folder is None:
        raise CsatError(say("no_appdata", lang))
    code_page = code_page or ansi_code_page()
    interpreter = ansi_spelling(windowless_python(python or sys.executable), code_page, lang, shorten)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / XLAM_NAME
    rebuilt_for = None
    if xlam is not None:
        source = Path(xlam)
        if not source.is_file():
            raise CsatError(say("no_xlam", lang, xlam=source))
    else:
        source = shipped_xlam()
        _, installed_xlwings = xlwings_addin_module()
        if xlwings_version_of(source) != installed_xlwings:
            sources = find_sources()
            if sources is None:
                raise CsatError(say("no_xlam", lang, xlam=source))
            source, rebuilt_for = None, installed_xlwings
    # Excel keeps a loaded add-in open: atomic_output reports that clearly.
    if source is None:
        build_xlam(target, sources, lang=lang)
    else:
        with atomic_output(target, inputs=[source], lang=lang) as temp:
            shutil.copyfile(source, temp)
    config = config_path(env)
    written = write_interpreter(config, interpreter, code_page, lang)
    return Installed(target, config if written else None, interpreter if written else None, rebuilt_for)
