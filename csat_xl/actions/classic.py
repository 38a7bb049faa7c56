"""Entry points for classic xlwings on Windows desktop (the ``csat_xl.xlam`` ribbon).

Each ribbon button of ``addin/classic/customUI14.xml`` calls a VBA callback
in ``addin/classic/csat_xl_ribbon.bas`` that does nothing but::

    RunPython "import csat_xl.actions.classic as a; a.build_report()"

The functions take the workbook to work on as ``book``; without it they
take the caller's book (``xw.Book.caller()``).  A ribbon button of an
add-in is called *from the add-in*, so when the caller is the ``.xlam``
itself the active workbook is used instead — the one the user is looking at.

Unlike Office.js hosts, the desktop has a file system: **Build report**
writes the summary workbook next to the active workbook with the file
renderer (through :func:`csat_xl.io.atomic.atomic_output`, so a failed run
leaves no half-written file and the survey is never overwritten) and opens
it; **New template** writes a template file and opens it.  **Validate** and
**Refresh** write into the open workbook like every other host.

Nothing Windows-only is imported at import time (this module is imported by
the tests on Linux and by the ribbon on Windows alike).
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..findings import CsatError, InvalidInputError, OutputError
from . import book_actions, texts
from .xlam import UDF_MODULES  # the modules **Import functions** registers (also in the add-in's config sheet)

#: File names of what the buttons write, by language.
REPORT_SUFFIX = {"zh": "_报告", "en": "_report"}
TEMPLATE_STEM = {"zh": "满意度调查模板", "en": "satisfaction_survey_template"}
GROUP_SUFFIX = {"zh": "_集团汇总", "en": "_group"}


def caller_book(book=None):
    """``book``, or the workbook the user is working in when called from Excel."""
    if book is not None:
        return book
    import xlwings as xw

    caller = xw.Book.caller()
    if caller.name.lower().endswith((".xlam", ".xla")):
        # Called from the add-in's ribbon: the add-in is the caller, the
        # user's workbook is the active one.
        active = caller.app.books.active
        if active is None:
            raise CsatError(texts.say("no_workbook", texts.workbook_lang(())))
        return active
    return caller


def _folder_of(book, lang: str) -> Path:
    """The folder the workbook is saved in; unsaved or cloud-only workbooks have none."""
    full = Path(str(book.fullname))
    if not full.is_absolute() or not full.parent.is_dir():
        raise OutputError(texts.say("save_first", lang, book=book.name))
    return full.parent


def report_path(book, lang: str) -> Path:
    """``<workbook>_报告.xlsx`` / ``<workbook>_report.xlsx`` next to the workbook."""
    full = Path(str(book.fullname))
    return _folder_of(book, lang) / f"{full.stem}{REPORT_SUFFIX[lang]}.xlsx"


def free_path(folder: Path, stem: str, suffix: str = ".xlsx") -> Path:
    """``folder/stem.xlsx``, or ``stem (2).xlsx`` … when taken: never overwrite a user's file."""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


#: Title of the message boxes the buttons show.
ALERT_TITLE = "满意度 CSAT"


def reported(action):
    """A ribbon action whose own errors (csat-xl's, with a clear message) show as a message box.

    RunPython would otherwise show a Python traceback to the quality
    officer.  Anything unexpected still propagates (and xlwings shows it).
    """

    @functools.wraps(action)
    def run(book=None):
        try:
            return action(book)
        except CsatError as exc:
            if book is not None:
                app = book.app
            else:  # the Excel instance whose button was clicked
                import xlwings as xw

                app = xw.Book.caller().app
            app.alert(str(exc), title=ALERT_TITLE)
            return None

    return run


@reported
def validate(book=None):
    """Ribbon 校验 Validate: the findings sheet of the active workbook."""
    return book_actions.validate(caller_book(book))


@reported
def refresh_results(book=None):
    """Ribbon 刷新结果 Refresh: the results sheet of the active workbook."""
    return book_actions.refresh_results(caller_book(book))


@reported
def build_report(book=None) -> Path | None:
    """Ribbon 生成报告 Build report: write the report file next to the workbook and open it.

    On input errors the findings sheet is shown instead and None returned;
    nothing is written to disk.
    """
    from .documents import report_model, render_report_file

    book = caller_book(book)
    lang = book_actions.book_lang(book)
    survey, findings = book_actions.inspect_book(book)
    if survey is None:
        book_actions.show_findings(book, findings, lang)
        return None
    out = report_path(book, lang)
    render_report_file(report_model(survey, lang), out, inputs=[Path(str(book.fullname))])
    book.app.books.open(str(out))
    return out


@reported
def new_template(book=None) -> Path | None:
    """Ribbon 新建模板 New template: write a blank template file and open it.

    It goes next to the active workbook (or into the user's Documents
    folder when no saved workbook is open) under a name that is free, in the
    workbook's language.  When the workbook's Scheme / Scales / Settings
    have errors, the findings sheet is shown instead and None returned.
    """
    from .documents import write_template_file

    import xlwings as xw

    try:
        book = caller_book(book)
    except Exception:  # no workbook open at all: Book.caller() has nothing to return
        book = None
    lang = book_actions.book_lang(book) if book is not None else texts.workbook_lang(())
    folder = None
    if book is not None:
        try:
            folder = _folder_of(book, lang)
        except OutputError:
            folder = None
    if folder is None:
        documents = Path.home() / "Documents"
        folder = documents if documents.is_dir() else Path.home()
    out = free_path(folder, TEMPLATE_STEM[lang])
    try:
        write_template_file(out, lang, book)
    except InvalidInputError as exc:
        if book is None:
            raise
        book_actions.show_findings(book, exc.findings, lang)
        return None
    app = book.app if book is not None else xw.apps.active
    app.books.open(str(out))
    return out


def ask_folder(app, lang: str, start: Path | None = None) -> Path | None:
    """Excel's own folder picker (``msoFileDialogFolderPicker``); None when cancelled.

    Through the application's COM object, reached only when the button is
    clicked (nothing Windows-only at import time)."""
    dialog = app.api.FileDialog(4)  # msoFileDialogFolderPicker
    dialog.Title = texts.say("consolidate_pick", lang)
    if start is not None:
        dialog.InitialFileName = str(start) + "\\"
    if dialog.Show() != -1:
        return None
    return Path(str(dialog.SelectedItems(1)))


def consolidate_folder(folder: Path, app, lang: str) -> Path | None:
    """Consolidate the branch workbooks of ``folder`` into ``<folder>_集团汇总.xlsx``
    beside it, open it, and say in a message box which files were not included.

    Read in this process (no worker processes inside Excel's Python)."""
    from ..consolidate import ConsolidateOptions, consolidate_files
    from ..report.consolidated import outcome_line, write_group_report

    folder = Path(folder)
    out = folder.parent / f"{folder.name}{GROUP_SUFFIX[lang]}.xlsx"
    group = consolidate_files([folder], options=ConsolidateOptions(jobs=1), exclude=[out])
    left_out = [o for o in group.outcomes if o.status != "read"]
    lines = "\n".join(outcome_line(o, lang) for o in left_out[:20])
    if not group.branches:
        app.alert(texts.say("consolidate_none", lang, folder=folder, lines=lines), title=ALERT_TITLE)
        return None
    write_group_report(group, out, lang, source=str(folder))
    app.books.open(str(out))
    if left_out:
        app.alert(texts.say("consolidate_partly", lang, n=len(left_out), lines=lines), title=ALERT_TITLE)
    return out


@reported
def consolidate(book=None) -> Path | None:
    """Ribbon 合并 Consolidate: ask for a folder of branch workbooks and write the
    group report beside it (``csat-xl consolidate``; docs/consolidate.md)."""
    import xlwings as xw

    try:
        book = caller_book(book)
    except Exception:  # no workbook open: Book.caller() has nothing to return
        book = None
    lang = book_actions.book_lang(book) if book is not None else texts.workbook_lang(())
    app = book.app if book is not None else xw.apps.active
    start = None
    if book is not None:
        try:
            start = _folder_of(book, lang)
        except OutputError:
            start = None
    folder = ask_folder(app, lang, start)
    if folder is None:
        return None
    return consolidate_folder(folder, app, lang)


def import_functions(book=None) -> None:
    """Ribbon 导入函数 Import functions: register the csat-xl worksheet functions.

    Called from the add-in, the functions are imported *into the add-in*
    (so every workbook sees them), which is what xlwings'
    ``ImportPythonUDFsToAddin`` does; then the add-in is **saved**, or the
    imported module (``xlwings_udfs``) would be gone when Excel restarts.
    Needs "Trust access to the VBA project object model" in Excel's Trust
    Center.
    """
    import importlib

    import xlwings as xw

    target = book if book is not None else xw.Book.caller()
    udfs = importlib.import_module("xlwings.udfs")  # Windows-only: pywin32
    udfs.import_udfs(";".join(UDF_MODULES), target.api)
    target.save()  # an add-in in XLSTART is saved in place: the functions survive a restart
