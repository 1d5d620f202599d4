# SPDX-License-Identifier: GPL-2.0
#
# ptscope: build the module and the client, test them in a VM, demo.
#
#   make            module (for KDIR) + client + test helpers
#   make check      unit tests, then the bats suite in QEMU, 4- and 5-level
#   make demo       boot the VM and explain a live process's translations
#   make bench      speed benchmarks in QEMU, 4- and 5-level (bench/README.md):
#                   dumps (bench/run), fault-watching overhead (bench/watchbench)
#   make sparse     the module through sparse (C=2)
#   make load       insmod on this machine (needs module support and root)
#
# KDIR defaults to the running kernel's build tree if it has one, else the
# newest installed Debian headers (the kernel the VM boots).

KVER ?= $(shell scripts/kver 2>/dev/null)
VM_KDIR := /usr/src/linux-headers-$(KVER)
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR ?= $(RUNNING_KDIR)
else
KDIR ?= $(VM_KDIR)
endif

all: module client progs

deps:
	@scripts/deps

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

client:
	$(MAKE) -C userspace

progs:
	$(MAKE) -C tests/progs

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

unit: client
	$(MAKE) -C tests/unit run

# The VM boots Debian's kernel $(KVER): build the module for it; bench/ too,
# whose README's commands tests/150-docs.bats runs (briefly).
check: deps
	$(MAKE) module KDIR=$(VM_KDIR)
	$(MAKE) client progs
	$(MAKE) -C bench
	scripts/check

demo: deps
	$(MAKE) module KDIR=$(VM_KDIR)
	$(MAKE) client progs
	tests/vm/run -- scripts/demo

bench: deps bench-deps
	$(MAKE) module KDIR=$(VM_KDIR)
	$(MAKE) client
	$(MAKE) -C bench
	bench/vm

# The tracers bench/watchbench compares with (perf, bpftrace): only for bench.
bench-deps:
	@bench/deps

load: module
	sudo insmod ptscope.ko

unload:
	sudo rmmod ptscope

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/progs clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C bench clean

.PHONY: all deps module client progs sparse unit check demo bench bench-deps load unload clean

# Further targets, one concern per file (lint, fuzz, stress, install, ...).
include $(sort $(wildcard mk/*.mk))
