# SPDX-License-Identifier: GPL-2.0
#
# DKMS: have ptscope.ko rebuilt for every kernel installed from now on.
#
#   make dkms-install     the module's sources to $(DKMS_SRC), then dkms add,
#                         build and install for $(DKMS_KVER) (default: the
#                         running kernel)
#   make dkms-uninstall   dkms remove, every kernel, and the sources
#   make dkms-source DKMS_SRC=DIR   just the copy dkms builds from
#   make dkms-check       dkms.conf's version against VERSION
#
# dkms.conf is committed as is (a tree or tarball is a dkms source without
# running make); its PACKAGE_VERSION must equal VERSION, which the module's
# MODULE_VERSION and `ptscope --version` come from.

PTSCOPE_VERSION_FILE := $(shell cat VERSION)
DKMS ?= dkms
DKMS_KVER ?= $(shell uname -r)
DKMS_SRC ?= /usr/src/ptscope-$(PTSCOPE_VERSION_FILE)
# What building the module needs: Kbuild alone drives kbuild (no Makefile).
DKMS_FILES := dkms.conf Kbuild VERSION $(wildcard module/*.c module/*.h) \
	module/uapi/ptscope.h

dkms-check:
	@v=$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf); \
	if [ "$$v" != "$(PTSCOPE_VERSION_FILE)" ]; then \
		echo "dkms.conf: PACKAGE_VERSION=\"$$v\" but VERSION says $(PTSCOPE_VERSION_FILE):" \
		     "set PACKAGE_VERSION=\"$(PTSCOPE_VERSION_FILE)\"" >&2; exit 1; fi

dkms-source: dkms-check
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	tar cf - $(DKMS_FILES) | tar xf - -C $(DKMS_SRC)

# Again over an earlier install of this version: it is taken out first.
dkms-install: dkms-check
	-$(DKMS) remove ptscope/$(PTSCOPE_VERSION_FILE) --all >/dev/null 2>&1
	$(MAKE) dkms-source
	$(DKMS) add ptscope/$(PTSCOPE_VERSION_FILE)
	$(DKMS) build ptscope/$(PTSCOPE_VERSION_FILE) -k $(DKMS_KVER)
	$(DKMS) install ptscope/$(PTSCOPE_VERSION_FILE) -k $(DKMS_KVER)

dkms-uninstall:
	-$(DKMS) remove ptscope/$(PTSCOPE_VERSION_FILE) --all
	rm -rf $(DKMS_SRC)

.PHONY: dkms-check dkms-source dkms-install dkms-uninstall
