"""The version of csat-xl: the one place it is written.

A literal, so that ``import csat_xl`` needs no ``importlib.metadata`` lookup
(xlwings Lite imports the package from a wheel unpacked into Pyodide, and a
source tree has no metadata at all) and so that setuptools reads it without
importing the package (``[tool.setuptools.dynamic] version`` in
pyproject.toml).  A release bumps this line, adds a CHANGELOG.md entry and
pushes the tag ``v<version>`` (docs/install.md, "Releasing").
"""

__version__ = "0.1.0"
