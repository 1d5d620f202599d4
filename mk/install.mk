# SPDX-License-Identifier: GPL-2.0
#
# Installing what `make` built (nothing is built here if it exists already):
#
#   make install          client, man page, bash completion, module
#   make install-client   $(BINDIR)/ptscope, $(MANDIR)/man8/ptscope.8,
#                         $(BASHCOMPDIR)/ptscope
#   make install-module   ptscope.ko through kbuild's modules_install into
#                         $(DESTDIR)/lib/modules/KVER/$(INSTALL_MOD_DIR), then
#                         depmod (unless DESTDIR is set), so `modprobe ptscope`
#                         and the autoload through the family alias find it
#   make uninstall        all of it again (uninstall-client, uninstall-module)
#
# PREFIX (default /usr/local) and DESTDIR are honoured. The client goes to
# bin, not sbin: students on a shared machine run it on their own
# processes, and a user's PATH has no sbin on Debian (BINDIR=... puts it
# elsewhere). The module is for KDIR's kernel (see the Makefile).
# For a module that follows kernel upgrades, see mk/dkms.mk.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL_MOD_DIR ?= extra
INSTALL ?= install
DEPMOD ?= depmod

# The release ptscope.ko was built for (not uname -r, see scripts/kver; nor
# KDIR's `make kernelrelease`, which Debian's header trees get wrong).
INSTALL_KREL = $(firstword $(shell modinfo -F vermagic ptscope.ko 2>/dev/null))

# Into a staging DESTDIR (a package), depmod is the package's postinst's job.
install_depmod = $(if $(DESTDIR),@echo "DESTDIR set: run depmod $(INSTALL_KREL) on the target",\
	$(DEPMOD) $(INSTALL_KREL))

install: install-client install-module

install-client:
	@[ -x userspace/ptscope ] || $(MAKE) -C userspace
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 userspace/ptscope $(DESTDIR)$(BINDIR)/ptscope
	$(INSTALL) -m 0644 docs/ptscope.8 $(DESTDIR)$(MANDIR)/man8/ptscope.8
	$(INSTALL) -m 0644 completion/ptscope $(DESTDIR)$(BASHCOMPDIR)/ptscope

install-module:
	@[ -f ptscope.ko ] || { echo "install-module: no ptscope.ko: run make module first" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(install_depmod)

uninstall: uninstall-client uninstall-module

uninstall-client:
	rm -f $(DESTDIR)$(BINDIR)/ptscope $(DESTDIR)$(MANDIR)/man8/ptscope.8 \
		$(DESTDIR)$(BASHCOMPDIR)/ptscope

uninstall-module:
	rm -f $(foreach z,.ko .ko.gz .ko.xz .ko.zst,\
		$(DESTDIR)/lib/modules/$(INSTALL_KREL)/$(INSTALL_MOD_DIR)/ptscope$(z))
	$(install_depmod)

.PHONY: install install-client install-module uninstall uninstall-client uninstall-module
