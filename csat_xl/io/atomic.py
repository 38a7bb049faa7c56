"""The one output path: every file csat-xl writes appears complete or not at all.

Every command and action writes through :func:`atomic_output`:

- the target is checked first: not one of the inputs, not a folder, not
  open in Excel (Excel's lock file ``~$<name>`` beside it);
- missing parent folders are created (by every command alike);
- the content goes to a temporary file in the target's folder, named
  ``.~csat-xl.<pid>.<random><suffix>`` — short whatever the target's name
  (a valid 250-byte name must not become an invalid 270-byte one) — and is
  moved over the target with :func:`os.replace` only when complete, so the
  previous file stays until the new one is whole;
- every OS error becomes an :class:`~csat_xl.findings.OutputError` of one
  line in the user's language naming the path and the reason (permission,
  folder, disk full, name too long …); the temporary file is removed.

A run ended by SIGTERM/SIGINT/SIGHUP removes its temporary file too (the CLI
turns those signals into an exception, see :func:`exit_on_signals`).  After
SIGKILL or a power cut nothing can run: the target is then still the
previous complete file (``os.replace`` is atomic) and at most one hidden
temporary file of the killed run remains — the next run into that folder
removes temporaries of our naming whose process is gone
(:func:`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import signal
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..findings import OutputError

_MESSAGES = {
    "same_as_input": {
        "en": "{out}: refusing to write the output onto the input workbook; choose another file name with -o",
        "zh": "{out}：不能把输出写到输入工作簿上；请用 -o 指定其他文件名",
    },
    "open_in_excel": {
        "en": "{out}: the file is open in Excel ({lock} exists); close it and try again",
        "zh": "{out}：文件正在 Excel 中打开（存在 {lock}）；请关闭后重试",
    },
    "cannot_write": {"en": "{out}: cannot write: {reason}", "zh": "{out}：无法写入：{reason}"},
}

#: the reason of an OS error, by errno, in both languages
_REASONS = {
    errno.EACCES: ("permission denied (the folder is not writable, or the file is read-only or open in another program such as Excel)",
                   "没有权限（文件夹不可写，或文件只读或正被其他程序如 Excel 打开）"),
    errno.EPERM: ("operation not permitted", "不允许的操作"),
    errno.EISDIR: ("a folder of that name exists; give a file name", "已有同名文件夹；请指定文件名"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "路径中的某一部分是文件而不是文件夹"),
    errno.ENOENT: ("the folder does not exist and cannot be created", "文件夹不存在且无法创建"),
    errno.ENOSPC: ("the disk is full", "磁盘已满"),
    errno.EDQUOT: ("the disk quota is exceeded", "超出磁盘配额"),
    errno.ENAMETOOLONG: ("the file name is too long", "文件名过长"),
    errno.EROFS: ("the drive is read-only", "驱动器为只读"),
    errno.EEXIST: ("a file of that name is in the way", "已有同名文件阻挡"),
    errno.EBUSY: ("the file is in use", "文件正被使用"),
    errno.ETXTBSY: ("the file is in use", "文件正被使用"),
    errno.EIO: ("an input/output error of the drive", "驱动器输入/输出错误"),
}


def _message(key: str, lang: str, out: Path, **values: object) -> str:
    return _MESSAGES[key]["zh" if lang == "zh" else "en"].format(out=out, **values)


def os_error_message(exc: OSError, out: Path, lang: str = "en") -> str:
    """One line for an OS error writing ``out``: the path and the reason in ``lang``."""
    pair = _REASONS.get(exc.errno)
    if pair is None and getattr(exc, "winerror", None) in (32, 33):  # sharing / lock violation (Windows)
        pair = _REASONS[errno.EACCES]
    reason = pair[1 if lang == "zh" else 0] if pair else (exc.strerror or str(exc) or type(exc).__name__)
    return _message("cannot_write", lang, out, reason=reason)


def check_not_input(out: Path, inputs: Iterable[str | os.PathLike], lang: str = "en") -> None:
    out_resolved = Path(out).resolve()
    for source in inputs:
        source = Path(source)
        if source.exists() and (source.resolve() == out_resolved or (out_resolved.exists() and os.path.samefile(source, out_resolved))):
            raise OutputError(_message("same_as_input", lang, Path(out)))


def lock_file(out: Path) -> Path:
    """Excel's owner file for ``out`` while it is open: ``~$<name>`` in the same folder."""
    return out.with_name("~$" + out.name)


def check_target(out: str | os.PathLike, inputs: Iterable[str | os.PathLike] = (), lang: str = "en") -> Path:
    """Refuse a target that is an input, a folder, or open in Excel; return it as a Path."""
    out = Path(out)
    try:
        check_not_input(out, inputs, lang)
        if out.is_dir():
            raise OutputError(os_error_message(IsADirectoryError(errno.EISDIR, "is a directory"), out, lang))
        lock = lock_file(out)
        if lock.exists():
            raise OutputError(_message("open_in_excel", lang, out, lock=lock.name))
    except OSError as exc:  # a name too long for the file system, a path through a file …
        raise OutputError(os_error_message(exc, out, lang)) from exc
    return out


_TEMP = re.compile(r"^\.~csat-xl\.(\d+)\.[0-9a-f]{8}(\.\w{1,12}){0,3}$")  # also the report splicer's "<temp>.rows"
#: a temporary file older than this is stale even when its process id is alive again
STALE_AFTER = 24 * 3600


def _temp_name(out: Path) -> str:
    suffix = out.suffix if re.fullmatch(r"\.\w{1,12}", out.suffix) else ""
    return f".~csat-xl.{os.getpid()}.{secrets.token_hex(4)}{suffix}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or no way to tell: leave its file alone
    return True


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove temporaries of our naming left by killed runs (process gone, or older than a day)."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        match = _TEMP.match(name)
        if not match:
            continue
        path = folder / name
        try:
            if not _alive(int(match.group(1))) or now - path.stat().st_mtime > STALE_AFTER:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _new_temp_file(out: Path, lang: str) -> Path:
    """A new empty file next to ``out`` with the permissions of any new file.

    ``tempfile.mkstemp`` creates files readable by their owner only (0600),
    and ``os.replace`` keeps that mode: a report or template saved to a
    shared folder would be unreadable by colleagues.  Creating the file with
    mode 0666 lets the user's umask decide, as for any file they save.
    """
    while True:
        temp = out.parent / _temp_name(out)
        try:
            os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(os_error_message(exc, out, lang)) from exc
        return temp


@contextlib.contextmanager
def atomic_output(out: str | os.PathLike, inputs: Iterable[str | os.PathLike] = (), lang: str = "en") -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``out``.

    On any exception (and on SIGTERM under :func:`exit_on_signals`) the
    temporary file is removed and ``out`` is left as it was (absent, or the
    previous complete file); an OS error becomes a one-line
    :class:`~csat_xl.findings.OutputError`.
    """
    out = check_target(out, inputs, lang)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where a folder of the path should be
        raise OutputError(os_error_message(NotADirectoryError(errno.ENOTDIR, "not a directory"), out, lang)) from exc
    except OSError as exc:
        raise OutputError(os_error_message(exc, out, lang)) from exc
    remove_stale_temps(out.parent)
    temp = _new_temp_file(out, lang)
    try:
        try:
            yield temp
            os.replace(temp, out)
        except OSError as exc:
            raise OutputError(os_error_message(exc, out, lang)) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def write_bytes(out: str | os.PathLike, data: bytes, inputs: Iterable[str | os.PathLike] = (), lang: str = "en") -> Path:
    """Write ``data`` to ``out`` through :func:`atomic_output`; returns ``out``."""
    with atomic_output(out, inputs, lang) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return Path(out)


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM/SIGHUP so that cleanup (temporary files) runs."""


@contextlib.contextmanager
def exit_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` (exit 128+signal) for the duration."""
    def handler(signum, frame):
        raise Terminated(128 + signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            previous[sig] = signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            continue
    try:
        yield
    finally:
        for sig, old in previous.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, old)
