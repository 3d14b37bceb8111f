# wir: build, test, install, demo, bench.
#   make setup     install the system packages the build needs (Debian/Ubuntu, as root)
#   make demo      build, install into ./stage, and run the C race example
#   make test      every test: Swift suites (SQLite and a throw-away PostgreSQL server), header and
#                  symbol checks, installed C programs, Python (the web view in headless Chromium)
#   make install   PREFIX=/usr/local [DESTDIR=...]
#   make bench     release micro-benchmark (C claim+release, queue hand-off, PostgreSQL, Python vs filelock)
#   make sanitize  the Swift suite under ASan and TSan (part of make test)
#   make fuzz      libFuzzer on every harness, FUZZ_SECONDS each (make fuzz-ci: 15 s each, part of make test)
#   make soak      the big torture run (8 processes x 10,000 claims) with an independent witness
#   make wheel     a manylinux Python wheel bundling the static-runtime libwir.so and SQLite, in bindings/python/dist

SWIFT    ?= swift
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
STAGE    := $(CURDIR)/stage

MAJOR    := $(shell sed -n 's/^\#define WIR_VERSION_MAJOR \([0-9]*\)/\1/p' Include/wir.h)
MINOR    := $(shell sed -n 's/^\#define WIR_VERSION_MINOR \([0-9]*\)/\1/p' Include/wir.h)
PATCH    := $(shell sed -n 's/^\#define WIR_VERSION_PATCH \([0-9]*\)/\1/p' Include/wir.h)
VERSION  := $(MAJOR).$(MINOR).$(PATCH)

# The installable library: release, Swift runtime linked in statically, only
# wir_* exported, soname libwir.so.MAJOR. Its own scratch path, so the debug
# build and the benchmark keep theirs.
LIB_BUILD := .build-lib
LIB_FLAGS := -c release --scratch-path $(LIB_BUILD) --product wir \
             -Xswiftc -static-stdlib \
             -Xlinker -soname=libwir.so.$(MAJOR) \
             -Xlinker --version-script=$(CURDIR)/Sources/Wir/exports.map
LIB      := $(LIB_BUILD)/release/libwir.so
# The `wir` command, in its own scratch path (it needs swift-argument-parser; the library does not).
CLI_BUILD := .build-cli
CLI      := $(CLI_BUILD)/release/wir-cli

PYTHON   ?= python3
PYDIR    := bindings/python

FUZZ_BUILD   := .build-fuzz
FUZZ_TARGETS := paths globs overlap capi
FUZZ_SECONDS ?= 300

.PHONY: all setup build lib cli install demo test test-swift test-c test-python sanitize fuzz fuzz-ci wheel \
        bench soak clean

all: build

setup:
	bash scripts/setup.sh

build:
	$(SWIFT) build

lib:
	$(SWIFT) build $(LIB_FLAGS)

cli:
	$(SWIFT) build -c release --scratch-path $(CLI_BUILD) --product wir-cli -Xswiftc -static-stdlib

install: lib cli
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	    $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(CLI) $(DESTDIR)$(PREFIX)/bin/wir
	$(CLI) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/wir
	$(CLI) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_wir
	$(CLI) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/wir.fish
	install -m 0755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libwir.so.$(VERSION)
	ln -sf libwir.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libwir.so.$(MAJOR)
	ln -sf libwir.so.$(MAJOR) $(DESTDIR)$(PREFIX)/lib/libwir.so
	install -m 0644 Include/wir.h $(DESTDIR)$(PREFIX)/include/wir.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' pkgconfig/wir.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/wir.pc

# The main job: two workers contend for one file through the installed `wir`
# command, then the C race example built with pkg-config.
demo:
	$(MAKE) install PREFIX=$(STAGE)
	bash scripts/demo.sh $(STAGE)
	bash scripts/run-c-example.sh $(STAGE)

test: test-swift test-c test-python sanitize fuzz-ci

# The suites' PostgreSQL cases run against $$WIR_TEST_POSTGRES if set, else against a throw-away
# server on 127.0.0.1 (scripts/with-pg-test-server.sh); a server that cannot start fails the target.
test-swift:
	$(SWIFT) build --build-tests
	bash scripts/with-pg-test-server.sh $(SWIFT) test

# The C side, against a copy installed into a temporary prefix.
test-c: lib
	bash scripts/check-header.sh Include/wir.h
	bash scripts/test-installed.sh

# The Python binding against the freshly built library, the demo, and the wheel; the debug `wir`
# command too, for the tests that compare its messages with C's and Python's.
test-python: lib
	$(SWIFT) build --product wir-cli
	WIR_LIBRARY=$(CURDIR)/$(LIB) PYTHONPATH=$(CURDIR)/$(PYDIR)/src WIR_CLI=$(CURDIR)/.build/debug/wir-cli \
	    bash scripts/with-pg-test-server.sh $(PYTHON) -m pytest -q $(PYDIR)/tests

# The whole Swift suite under AddressSanitizer and ThreadSanitizer. Leak reports
# are off: they come from swift-argument-parser's and Foundation's state at exit
# (see docs/DESIGN.md); memory errors and data races still fail the run.
sanitize:
	ASAN_OPTIONS=detect_leaks=0 bash scripts/with-pg-test-server.sh \
	    $(SWIFT) test --scratch-path .build-asan -Xswiftc -sanitize=address
	bash scripts/with-pg-test-server.sh $(SWIFT) test --scratch-path .build-tsan -Xswiftc -sanitize=thread

# libFuzzer on each harness for FUZZ_SECONDS (make fuzz), or briefly (fuzz-ci).
fuzz:
	$(SWIFT) build --product wir-fuzz --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	bash scripts/fuzz.sh $(FUZZ_BUILD)/debug/wir-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15

# auditwheel bundles libsqlite3 (no manylinux policy lists it) into wir.libs/, points libwir.so's
# RUNPATH there, and tags the wheel with the oldest manylinux policy its symbols allow.
wheel: lib
	cp $(LIB) $(PYDIR)/src/wir/libwir.so
	rm -rf $(PYDIR)/dist $(PYDIR)/build $(PYDIR)/wheelhouse
	$(PYTHON) -m pip wheel --no-deps --no-build-isolation -w $(PYDIR)/wheelhouse $(PYDIR) >/dev/null
	rm -rf $(PYDIR)/src/wir/libwir.so $(PYDIR)/src/*.egg-info $(PYDIR)/build
	$(PYTHON) -m auditwheel repair --plat auto -w $(PYDIR)/dist $(PYDIR)/wheelhouse/*.whl 2>&1 | grep -v "^INFO:" || true
	@ls $(PYDIR)/dist/*manylinux*.whl >/dev/null
	rm -rf $(PYDIR)/wheelhouse
	@ls $(PYDIR)/dist/*.whl

# Every row in one run, alternating; the table on stdout, the figures in bench-results.json.
bench: lib cli
	$(SWIFT) build -c release --product wir-bench
	url=$$(bash scripts/pg-test-server.sh start) || exit 1; \
	WIR_BENCH_POSTGRES=$$url WIR_BENCH_CLI=$(CURDIR)/$(CLI) .build/release/wir-bench --json bench-results.json; status=$$?; \
	bash scripts/pg-test-server.sh stop $$url; exit $$status
	WIR_LIBRARY=$(CURDIR)/$(LIB) PYTHONPATH=$(CURDIR)/$(PYDIR)/src $(PYTHON) $(PYDIR)/benchmarks/claim_vs_filelock.py

# The big torture run (8 processes x 10,000 claims; SOAK_ARGS="P N" to change).
soak:
	bash scripts/soak.sh $(SOAK_ARGS)

clean:
	rm -rf .build $(LIB_BUILD) $(CLI_BUILD) $(FUZZ_BUILD) .build-asan .build-tsan $(STAGE) $(PYDIR)/dist $(PYDIR)/build \
	    $(PYDIR)/wheelhouse
