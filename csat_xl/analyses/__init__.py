"""Analyses beyond the score (``../shared/spec/ANALYSES.md``).

Each analysis is a pure module here, beside the scoring core: it takes the
core's results (a :class:`~csat_xl.survey.Survey`, :class:`~csat_xl.scoring.Scores`,
:class:`~csat_xl.aggregation.Summary`) and returns plain pandas/numpy data.
Nothing here reads files, knows an Excel host or formats a report: the report
builders, the CLI and the Excel functions are the rims that show the results.
"""
