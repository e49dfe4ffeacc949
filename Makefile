# `make test` installs everything the tests need, then runs them. Safe to run again: each install
# step is skipped when it is already done.
PYTHON ?= python3
PIP_FLAGS ?= --quiet --disable-pip-version-check
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: test install deps py-deps node-deps chromium bench clean

test: deps
	$(PYTHON) -m pytest -n auto $(PYTEST_ARGS)

install: py-deps

deps: py-deps node-deps chromium

py-deps:
	$(PYTHON) -m pip install $(PIP_FLAGS) -e '.[test]'

node-deps: tests/js/node_modules/.installed

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium, driven by Playwright for the web debugger's browser tests. It says what it is
# about to do before sudo asks for a password.
CHROMIUM ?= chromium
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "make: the web debugger's browser tests need Debian's chromium, which is not installed;" \
	       "installing it now with: $(SUDO) apt-get install chromium" >&2; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

bench: deps
	$(PYTHON) bench/replay.py

clean:
	rm -rf dist .pytest_cache .hypothesis tests/js/node_modules
