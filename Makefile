# deid: set-up, demo and tests. `make demo` and `make test` are the only set-up a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deid-installed
LOCK   := requirements/main.lock
# The spaCy model is pinned to the one artifact verified in ../shared/OFFLINE.md.
SPACY_MODEL_SHA := e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export PYTHONHASHSEED := 0

.PHONY: setup demo test test-fast lock bench bench-setup bench-text bench-risk report-demo browser clean model

setup: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Installs only what the lock names, by hash, then the project itself without touching the network again.
$(STAMP): $(LOCK) pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --no-index -e .
	$(PY) -m pip check
	touch $(STAMP)

demo: setup
	$(VENV)/bin/deid demo

test: setup browser
	$(PY) -m pytest -q

# Everything but the tests marked slow: for the edit-test loop only. CI runs `make test`.
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

# Headless Chromium from Debian, for the report test (needs root, as on CI machines).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will fail"; }

# Regenerates the lock from pyproject.toml (needs uv; a maintainer's step, not part of set-up).
lock:
	uv pip compile pyproject.toml requirements/build.in --extra dev --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --no-header -o $(LOCK)
	uv pip compile pyproject.toml requirements/build.in --extra dev --extra bench --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header -c $(LOCK) -o requirements/bench.lock
	$(PYTHON) requirements/pin_model.py $(SPACY_MODEL_SHA) $(LOCK) requirements/bench.lock

# Benchmarks: the peers (pycanon) come from requirements/bench.lock, pinned to the same versions as the main lock.
BENCH_STAMP := $(VENV)/.deid-bench-installed
$(BENCH_STAMP): requirements/bench.lock $(STAMP)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/bench.lock
	touch $(BENCH_STAMP)

bench-setup: $(BENCH_STAMP)

bench-text: setup
	$(PY) bench/bench_text.py

bench-risk: bench-setup
	$(PY) bench/bench_risk.py

bench: bench-text bench-risk

# The demo release's report in reports/demo: runs `deid demo`, renders its release whatever the verdict,
# screenshots it in headless Chromium (fails if the page makes any request).
report-demo: setup browser
	$(PY) -m deid.report.demo reports/demo --run-demo demo-output

clean:
	rm -rf $(VENV) demo-output .pytest_cache

# The learned PHI tagger (deid/text/models/phi_ner): generates its training text, trains, evaluates, pins the hash.
model: setup
	$(PY) -m deid.training.train
