"""The add-in's worksheet functions: csat-xl's =CSAT_SCORE(), =CSAT_SCORES() and the others.

xlwings Server registers every function this package exposes (its
custom-functions-meta endpoint) and calls them by name; csat_xl.excel lists
them all, so functions added to csat-xl appear here with no change.
"""

from csat_xl.excel import *  # noqa: F401,F403
