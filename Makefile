# Two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv samples bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/csat-xl demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

samples: $(STAMP)
	$(BIN)/python sample_workbooks/generate.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py --repeat 5
	$(BIN)/python benchmarks/bench_template.py --customers 600 --rows 3000 --repeat 3

clean:
	rm -rf $(VENV) out build *.egg-info
