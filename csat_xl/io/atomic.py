"""Atomic output: a failed run leaves no half-written file, inputs are never touched.

Every file csat-xl writes goes through :func:`atomic_output`: the content is
written to a temporary file in the destination folder and moved over the
destination with :func:`os.replace` only when complete.  Writing onto one of
the input files is refused, and a destination locked by Excel (Windows raises
``PermissionError``) gives a clear :class:`~csat_xl.findings.OutputError`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..findings import OutputError

_MESSAGES = {
    "same_as_input": {
        "en": "{out}: refusing to write the output onto the input workbook; choose another file name with -o",
        "zh": "{out}：不能把输出写到输入工作簿上；请用 -o 指定其他文件名",
    },
    "locked": {
        "en": "{out}: the file is open in another program (Excel?) or read-only; close it and try again",
        "zh": "{out}：文件正被其他程序（Excel？）打开或为只读；请关闭后重试",
    },
    "no_folder": {"en": "{out}: the folder does not exist", "zh": "{out}：文件夹不存在"},
    "no_temp": {"en": "{out}: cannot create a temporary file in its folder", "zh": "{out}：无法在其文件夹中创建临时文件"},
}


def _message(key: str, lang: str, out: Path) -> str:
    return _MESSAGES[key]["zh" if lang == "zh" else "en"].format(out=out)


def check_not_input(out: Path, inputs: Iterable[str | os.PathLike], lang: str = "en") -> None:
    out_resolved = Path(out).resolve()
    for source in inputs:
        source = Path(source)
        if source.exists() and (source.resolve() == out_resolved or (out_resolved.exists() and os.path.samefile(source, out_resolved))):
            raise OutputError(_message("same_as_input", lang, Path(out)))


def _new_temp_file(out: Path, lang: str) -> Path:
    """A new empty file next to ``out`` with the permissions of any new file.

    ``tempfile.mkstemp`` creates files readable by their owner only (0600),
    and ``os.replace`` keeps that mode: a report or template saved to a
    shared folder would be unreadable by colleagues.  Creating the file with
    mode 0666 lets the user's umask decide, as for any file they save.
    """
    for _ in range(100):
        temp = out.parent / f".{out.stem}.{secrets.token_hex(4)}{out.suffix}.tmp"
        try:
            os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return temp
    raise OutputError(_message("no_temp", lang, out))


@contextlib.contextmanager
def atomic_output(out: str | os.PathLike, inputs: Iterable[str | os.PathLike] = (), lang: str = "en") -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``out``.

    On any exception the temporary file is removed and ``out`` is left as it
    was (absent, or the previous complete file).
    """
    out = Path(out)
    check_not_input(out, inputs, lang)
    if not out.parent.exists():
        raise OutputError(_message("no_folder", lang, out))
    temp = _new_temp_file(out, lang)
    try:
        yield temp
        try:
            os.replace(temp, out)
        except PermissionError as exc:
            raise OutputError(_message("locked", lang, out)) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
