# Two commands a new user runs: `make demo` (pictures into out/) and `make test`.
# Each makes or reuses the virtualenv .venv and installs what it needs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test test-pythons bench bench-fresh lint graphviz chromium clean

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

# The suite again on the oldest Python that pyproject allows and the newest this machine type
# has, each in its own .venv-X.Y (CI runs it after `make test`); an absent one is skipped.
OTHER_PYTHONS ?= 3.10 3.13

test-pythons: graphviz chromium
	@for version in $(OTHER_PYTHONS); do bash .ci/test-on-python $$version || exit 1; done

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_engine.py

bench-fresh: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_fresh.py

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m mypy autograd viz

clean:
	rm -rf $(VENV) $(VENV)-* out .pytest_cache .hypothesis build *.egg-info
