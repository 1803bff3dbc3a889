# Two commands a new user runs: `make demo` (pictures into out/) and `make test`.
# Each makes or reuses the virtualenv .venv and installs what it needs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test bench bench-fresh lint graphviz chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# A stamp per extras set, so a second `make test` does not reinstall.
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PIP) install -e ".[$*]"
	@touch $@

graphviz:
	@bash .ci/ensure-graphviz

chromium:
	@bash .ci/ensure-chromium

demo: $(VENV)/.installed-anim,examples graphviz
	@mkdir -p out
	@for script in examples/[!_]*.py; do \
		echo "== $$script"; \
		$(PY) $$script --quick || exit 1; \
	done
	@echo "Pictures are in out/"

test: $(VENV)/.installed-test,dev,anim,examples graphviz chromium
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_engine.py

bench-fresh: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_fresh.py

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m mypy autograd viz

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis build *.egg-info
