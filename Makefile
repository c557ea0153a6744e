# nsharness — plain GNU make.  `make` builds ./nsharness; `make check` runs every test; `make run` the reference.
# Quiet unless V=1.  PREFIX and DESTDIR for install; CPPFLAGS, CFLAGS and LDFLAGS are honoured (dpkg-buildflags).

VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/nsharness
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
INSTALL_STRIP ?= -s
PKG_CONFIG ?= pkg-config
PKGS := libmnl libnftnl
# Headers only: libnftables is loaded with dlopen when a failed stage's ruleset is dumped, libpcap when a run
# first captures (probes/pcap_lib.h: linked, it and its dependencies cost every process a millisecond at start).
# The unit tests link libpcap: they read pcap files and run its filters themselves.
HEADER_PKGS := libnftables libpcap

CFLAGS ?= -O2 -g
comma := ,
# SANITIZE=1: AddressSanitizer and UBSan; undefined behaviour ends the run (a test fails on it, not only a line on stderr).
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=address$(comma)undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
NSH_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -MMD -MP -I. -DNSH_VERSION='"$(VERSION)"' $(SAN_FLAGS) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) $(HEADER_PKGS) 2>/dev/null)
NSH_LDFLAGS := $(SAN_FLAGS)
NSH_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread -ldl
CUNIT_LIBS := $(shell $(PKG_CONFIG) --libs cunit libpcap 2>/dev/null)

BUILD := build$(if $(SANITIZE),-san)
MAIN_SRC := harness/cli/main.c
LIB_SRC := $(filter-out $(MAIN_SRC),$(wildcard harness/*/*.c probes/*.c reports/*.c))
UNIT_SRC := $(wildcard tests/unit/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/unit-tests
# With SANITIZE=1 the program is built apart (build-san/nsharness), so ./nsharness stays the plain one.
PROG := $(if $(SANITIZE),$(BUILD)/nsharness,nsharness)

ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-6s %s\n'
endif

.PHONY: all run check unit integration bench deps-build deps-check install uninstall dist libraries clean
all: $(PROG)

# Without a library's pkg-config file, stop at once naming the Debian package instead of failing to link.
libraries:
	$(Q)missing=""; for p in $(PKGS) $(HEADER_PKGS); do \
		$(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p-dev"; done; \
	[ -z "$$missing" ] || { echo "nsharness needs the Debian packages:$$missing" >&2; \
		echo "install them with: sudo apt-get install pkg-config$$missing (or run: sudo make run)" >&2; exit 1; }

$(PROG): $(BUILD)/harness/cli/main.o $(LIB_OBJ)
	$(say) LD $@
	$(Q)$(CC) $(NSH_LDFLAGS) $(LDFLAGS) -o $@ $^ $(NSH_LIBS)

$(BUILD)/%.o: %.c | libraries
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(NSH_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The version is compiled into main.c alone (VERSION is its one source).
$(BUILD)/harness/cli/main.o: VERSION

$(UNIT_BIN): $(UNIT_OBJ) $(LIB_OBJ)
	$(say) LD $@
	$(Q)$(CC) $(NSH_LDFLAGS) $(LDFLAGS) -o $@ $^ $(NSH_LIBS) $(CUNIT_LIBS)

# Missing Debian packages are installed when root, named otherwise (mk/packages says which and why).
deps-build:
	$(Q)mk/packages build
deps-check:
	$(Q)mk/packages check

# After `sudo make run` or `sudo make check`, what was built belongs to the user who ran sudo, so a later plain
# `make` can rebuild it.
give_back = $(if $(SUDO_UID),chown -R $(SUDO_UID):$(SUDO_GID) $(wildcard build build-san nsharness) 2>/dev/null || true,true)

run: deps-build
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(give_back)
	./nsharness run --tap - scenarios/seed.scn

check: deps-check
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN)
	$(Q)$(give_back)
	$(Q)$(MAKE) --no-print-directory unit integration

unit: $(UNIT_BIN)
	$(Q)$(UNIT_BIN)

integration: $(PROG)
	$(Q)NSHARNESS=$(CURDIR)/$(PROG) tests/run-integration

# bench/floor: the kernel's own cost of the reference world, for bench/compare.
$(BUILD)/bench/floor: $(BUILD)/bench/floor.o $(LIB_OBJ)
	$(say) LD $@
	$(Q)$(CC) $(NSH_LDFLAGS) $(LDFLAGS) -o $@ $^ $(NSH_LIBS)

# bench/reap: times a command to its exit and to the end of every process it left (nsharness's releaser).
$(BUILD)/bench/reap: $(BUILD)/bench/reap.o
	$(say) LD $@
	$(Q)$(CC) $(NSH_LDFLAGS) $(LDFLAGS) -o $@ $^

bench: nsharness $(BUILD)/bench/floor $(BUILD)/bench/reap
	$(Q)mk/packages bench
	bench/compare

# fuzz: builds the scenario parser's libFuzzer target (ASan, UBSan; tests/fuzz/fuzz_parse.c says more); with
# FUZZ_SECONDS=N runs it N s on build/fuzz/corpus, seeded from tests/fuzz/corpus and every shipped scenario.
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -I. -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
FUZZ_SRC := tests/fuzz/fuzz_parse.c $(wildcard harness/scenario/*.c) harness/base/addr.c harness/base/link_kind.c
FUZZ_BIN := build/fuzz/fuzz_parse
FUZZ_SCENARIOS := $(wildcard scenarios/*.scn scenarios/*/*.scn bench/*.scn)
# A smaller quarantine than ASan's 256 MB keeps a long run with a grown corpus under -rss_limit_mb.
FUZZ_ASAN_OPTIONS ?= quarantine_size_mb=64
FUZZ_ARGS := -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=512 -max_len=65536 \
	-dict=tests/fuzz/scenario.dict -artifact_prefix=build/fuzz/crashes/ -print_final_stats=1

.PHONY: fuzz
$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard harness/*/*.h)
	@mkdir -p $(dir $@)
	$(say) FUZZ $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRC)

fuzz: $(FUZZ_BIN)
ifneq ($(FUZZ_SECONDS),)
	@mkdir -p build/fuzz/corpus build/fuzz/crashes
	@cp tests/fuzz/corpus/* build/fuzz/corpus/
	@for f in $(FUZZ_SCENARIOS); do cp "$$f" "build/fuzz/corpus/$$(echo "$$f" | tr / -)"; done
	ASAN_OPTIONS=$(FUZZ_ASAN_OPTIONS) $(FUZZ_BIN) $(FUZZ_ARGS) build/fuzz/corpus
else
	@echo "built $(FUZZ_BIN); run it with: make fuzz FUZZ_SECONDS=600"
endif

# install: the stripped program, its man pages (the version written in from VERSION), the scenarios as
# examples, the documents and a bash completion.  uninstall removes exactly these.
SHARE_FILES := $(shell git ls-files scenarios 2>/dev/null || find scenarios -type f)
DOC_FILES := README.md NEWS LICENSE docs/scenario.md docs/ci.md docs/hacking.md docs/kernel-ci.md
man_version = sed 's/"nsharness"/"nsharness $(VERSION)"/'

install: nsharness
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(COMPLETIONDIR)
	install -m 0755 $(INSTALL_STRIP) nsharness $(DESTDIR)$(BINDIR)/nsharness
	$(man_version) docs/nsharness.1 >$(DESTDIR)$(MANDIR)/man1/nsharness.1
	$(man_version) docs/nsharness-scenario.5 >$(DESTDIR)$(MANDIR)/man5/nsharness-scenario.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/nsharness.1 $(DESTDIR)$(MANDIR)/man5/nsharness-scenario.5
	for f in $(SHARE_FILES); do install -D -m 0644 $$f $(DESTDIR)$(DATADIR)/nsharness/$$f; done
	chmod 0755 $(DESTDIR)$(DATADIR)/nsharness/scenarios/scripts/*.sh
	install -m 0644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
	install -m 0644 mk/bash-completion $(DESTDIR)$(COMPLETIONDIR)/nsharness

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nsharness $(DESTDIR)$(MANDIR)/man1/nsharness.1 \
		$(DESTDIR)$(MANDIR)/man5/nsharness-scenario.5 $(DESTDIR)$(COMPLETIONDIR)/nsharness
	rm -rf $(DESTDIR)$(DATADIR)/nsharness $(DESTDIR)$(DOCDIR)

# dist: DISTDIR/nsharness-VERSION.tar.gz of the committed tree (git's HEAD), which builds on its own.
DIST := nsharness-$(VERSION)
DISTDIR ?= .
dist:
	$(Q)git rev-parse --git-dir >/dev/null 2>&1 || { echo "make dist needs the git checkout" >&2; exit 1; }
	$(Q)git archive --format=tar.gz --prefix=$(DIST)/ -o $(DISTDIR)/$(DIST).tar.gz HEAD
	@echo "wrote $(DISTDIR)/$(DIST).tar.gz"

clean:
	rm -rf build build-san nsharness

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(BUILD)/harness/cli/main.d
