"""Button actions: build report, new template, validate, refresh results.

The same four actions run in every Excel host; only the outer shell differs:

``csat_xl.actions.book_actions``
    The actions themselves, working on an open ``xw.Book`` through xlwings'
    public API only (sheets, ranges, values, formats).  Every host ends here.
``csat_xl.actions.documents``
    Build report and New template: the report model and the template as
    sheets of the book (Office.js hosts), as a new workbook (xlwings
    Server) or as files next to the workbook (classic desktop).
``csat_xl.actions.scripts``
    ``@xw.script`` wrappers for xlwings Lite and xlwings Server (Office.js):
    the host injects the book; ribbon buttons and the Lite task pane call them.
``csat_xl.actions.classic``
    Entry points for classic xlwings on Windows desktop (``RunPython`` from
    the ribbon of ``csat_xl.xlam``): they take the caller's book when none
    is passed and write report / template *files* next to the workbook.
``csat_xl.actions.book_renderer``
    Writes blocks of cells (the report model, findings, results) into sheets
    of an open book with batched writes: one value write per block.
``csat_xl.actions.xlam`` / ``csat_xl.actions.install``
    Building ``csat_xl.xlam`` (ribbon injection on any OS, the VBA project
    through Excel on Windows) and ``csat-xl addin install``.

User documentation: ``docs/actions.md``.

Nothing here imports xlwings (or any Windows-only module) at import time of
this package; ``scripts`` imports xlwings because its decorator needs it.
"""
