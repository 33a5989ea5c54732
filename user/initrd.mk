# user/initrd.mk — the initramfs: every program under user/ built for
# $(ARCH) and packed by tools/mkinitrd into a newc cpio archive, which
# QEMU hands the kernel with -initrd. Included by the top-level Makefile
# (which defines ARCH, GO and deps-go).
#
#   make initrd [ARCH=386|amd64]    writes build/$(ARCH)/initrd.cpio
INITRD := build/$(ARCH)/initrd.cpio

.PHONY: initrd
initrd: deps-go
	$(GO) run ./tools/mkinitrd -arch $(ARCH) -go $(GO) -o $(INITRD)
