"""Damaged XML ends the same way on both engines (csat_xl/io/cells.py, Archive's well-formedness checks).

A cell whose stored value does not fit its type is read alike (python-calamine's
reading, followed by openpyxl) or refused alike naming the cell; a part that is
not well-formed XML is refused by both.  The cells are typed into the XML here
because no spreadsheet program writes them — a damaged file, a hand-edited one,
or another program's bug does.
"""

import math
import re
import zipfile

import pytest
from openpyxl import Workbook

from csat_xl.io.readers import WorkbookReadError, read_tables
from hostile import Entry, rewrite

ENGINES = ("calamine", "openpyxl")


def workbook(tmp_path, cells: str, name: str = "case.xlsx", changes=None):
    """A one-sheet workbook "S" with three shared strings (a, b, c) whose row 2 is ``cells``."""
    base = tmp_path / "base.xlsx"
    book = Workbook()
    book.active.title = "S"
    book.active.append(["a", "b", "c"])
    book.save(base)
    with zipfile.ZipFile(base) as z:
        xml, types, rels = (z.read(n).decode() for n in ("xl/worksheets/sheet1.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"))
    xml = re.sub(r"<dimension [^>]*/>", "", xml).replace("</row></sheetData>", f'</row><row r="2">{cells}</row></sheetData>')
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">' \
              '<si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>'
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                          'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')
    return rewrite(base, tmp_path / name, {"xl/worksheets/sheet1.xml": xml.encode(), "[Content_Types].xml": types.encode(),
                                           "xl/_rels/workbook.xml.rels": rels.encode(), **(changes or {})},
                   extra=[Entry.of("xl/sharedStrings.xml", strings.encode())])


def grid(path, engine):
    return [[repr(v) if not (isinstance(v, float) and math.isnan(v)) else "nan" for v in row] for row in read_tables(path, engine)["S"].rows]


READ_AS = [  # (cell XML, what both engines give)
    ('<c r="A2"><v>abc</v></c>', "'abc'"),
    ('<c r="B2"><v>1,000</v></c>', "'1,000'"),
    ('<c r="C2"><f>1/0</f><v>#DIV/0!</v></c>', "'#DIV/0!'"),
    ('<c r="D2"><v>+5</v></c>', "5.0"),
    ('<c r="E2"><v>1E+2</v></c>', "100.0"),
    ('<c r="F2"><v>inf</v></c>', "inf"),
    ('<c r="G2" t="d"><v>2026-13-45</v></c>', "'2026-13-45'"),
    ('<c r="H2" t="d"><v>x</v></c>', "'x'"),
    ('<c r="I2" t="d"><v>2026-05-01</v></c>', "datetime.date(2026, 5, 1)"),
    ('<c r="J2" t="d"><v>2026-05-01T10:00:00.5</v></c>', "datetime.datetime(2026, 5, 1, 10, 0, 0, 500000)"),
    ('<c r="K2" t="d"><v>2026-05-01T00:00:00</v></c>', "datetime.datetime(2026, 5, 1, 0, 0)"),
    ('<c r="L2" t="d"><v>9:05</v></c>', "datetime.time(9, 5)"),
    ('<c r="M2" t="d"><v>2026-05-01T10:00</v></c>', "'2026-05-01T10:00'"),
    ('<c r="N2" t="d"><v>2026-02-30</v></c>', "'2026-02-30'"),
    ('<c r="O2" t="b"><v>TRUE</v></c>', "True"),
    ('<c r="P2" t="b"><v>0</v></c>', "False"),
    ('<c r="Q2" t="s"><v>2</v></c>', "'c'"),
    ('<c r="R2" t="n"><v>7</v></c>', "7.0"),
    ('<c r="S2"><v>４０</v></c>', "'４０'"),  # full-width digits: text (Python's float() would take them)
    ('<c r="T2"><v>_x001B_x</v></c>', "'_x001B_x'"),  # escapes belong to strings, not to a number's text
]


def test_cells_that_do_not_fit_their_type_are_read_alike(tmp_path):
    path = workbook(tmp_path, "".join(cell for cell, _ in READ_AS))
    expected = [value for _, value in READ_AS]
    assert [grid(path, engine)[1] for engine in ENGINES] == [expected, expected]


@pytest.mark.parametrize("cell, kind", [
    ('<c r="D2" t="b"><v>2</v></c>', "TRUE/FALSE"),
    ('<c r="D2" t="b"><v>x</v></c>', "TRUE/FALSE"),
    ('<c r="D2" t="s"><v>3</v></c>', "shared text"),
    ('<c r="D2" t="s"><v>-1</v></c>', "shared text"),
    ('<c r="D2" t="s"><v>x</v></c>', "shared text"),
    ('<c r="D2" t="n"><v>abc</v></c>', "number"),
    ('<c r="D2" t="zz"><v>1</v></c>', 't="zz"'),
])
def test_damaged_cells_are_refused_alike_naming_the_cell(tmp_path, cell, kind):
    path = workbook(tmp_path, '<c r="A2"><v>1</v></c>' + cell)
    messages = []
    for engine in ENGINES:
        with pytest.raises(WorkbookReadError) as caught:
            read_tables(path, engine)
        assert caught.value.code == "damaged_cell" and caught.value.exit_code == 2
        messages.append((caught.value.render("en"), caught.value.render("zh")))
    assert messages[0] == messages[1]
    assert f"S!D2 is a {kind} cell holding" in messages[0][0] and "S!D2 是" in messages[0][1]


MALFORMED = {
    "unclosed tag around the cells": lambda xml: {"xl/worksheets/sheet1.xml": xml.replace(b"</sheetView>", b"<sheetView>", 1)},
    "unclosed tag in core properties": lambda xml: {"docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="x"><a>'},
    "package relationships missing": lambda xml: {"_rels/.rels": None},
    "content types missing": lambda xml: {"[Content_Types].xml": None},
}


@pytest.mark.parametrize("damage", MALFORMED)
def test_malformed_parts_are_refused_alike(tmp_path, damage):
    path = workbook(tmp_path, '<c r="A2"><v>1</v></c>', "sound.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<sheetView " in xml
    damaged = rewrite(path, tmp_path / "damaged.xlsx", MALFORMED[damage](xml))
    codes = []
    for engine in ENGINES:
        with pytest.raises(WorkbookReadError) as caught:
            read_tables(damaged, engine)
        codes.append((caught.value.code, caught.value.render("zh")))
    assert codes[0] == codes[1] and codes[0][0] in ("malformed", "damaged"), codes
