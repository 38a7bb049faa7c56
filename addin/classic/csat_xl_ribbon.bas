Attribute VB_Name = "csat_xl_ribbon"
' Ribbon callbacks of the CSAT tab (customUI14.xml) of csat_xl.xlam.
'
' Each callback only hands over to Python: the actions live in
' csat_xl.actions.classic (see docs/actions.md). RunPython is xlwings' own
' macro, imported into the same add-in by build_xlam.py. This file is kept
' ASCII-only because the VBA editor imports modules in the ANSI code page.
Option Explicit

Sub CsatBuildReport(control As IRibbonControl)
    RunPython "import csat_xl.actions.classic as a; a.build_report()"
End Sub

Sub CsatNewTemplate(control As IRibbonControl)
    RunPython "import csat_xl.actions.classic as a; a.new_template()"
End Sub

Sub CsatValidate(control As IRibbonControl)
    RunPython "import csat_xl.actions.classic as a; a.validate()"
End Sub

Sub CsatRefreshResults(control As IRibbonControl)
    RunPython "import csat_xl.actions.classic as a; a.refresh_results()"
End Sub

Sub CsatConsolidate(control As IRibbonControl)
    RunPython "import csat_xl.actions.classic as a; a.consolidate()"
End Sub

Sub CsatImportFunctions(control As IRibbonControl)
    RunPython "import csat_xl.actions.classic as a; a.import_functions()"
End Sub
