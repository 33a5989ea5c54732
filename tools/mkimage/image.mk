# image.mk — the bootable disk image (tools/mkimage): both kernels and their
# initramfs behind a GRUB menu on an MBR + FAT32 disk, booted by the BIOS
# from the disk instead of QEMU's -kernel. Included by the Makefile.
#
#   make image [IMAGE_DEFAULT=N|ID]    build/tlbrace.img; GRUB leaves COM1 to
#                                      the kernel, so harnesses can read it
#   make qemu-image [IMAGE_DEFAULT=..] build build/tlbrace-menu.img (GRUB's menu
#                                      on the terminal too: arrows, Enter) and boot it
#
# Entries (IMAGE_DEFAULT, an index or id; tools/mkimage/grubcfg.go):
# the race reproducer with breakpoint injection, which shows the race on any
# x86 (QEMU without -icount included): 0 amd64-inject-racy (the default),
# 1 amd64-inject-fixed, 2 386-inject-racy, 3 386-inject-fixed; the natural
# reproducer, timer only, which needs real hardware or instruction counting
# (make qemu-image IMAGE_DEFAULT=amd64-stress-racy
# IMAGE_QEMU_FLAGS="-icount shift=auto,sleep=off"): 4 amd64-stress-racy,
# 5 amd64-stress-fixed, 6 386-stress-racy, 7 386-stress-fixed; then
# 8 amd64-test, 9 386-test, 10 amd64-demo, 11 386-demo.
# GRUB comes from Debian's grub-pc-bin + grub-common, installed when run as root.
IMAGE            ?= build/tlbrace.img
IMAGE_MENU       ?= build/tlbrace-menu.img
IMAGE_DEFAULT    ?= amd64-inject-racy
IMAGE_QEMU       ?= qemu-system-x86_64
IMAGE_QEMU_FLAGS ?=
MKIMAGE := $(GO) run ./tools/mkimage -default $(IMAGE_DEFAULT) \
           $(if $(filter 0,$(shell id -u)),-install-deps)

.PHONY: image qemu-image
image: deps-go
	@$(MAKE) --no-print-directory build-all
	$(MKIMAGE) -o $(IMAGE)

qemu-image: deps
	@$(MAKE) --no-print-directory build-all
	$(MKIMAGE) -o $(IMAGE_MENU) -serial-menu -timeout 10
	$(IMAGE_QEMU) -drive file=$(IMAGE_MENU),format=raw -display none -serial stdio \
	  -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 64M $(IMAGE_QEMU_FLAGS)
