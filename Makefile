# rowclone: PGXS build.
#   make && sudo make install     build and install into the server pg_config names
#   make demo                     sample schema and a tour of clone_row in a throwaway cluster
#   make test                     install what is needed, build with -Werror, run every suite
#   make bench                    cascade benchmark in a throwaway cluster (not part of test)
#   make valgrind-check           regress + isolation suites under valgrind, cassert server (slow; not part of test)
#   make matrix                   regress + isolation against PostgreSQL 15, 17, 18, 19 (servers built under /opt)
#   make stress                   sqlsmith + randomized clone calls checked by a model (not part of test)
#   make citus-check              test/citus on a Citus 13 coordinator and two workers (not part of test)
EXTENSION = rowclone
MODULE_big = rowclone
OBJS = \
	src/rowclone.o \
	src/catalog.o \
	src/keys.o \
	src/request.o \
	src/plan.o \
	src/plancache.o \
	src/columns.o \
	src/sqlgen.o \
	src/graph.o \
	src/execute.o \
	src/rowset.o \
	src/rules.o \
	src/citus.o \
	src/progress.o
DATA = sql/rowclone--0.1.sql sql/rowclone--0.2.sql sql/rowclone--0.1--0.2.sql

# Every suite is optional: ":=" leaves a variable empty (so pgxs's ifdef skips
# the suite) when there is nothing to run. Regress tests run in one database,
# setup.sql (CREATE EXTENSION) first, then the others in name order.
REGRESS_ALL := $(patsubst sql/%.sql,%,$(sort $(filter-out sql/rowclone--%,$(wildcard sql/*.sql))))
REGRESS := $(strip $(filter setup,$(REGRESS_ALL)) $(filter-out setup,$(REGRESS_ALL)))
ISOLATION := $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test
ifneq ($(wildcard test/t/*.pl),)
TAP_TESTS = 1
PROVE_TESTS = $(sort $(wildcard test/t/*.pl))
endif

PG_CONFIG ?= pg_config

PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
ifdef ROWCLONE_WERROR
PG_CFLAGS += -Werror
endif

# `make test`, `make demo` and `make bench` install the server and its headers
# themselves, so when they are the only goals, do not load PGXS (pg_config may
# not exist yet).
ifeq ($(MAKECMDGOALS),)
ROWCLONE_SCRIPTS_ONLY :=
else
ROWCLONE_SCRIPTS_ONLY := $(if $(filter-out test demo bench valgrind-check stress matrix citus-check,$(MAKECMDGOALS)),,yes)
endif

ifndef ROWCLONE_SCRIPTS_ONLY
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
endif

# PGXS tracks no header dependencies: rebuild every object when a header
# changes (a stale object compiled against an old struct layout is silent
# memory corruption), and relink when the object list changes.
$(OBJS): $(wildcard src/*.h) Makefile

.PHONY: test demo bench valgrind-check stress matrix citus-check
test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh

valgrind-check:
	bash scripts/valgrind-check.sh

stress:
	bash scripts/stress.sh

matrix:
	bash scripts/matrix.sh

citus-check:
	bash scripts/citus-check.sh
