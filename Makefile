# Two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv samples bench bench-consolidate clean fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/csat-xl demo
	$(BIN)/csat-xl consolidate sample_workbooks/group/2026Q2 --previous sample_workbooks/group/2026Q1 -o out/group_zh.xlsx --lang zh

test: $(STAMP)
	$(BIN)/python -m pytest -q

samples: $(STAMP)
	$(BIN)/python sample_workbooks/generate.py
	$(BIN)/python sample_workbooks/make_group.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py --repeat 5
	$(BIN)/python benchmarks/bench_template.py --customers 600 --rows 3000 --repeat 3
	$(BIN)/python benchmarks/bench_startup.py --repeat 7
	$(BIN)/python benchmarks/bench_report.py --repeat 3

# 200 branch workbooks × 500 responses (issue 16; numbers in docs/performance.md)
bench-consolidate: $(STAMP)
	$(BIN)/python benchmarks/bench_consolidate.py --repeat 3

clean:
	rm -rf $(VENV) out build *.egg-info

# The long mutation-fuzz run (docs/reliability.md records its last result); make test runs a bounded one.
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/fuzz.py --cases 2000 --seed 1 --report-every 25
