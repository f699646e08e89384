# The two commands: `make run` starts the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	@mkdir -p static  # Streamlit warns at start when its static folder (filled on first run) is missing
	$(PY) -m streamlit run app.py --server.address localhost --server.port 8501

test: $(STAMP_DEV)
	$(PY) -m pytest

lint: $(STAMP_DEV)
	$(PY) -m ruff check .

bench: $(STAMP_DEV)
	$(PY) bench/coverage_bench.py --workload district

clean:
	rm -rf $(VENV) data static .pytest_cache .ruff_cache .hypothesis
