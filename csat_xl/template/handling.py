"""The formula template's complaint-handling and Actions parts (issue 14, ANALYSES.md §2–3).

:func:`add_handling` adds to a template the builder has laid out:

* on 投诉 / Complaints: date validation on the receipt, response and closed
  dates (a time typed with a date is kept and counted) and a dropdown for
  the severity;
* the input sheet 整改 / Actions (the builder places it after Complaints): the columns of
  ``labels.COLUMNS["actions"]``, a dropdown of the four statuses, date
  validation on the created, due and done dates;
* the hidden helper sheet ``_时效`` / ``_Handling`` (:data:`~csat_xl.template.texts.HELPER_SHEETS`): one row per complaint
  row and per action row, the rules of :mod:`csat_xl.analyses.complaint_timing`
  and :mod:`csat_xl.analyses.actions` as formulas, and the period end
  (:mod:`csat_xl.analyses.period`);
* on 结果 / Results (columns N:O): closure rate, resolution rate, share
  responded within the limit, on-time rate and the period end — the same
  numbers as ``csat-xl report`` (the LibreOffice parity test binds them).

Only functions of :data:`csat_xl.template.formulas.ALLOWED_FUNCTIONS` are
used.  Without INT or DATE, two tricks stand in:

* the day of a date serial is ``VALUE(MID(cell&"",1,5))`` — the validation
  keeps date cells between serials 20000 and 80000 (1954–2119), which all
  have five integer digits;
* a date from the 期间 text is ``VALUE("2026-06-30")`` (ISO dates are read
  by every engine whatever its locale).
"""

from __future__ import annotations

from openpyxl.styles import Alignment

from .. import labels
from ..labels import Label
from ..settings import Settings
from ..text import column_letter as col, match_key
from . import formulas as fx

#: Results rows of the rates block (column N label, column O value), from row 3.
RATES = (
    Label("closure_rate", "投诉关闭率", "Closure rate"),
    Label("resolution_rate", "投诉解决率", "Resolution rate"),
    Label("response_within", "时限内响应比例", "Responded within the limit"),
    Label("on_time_rate", "按时整改率", "On-time rate (actions)"),
    Label("period_end", "期末日期", "Period end"),
)
RATES_HEADING = Label("rates", "投诉处理与整改", "Complaint handling and actions")
RATES_COLUMN = 14
PROMPTS = {
    "date": {"zh": "日期（可含时间，如 2026-04-08 09:30）。", "en": "A date (may include a time, e.g. 2026-04-08 09:30)."},
    "due": {"zh": "计划完成日期：没有它，该措施不计入按时整改率。", "en": "Due date: without it the action is left out of the on-time rate."},
    "status": {"zh": "未开始 / 进行中 / 已完成 / 已验证", "en": "not started / in progress / done / verified"},
    "severity": {"zh": "一般 / 严重 / 重大", "en": "general / serious / major"},
    "error_date": {"zh": "请输入 1954–2119 年之间的日期。", "en": "Enter a date between 1954 and 2119."},
}
#: Date serials the template accepts (five integer digits: see the module docstring).
SERIAL_MIN, SERIAL_MAX = 20000, 80000
#: Last day of each quarter, five characters each (MID picks one).
QUARTER_ENDS = "03-3106-3009-3012-31"
#: 期间 spellings reduced to 2026q2 / 2026h1 / 2026-5 / 2026 (in order; :mod:`csat_xl.analyses.period`).
PERIOD_SUBSTITUTIONS = (
    (" ", ""), ("　", ""), ("季度", ""), ("季", ""), ("第", "q"), ("一", "1"), ("二", "2"), ("三", "3"), ("四", "4"),
    ("上半年", "h1"), ("下半年", "h2"), ("年度", ""), ("月", ""), ("年", "-"), ("/", "-"), (".", "-"), ("_", "-"),
    ("-q", "q"), ("-h", "h"),
)


def _valid(cell: str) -> str:
    return f"AND(ISNUMBER({cell}),{cell}>={SERIAL_MIN},{cell}<{SERIAL_MAX})"


def _day(cell: str) -> str:
    """The day (serial without its time) of a valid date cell."""
    return f'VALUE(MID({cell}&"",1,5))'


def _timed(cell: str) -> str:
    return f"{cell}<>{_day(cell)}"


def _before(later: str, earlier: str) -> str:
    """``later`` before ``earlier``: exactly when both hold a time, else as days (both valid dates)."""
    return f"IF(AND({_timed(later)},{_timed(earlier)}),{later}<{earlier},{_day(later)}<{_day(earlier)})"


def _one_of(key: str, names) -> str:
    return "OR(" + ",".join(f'{key}={fx.text_literal(match_key(n))}' for n in names) + ")"


def _names(options, keys) -> list[str]:
    return [name for option in options if option.key in keys for name in option.names]


def add_handling(builder) -> None:
    """Add the handling parts to ``builder`` (a :class:`csat_xl.template.builder.Builder`
    after its sheets are laid out; see the module docstring)."""
    from .builder import BOLD, HEADER_FILL, finish_input_sheet, formula, header_row, put, validation

    lang, plan = builder.lang, builder.plan
    say = lambda key: PROMPTS[key][lang]  # noqa: E731
    complaints = builder.ws["complaints"]
    keys = [c.key for c in labels.COLUMNS["complaints"]]
    _, c_last = builder.layout["complaints"]
    letter = {k: col(keys.index(k) + 1) for k in keys}

    # --- Complaints: dates and severity
    for key in ("date", "response_date", "closed_date"):
        target = f"{letter[key]}2:{letter[key]}{c_last}"
        validation(complaints, "date", target, lang, formula1=str(SERIAL_MIN), formula2=str(SERIAL_MAX), operator="between",
                   prompt=(labels.COLUMNS["complaints"][keys.index(key)].text(lang), say("date")), error=say("error_date"))
        for row in range(2, c_last + 1):
            complaints[f"{letter[key]}{row}"].number_format = "yyyy-mm-dd"
        complaints.column_dimensions[letter[key]].width = 12
    severities = ",".join(s.text(lang) for s in labels.COMPLAINT_SEVERITIES)
    validation(complaints, "list", f"{letter['severity']}2:{letter['severity']}{c_last}", lang, formula1=f'"{severities}"',
               prompt=(labels.COLUMNS["complaints"][keys.index("severity")].text(lang), say("severity")), style="warning")

    # --- the Actions input sheet, right after Complaints
    actions = builder.ws["actions"]
    a_keys = [c.key for c in labels.COLUMNS["actions"]]
    a = {k: col(a_keys.index(k) + 1) for k in a_keys}
    header_row(actions, [c.text(lang) for c in labels.COLUMNS["actions"]])
    a_last = plan.complaint_rows + 1
    builder.input_block(actions, 2, a_last, len(a_keys))
    statuses = ",".join(s.text(lang) for s in labels.ACTION_STATUSES)
    validation(actions, "list", f"{a['status']}2:{a['status']}{a_last}", lang, formula1=f'"{statuses}"',
               prompt=(labels.COLUMNS["actions"][a_keys.index("status")].text(lang), say("status")), style="warning")
    for key in ("created_date", "due_date", "done_date"):
        prompt = say("due") if key == "due_date" else say("date")
        validation(actions, "date", f"{a[key]}2:{a[key]}{a_last}", lang, formula1=str(SERIAL_MIN), formula2=str(SERIAL_MAX),
                   operator="between", prompt=(labels.COLUMNS["actions"][a_keys.index(key)].text(lang), prompt),
                   error=say("error_date"))
        for row in range(2, a_last + 1):
            actions[f"{a[key]}{row}"].number_format = "yyyy-mm-dd"
        actions.column_dimensions[a[key]].width = 12
    actions.column_dimensions[a["action"]].width = 36
    actions.column_dimensions[a["effect"]].width = 24
    finish_input_sheet(actions)

    # --- the helper sheet: one row per complaint row (A–H) and per action row (J–P)
    helper = builder.ws["_handling"]  # hidden and protected by the builder, like every helper sheet
    ref = lambda key, address: fx.sheet_ref(builder.sheet[key], address)  # noqa: E731
    header_row(helper, ["counted", "closed", "resolved", "hours", "responded", "within", "latest", "", "",
                        "action", "due", "done", "finished", "is_due", "on_time", "latest", "setting", "value"])
    defaults = Settings()
    put(helper, 2, 17, "ResponseLimit")
    formula(helper, 2, 18, fx.number_or_default(builder.setting_cell("response_limit"), defaults.response_limit_hours))
    put(helper, 3, 17, "PeriodKey")
    key_formula = f'LOWER(TRIM({builder.setting_cell("period")}&""))'
    for old, new in PERIOD_SUBSTITUTIONS:
        key_formula = f"SUBSTITUTE({key_formula},{fx.text_literal(old)},{fx.text_literal(new)})"
    formula(helper, 3, 18, "=" + key_formula)
    k = "$R$3"
    year, tag, rest, tail = f"VALUE(MID({k},1,4))", f"MID({k},5,1)", f"VALUE(MID({k},6,2))", f"MID({k},7,1)"
    month_end = (f'IF({rest}=12,VALUE({year}&"-12-31"),'
                 f'VALUE({year}&"-"&IF({rest}+1<10,"0","")&({rest}+1)&"-01")-1)')
    named_end = (
        f'IFERROR(IF({tag}="q",IF({tail}="",VALUE({year}&"-"&MID("{QUARTER_ENDS}",({rest}-1)*5+1,5)),""),'
        f'IF({tag}="h",IF({tail}="",VALUE({year}&IF({rest}=1,"-06-30",IF({rest}=2,"-12-31","x"))),""),'
        f'IF(OR({tag}="",AND({tag}="-",MID({k},6,1)="")),VALUE({year}&"-12-31"),'
        f'IF(AND({tag}="-",{rest}>=1,{rest}<=12,MID({k},8,1)=""),{month_end},"")))),"")'
    )
    put(helper, 4, 17, "PeriodFromSetting")
    formula(helper, 4, 18, f"=IF(MID({k},1,1)=\"\",\"\",{named_end})")
    # The period end: the 期间 setting's last day, else the latest date of the rows (G, P below), else none.
    put(helper, 5, 17, "PeriodEnd")
    latest = f"MAX($G$2:$G${c_last},$P$2:$P${a_last})"
    formula(helper, 5, 18, f'=IF(ISNUMBER($R$4),$R$4,IF({latest}>0,{_day(latest)},""))', fmt="yyyy-mm-dd")
    builder.name("ResponseLimit", "_handling", "$R$2")
    builder.name("PeriodEnd", "_handling", "$R$5")

    unhandled = _names(labels.OUTCOMES, {"unhandled"})
    resolved = _names(labels.OUTCOMES, {"basically_satisfied", "satisfied", "very_satisfied"})
    finished = _names(labels.ACTION_STATUSES, labels.FINISHED_STATUSES)
    tol = fx.EPSILON
    for row in range(2, c_last + 1):
        cell = lambda key: ref("complaints", f"{letter[key]}{row}")  # noqa: E731
        outcome = fx.label_key(cell("outcome"))
        received, response, closed = cell("date"), cell("response_date"), cell("closed_date")
        formula(helper, row, 1, f"=IF(INDEX(ComplaintCustomer,{row - 1})>0,1,0)")
        formula(helper, row, 2, f'=IF(A{row}=1,IF(OR({outcome}="",{_one_of(outcome, unhandled)}),0,1),0)')
        formula(helper, row, 3, f"=IF(A{row}=1,IF({_one_of(outcome, resolved)},1,0),0)")
        hours = f"IF(AND({_timed(response)},{_timed(received)}),({response}-{received})*24,({_day(response)}-{_day(received)})*24)"
        formula(helper, row, 4, f'=IF(AND(A{row}=1,{_valid(received)},{_valid(response)}),{hours},"")')
        formula(helper, row, 5, f'=IF(D{row}="",0,IF(D{row}>=0,1,0))')
        formula(helper, row, 6, f"=IF(E{row}=1,IF(D{row}<=ResponseLimit+{tol},1,0),0)")
        # IF, not AND: AND evaluates every argument, and the day of a blank cell is an error
        closed_ok = f"IF({_valid(closed)},IF({_valid(received)},NOT({_before(closed, received)}),TRUE),FALSE)"
        formula(helper, row, 7, f"=IF(A{row}=1,MAX(IF({_valid(received)},{received},0),IF(E{row}=1,{response},0),"
                                f"IF({closed_ok},{closed},0)),0)")
    for row in range(2, a_last + 1):
        cell = lambda key: ref("actions", f"{a[key]}{row}")  # noqa: E731
        created, due, done = cell("created_date"), cell("due_date"), cell("done_date")
        formula(helper, row, 10, f'=IF(TRIM({cell("action")}&"")<>"",1,0)')
        formula(helper, row, 11, f'=IF(AND(J{row}=1,{_valid(due)}),{_day(due)},"")')
        done_ok = f"IF({_valid(created)},NOT({_before(done, created)}),TRUE)"
        formula(helper, row, 12, f'=IF(AND(J{row}=1,{_valid(done)}),IF({done_ok},{_day(done)},""),"")')
        formula(helper, row, 13, f"=IF(J{row}=1,IF({_one_of(fx.label_key(cell('status')), finished)},1,0),0)")
        formula(helper, row, 14, f'=IF(AND(K{row}<>"",ISNUMBER(PeriodEnd)),IF(K{row}<=PeriodEnd,1,0),0)')
        formula(helper, row, 15, f'=IF(AND(N{row}=1,M{row}=1,L{row}<>""),IF(L{row}<=K{row},1,0),0)')
        formula(helper, row, 16, f"=IF(J{row}=1,MAX(IF({_valid(created)},{created},0),IF(L{row}<>\"\",{done},0)),0)")

    # --- Results: the four rates and the period end
    results = builder.ws["results"]
    h = lambda column, last: f"{fx.sheet_ref(helper.title, f'${column}$2:${column}${last}')}"  # noqa: E731
    values = {
        "closure_rate": f'=IF(SUM({h("A", c_last)})>0,SUM({h("B", c_last)})/SUM({h("A", c_last)}),"")',
        "resolution_rate": f'=IF(SUM({h("A", c_last)})>0,SUM({h("C", c_last)})/SUM({h("A", c_last)}),"")',
        "response_within": f'=IF(SUM({h("E", c_last)})>0,SUM({h("F", c_last)})/SUM({h("E", c_last)}),"")',
        "on_time_rate": f'=IF(SUM({h("N", a_last)})>0,SUM({h("O", a_last)})/SUM({h("N", a_last)}),"")',
        "period_end": "=PeriodEnd",
    }
    put(results, 3, RATES_COLUMN, RATES_HEADING.text(lang), font=BOLD)
    for i, rate in enumerate(RATES):
        r = 4 + i
        put(results, r, RATES_COLUMN, rate.text(lang), border=True, fill=HEADER_FILL)
        formula(results, r, RATES_COLUMN + 1, values[rate.key], border=True, font=BOLD,
                fmt="yyyy-mm-dd" if rate.key == "period_end" else "0.0%")
        results.cell(row=r, column=RATES_COLUMN + 1).alignment = Alignment(horizontal="right")
    results.column_dimensions[col(RATES_COLUMN)].width = 22
    results.column_dimensions[col(RATES_COLUMN + 1)].width = 12
    results.print_area = f"A1:{col(RATES_COLUMN + 1)}{results.max_row}"
