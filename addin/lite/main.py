"""csat-xl custom functions for xlwings Lite.

Paste this file into the xlwings Lite editor's main.py (or add the import
line to yours) and the requirements.txt of this folder into the editor's
requirements.txt tab, then restart Python.  xlwings Lite registers every
function imported here: =CSAT_SCORES(), =CSAT_SCORE(), =CSAT_WEIGHTED(),
=CSAT_VISIT(), =CSAT_BLEND(), =CSAT_ADJUSTMENT(), =CSAT_GRADE(),
=CSAT_WEIGHTS(), =CSAT_VERSION(), =CSAT_ALPHA(), =CSAT_CI(); and the
scripts imported below appear in the task pane (Build report, New template,
Validate, Refresh; docs/actions.md).  See docs/excel.md.

把本文件粘贴到 xlwings Lite 编辑器的 main.py，把同目录 requirements.txt 的内容
粘贴到 requirements.txt 标签页，然后重启 Python，即可在单元格中使用上述函数。
"""

from csat_xl.excel import *  # noqa: F401,F403 - the functions Lite registers
from csat_xl.actions.scripts import build_report, new_template, refresh_results, validate  # noqa: F401 - task-pane scripts
