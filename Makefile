# Postroom: build, run, test.  See README.md.

CC		?= cc
B		:= build
KORE		:= /usr/bin/kore
KORE_FEATURES	:= $(shell cat /usr/share/kore/features 2>/dev/null)

# Debian packages the build, the server and the tests need.
DEB_PACKAGES	:= kore libpq-dev libssl-dev libcsv-dev libcriterion-dev \
		   libcrypt-dev libidn2-dev libcurl4-openssl-dev postgresql \
		   nginx-light openssl dovecot-core python3-jsonschema \
		   zlib1g-dev \
		   curl util-linux clang dovecot-pgsql dovecot-imapd \
		   dovecot-pop3d dovecot-lmtpd postfix postfix-pgsql \
		   pflogsumm
BENCH_PACKAGES	:= wrk

WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
PR_CFLAGS	:= -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iapp/lib -I$(B)
SAN		:= -fsanitize=address,undefined -fno-omit-frame-pointer

LIB_SRC		:= $(sort $(wildcard app/lib/*.c))
APP_SRC		:= $(sort $(wildcard app/*.c))
CLI_SRC		:= $(sort $(wildcard app/cli/*.c))
# The collector's pure parts (parsing, correlation, batches, roll-ups) are
# shared with the unit tests; its database side (stats/db_*.c) is not.
STATS_LIB_SRC	:= $(sort $(filter-out stats/db_%, $(wildcard stats/*.c)))
STATS_DB_SRC	:= $(sort $(wildcard stats/db_*.c))
UNIT_SRC	:= $(sort $(wildcard tests/unit/*.c))
ITEST_SRC	:= $(sort $(wildcard tests/integration/*.c))
FUZZ_SRC	:= $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS	?= 60
TEST_FUZZ_SECONDS ?= 5	# make test runs each fuzz target this long
ASSETS		:= $(sort $(shell find assets -type f 2>/dev/null))
MIGRATIONS	:= $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))
HDRS		:= $(wildcard app/*.h app/lib/*.h app/cli/*.h stats/*.h tests/unit/*.h \
		   tests/integration/*.h)

LIB_LIBS	:= -lcrypt -lcrypto -lidn2 -lcsv
STATS_LIBS	:= -lz -pthread
CLI_ALL_SRC	:= $(CLI_SRC) $(LIB_SRC) $(STATS_LIB_SRC) $(STATS_DB_SRC)
MODULE		:= $(B)/postroom.so
CLI		:= $(B)/postroom

.PHONY: all deps install-packages build run test bench fuzz clean

all: build

deps:
	@$(MAKE) --no-print-directory install-packages PKGS="$(DEB_PACKAGES)"

# Install exactly the missing packages; apt-get update only when needed.
install-packages:
	@mkdir -p $(B); missing=""; for p in $(PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		{ apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $$missing; } >$(B)/deps.log 2>&1 || \
		{ cat $(B)/deps.log; exit 1; }; \
	fi

build: deps
	@$(MAKE) --no-print-directory $(MODULE) $(CLI)

$(B)/assets.c: $(ASSETS) app/embed.sh
	@mkdir -p $(B)
	app/embed.sh pr_assets assets/ $(ASSETS) > $@.tmp && mv $@.tmp $@

$(B)/migrations.c: $(MIGRATIONS) app/embed.sh
	@mkdir -p $(B)
	app/embed.sh pr_migrations sql/ $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

# The module: every file compiled with Kore's feature flags, which change
# the layout of struct http_request.
$(MODULE): $(APP_SRC) $(LIB_SRC) $(B)/assets.c $(HDRS) app/symcheck.sh
	$(CC) $(PR_CFLAGS) $(KORE_FEATURES) -fPIC -shared -o $@ \
	    $(APP_SRC) $(LIB_SRC) $(B)/assets.c -lpq $(LIB_LIBS)
	app/symcheck.sh $@

$(CLI): $(CLI_ALL_SRC) $(B)/migrations.c $(HDRS)
	$(CC) $(PR_CFLAGS) -I/usr/include/postgresql -Istats -o $@ \
	    $(CLI_ALL_SRC) $(B)/migrations.c -lpq $(LIB_LIBS) $(STATS_LIBS)

# Test binaries carry AddressSanitizer and UBSan.
$(B)/unit: $(UNIT_SRC) $(LIB_SRC) $(STATS_LIB_SRC) $(HDRS)
	$(CC) $(PR_CFLAGS) $(SAN) -Istats -o $@ $(UNIT_SRC) $(LIB_SRC) \
	    $(STATS_LIB_SRC) -lcriterion $(LIB_LIBS) $(STATS_LIBS)

$(B)/itest: $(ITEST_SRC) $(LIB_SRC) $(HDRS)
	$(CC) $(PR_CFLAGS) $(SAN) -I/usr/include/postgresql -o $@ \
	    $(ITEST_SRC) $(LIB_SRC) -lcriterion -lpq -lcurl $(LIB_LIBS)

# A mixed mail log for the collector's tests and benchmark.
$(B)/stats-genlog: tests/tools/stats_genlog.c
	$(CC) $(PR_CFLAGS) -o $@ tests/tools/stats_genlog.c

$(B)/postroom-asan.so: $(APP_SRC) $(LIB_SRC) $(B)/assets.c $(HDRS)
	$(CC) $(PR_CFLAGS) $(SAN) $(KORE_FEATURES) -fPIC -shared -o $@ \
	    $(APP_SRC) $(LIB_SRC) $(B)/assets.c -lpq $(LIB_LIBS)

$(B)/postroom-asan: $(CLI_ALL_SRC) $(B)/migrations.c $(HDRS)
	$(CC) $(PR_CFLAGS) $(SAN) -I/usr/include/postgresql -Istats -o $@ \
	    $(CLI_ALL_SRC) $(B)/migrations.c -lpq $(LIB_LIBS) $(STATS_LIBS)

run: build
	@conf/scripts/run.sh

test: build
	@$(MAKE) --no-print-directory $(B)/unit $(B)/itest $(B)/postroom-asan \
	    $(B)/postroom-asan.so $(B)/stats-genlog
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	@tests/run.sh

bench: build $(B)/bench-mailbox-sql
	@$(MAKE) --no-print-directory install-packages PKGS="$(BENCH_PACKAGES)"
	@conf/scripts/bench.sh
	@$(MAKE) --no-print-directory $(B)/stats-genlog
	@tests/tools/stats_bench.sh

# The mailbox lookup's statement, for pgbench.
$(B)/bench-mailbox-sql: tests/bench/mailbox_sql.c app/mailbox.h
	$(CC) $(PR_CFLAGS) -Iapp -o $@ tests/bench/mailbox_sql.c

# libFuzzer targets, each run for FUZZ_SECONDS on a corpus kept in build/.
fuzz: deps
	@mkdir -p $(B)/corpus
	@for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		clang -g -O1 -fsanitize=fuzzer,address,undefined -Iapp/lib \
		    -Istats -o $(B)/$$n $$f $(LIB_SRC) $(STATS_LIB_SRC) \
		    $(LIB_LIBS) $(STATS_LIBS) || exit 1; \
		mkdir -p $(B)/corpus/$$n; \
		$(B)/$$n -max_total_time=$(FUZZ_SECONDS) $(B)/corpus/$$n \
		    > $(B)/$$n.log 2>&1 || { tail -n 40 $(B)/$$n.log; exit 1; }; \
		echo "fuzz: $$n: $$(grep -o 'Done [0-9]* runs' $(B)/$$n.log)" \
		    "in $(FUZZ_SECONDS) s, no crash"; \
	done

clean:
	rm -rf $(B)
