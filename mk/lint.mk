# SPDX-License-Identifier: GPL-2.0
#
# Static checks (scripts/lint): sparse and checkpatch --strict on the
# module, cppcheck and clang-tidy on the client, test programs and benches.
# Fails on any finding; one verdict line per tool at the end.
#
#   make lint                  all four
#   make lint LINT_TOOLS=...   some of sparse checkpatch cppcheck clang-tidy
#
# sparse builds the module in a temporary copy of the tree: the ptscope.ko
# here is left alone. checkpatch.pl is fetched once from Debian's
# linux-source package into ~/.cache/ptscope/checkpatch.

LINT_TOOLS ?=

lint:
	scripts/lint $(LINT_TOOLS)

.PHONY: lint
