"""The add-in's scripts: the four buttons of the 满意度 CSAT tab and of the task pane.

The ribbon buttons run them by name (static/js/main.js); the task pane lists
them (templates/taskpane.html).  What they do: docs/actions.md.
"""

from csat_xl.actions.scripts import build_report, new_template, refresh_results, validate  # noqa: F401
