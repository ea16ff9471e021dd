# Archivist: `make site` builds the archive into output/, `make test` proves it works.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Any error logged during a build (bad front matter, a broken plugin) fails it.
PELICAN_OPTS ?= --fatal errors
OUTPUT := output
# The stamps record what was installed, so dependencies are only reinstalled
# when pyproject.toml or package-lock.json change.
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: site test test-fast serve publish clean dist bench bench-import bench-search bench-pages bench-lighthouse deps data

site: deps
	$(BIN)/pelican content -o $(OUTPUT) -s pelicanconf.py $(PELICAN_OPTS)
	@echo "Built $(OUTPUT)/: open $(OUTPUT)/index.html in a browser."

deps: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: deps
	$(BIN)/python -m pytest -n 2 $(PYTEST_OPTS)

# The pure-function tier (under 30 s): no site build, process, Node or browser
# (tests/conftest.py marks those slow). It prints its time against that budget.
test-fast: deps
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_OPTS)

serve: deps
	$(BIN)/pelican content -o $(OUTPUT) -s pelicanconf.py --autoreload --listen --bind 127.0.0.1 --port 8000

publish: deps
	$(BIN)/pelican content -o $(OUTPUT) -s publishconf.py $(PELICAN_OPTS)

# The archive as data, beside the site: $(OUTPUT)/data/archive.jsonl and archive.sqlite.
data: deps
	$(BIN)/archivist export --output $(OUTPUT)/data

dist: deps
	$(BIN)/archivist dist

bench: deps
	$(BIN)/python -m bench.build

bench-import: deps
	$(BIN)/python -m bench.importer

bench-search: deps
	$(BIN)/python -m bench.search

# Every page <= 100 KB and <= 1,500 elements at 10,000 articles (BENCH_PAGES_OPTS="--articles 20000").
bench-pages: deps
	$(BIN)/python -m bench.pages $(BENCH_PAGES_OPTS)

# Lighthouse scores per page kind; installs lighthouse into .cache/lighthouse at first use.
bench-lighthouse: deps
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_OPTS)

clean:
	rm -rf $(OUTPUT) dist .cache
