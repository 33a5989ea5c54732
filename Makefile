# tlbrace — build, boot and test the kernel. See README.md.
#
#   make qemu [ARCH=386|amd64] [CMDLINE="flush=racy ..."]   the race demo, then the monitor
#   make test                                              every test, both architectures
#   make lab LAB=name   make grade [LAB=name]   make grade-proof     the labs (docs/labs)
#   make build [ARCH=...]   make vet   make clean   make deps
ARCH ?= amd64
GO   ?= go
AS   ?= as
BUILD := build/$(ARCH)
KERNEL := $(BUILD)/kernel.elf
ARCHES := 386 amd64

# Multiboot v1 header for the 386 image (Multiboot 0.6.96 §3.1.1), written
# by the linker as the payload of the build-id note in the first page:
# magic 0x1BADB002, flags 0x3 (page-align modules, want memory info),
# checksum -(magic+flags) = 0xE4524FFB; little-endian bytes.
MB386 := 0x02b0ad1b03000000fb4f52e4

# The entry is main.rt0 (boot/rt0_*.s), never the Go runtime's own.
# -T 0x101000 puts .text at 1 MiB + one page (the ELF header page is
# loaded at 1 MiB); on amd64 the trampoline .syso comes first in .text.
LDFLAGS_386   := -E main.rt0 -T 0x101000 -B $(MB386)
LDFLAGS_amd64 := -E main.rt0 -T 0x101000

include boot/trampoline/trampoline.mk
include tools/audit/audit.mk
include user/initrd.mk
include tools/mkimage/image.mk
include docs/timeline.mk
include tools/gdb/gdb.mk
include tools/lab/lab.mk

.PHONY: all build build-all qemu test vet stress bench soak deps clean
all: build

build: deps-go $(KERNEL) initrd

build-all:
	@for a in $(ARCHES); do $(MAKE) --no-print-directory build ARCH=$$a || exit 1; done

# The kernel is linked and patched under a temporary name of its own
# beside the target, then renamed over it: rename(2) is atomic, so a QEMU
# booting build/ARCH/kernel.elf, or a test reading it, sees the old file
# or the new one, whole and patched, never one being written. Builds run
# concurrently (go test runs packages in parallel, and several of them
# call `make build`); each writes only its own temporary file (named by
# the recipe shell's pid), so they cannot corrupt each other and need no
# lock: the last rename wins, and with -trimpath every build of the same
# tree writes the same bytes. mkinitrd and mkimage do the same.
# The kernel's own build of kernel/preempt's fast paths: without the
# override that host tests need (kernel/preempt/preempt_*.s; the flag's
# one use, checked by tests/preempt_fastpath_test.go).
KERNEL_ASMFLAGS := tlbrace/kernel/preempt=-D=TLBRACE_KERNEL

$(KERNEL): FORCE
	@mkdir -p $(BUILD)
	@set -e; tmp=$@.$$$$.tmp; trap 'rm -f "$$tmp"' EXIT; \
	$(if $(findstring s,$(firstword -$(MAKEFLAGS))),:,echo) "$(GO) build -trimpath -o $$tmp ./boot && mbpatch $$tmp && mv $$tmp $@"; \
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) $(GO) build -trimpath -o "$$tmp" -ldflags '$(LDFLAGS_$(ARCH))' -asmflags '$(KERNEL_ASMFLAGS)' ./boot; \
	$(GO) run ./tools/mbpatch "$$tmp"; \
	mv -f "$$tmp" $@

# make qemu: the race demo (workload=race: the racy flush caught under
# breakpoint injection and explained, the fixed one under the same
# injections, then the monitor) unless CMDLINE says otherwise
# (CMDLINE=workload=demo: the older hello/counters demo). QEMU's raw
# status (docs/conventions.md) becomes make's: 1, the kernel's pass (e.g.
# `exit` at the monitor), is success; anything else is named and fails
# (QEMU's own errors also exit 1, after printing themselves on stderr).
# qemu.sh and tools/qemu keep the raw statuses.
CMDLINE ?= workload=race
qemu: deps build
	@echo ./qemu.sh -a $(ARCH) -- $(CMDLINE)
	@./qemu.sh -a $(ARCH) -- $(CMDLINE); st=$$?; case $$st in \
	  1) exit 0 ;; \
	  0) echo "make qemu: the guest reset (a triple fault; QEMU status 0)" >&2; exit 1 ;; \
	  3) echo "make qemu: a kernel test failed or the race was detected (QEMU status 3)" >&2 ;; \
	  5) echo "make qemu: kernel panic (QEMU status 5)" >&2 ;; \
	  7) echo "make qemu: the kernel rejected its command line (QEMU status 7)" >&2 ;; \
	  9) echo "make qemu: the CPU lacks a feature the kernel needs (QEMU status 9)" >&2 ;; \
	  *) echo "make qemu: qemu.sh or QEMU failed (status $$st)" >&2 ;; \
	esac; exit $$st

# make stress: the 30-second runs (racy and fixed, both arches, two QEMUs
# at a time; and the guarded configurations of scenario=exit and
# scenario=caller, tests/scenarios_test.go) plus record/replay and
# injection, the syscall fuzzer beside the stress workload under
# injection, and the fixed SMP runs on two CPUs (TestStressSMP);
# STRESS_SECONDS sets the guarded, fuzz and fixed SMP runs' length.
STRESS_SECONDS ?= 30
stress: deps build-all
	TLBRACE_STRESS_SECONDS=$(STRESS_SECONDS) TLBRACE_FUZZ_SECONDS=$(STRESS_SECONDS) TLBRACE_SMP_STRESS=1 $(GO) test -count=1 -v -timeout 60m -run 'Stress|Inject|Fuzz|OutOfMemory' ./tests/

# make bench: the racy variant over many seeds per architecture and mode,
# and boot-to-ready times, each row beside its targets, and the same as
# JSON in build/bench.json; SEEDS sets the seeds per row (20 for bench).
SEEDS ?= 10
bench: deps build-all
	$(GO) run ./tools/stressbench -seeds $(if $(filter command line environment,$(origin SEEDS)),$(SEEDS),20) -json build/bench.json

# make soak: the fixed variant with churn on fresh seeds and several CPU
# models (tools/soak), both arches, two QEMUs at a time: SEEDS seeds per
# arch, SECONDS guest seconds each; detections must be 0.
SECONDS ?= 30
soak: deps build-all
	$(GO) run ./tools/soak -seeds $(SEEDS) -seconds $(SECONDS)

# make vet: go vet on the host tools and tests, and on the kernel and the
# user programs as each architecture compiles them (asmdecl checks every
# TEXT frame and FP reference in the .s files against its Go declaration).
# For kernel code the unsafeptr analyzer is off, a documented false
# positive: it flags every uintptr -> unsafe.Pointer conversion because a
# garbage collector may move or free the object such a uintptr came from.
# The kernel has no collector, and what it converts are addresses no Go
# allocator owns: physical memory (identity-mapped: page-table frames, the
# initramfs), MMIO registers (the local APIC), stack words, code bytes,
# and in kernel tests addresses read through the MMU on purpose. Every
# other analyzer runs.
VET_KERNEL := ./asm/... ./boot/... ./kernel/... ./user/...
vet: deps-go
	$(GO) vet ./tools/... ./tests/...
	@for a in $(ARCHES); do \
	  echo "GOOS=linux GOARCH=$$a $(GO) vet -unsafeptr=false $(VET_KERNEL)"; \
	  GOOS=linux GOARCH=$$a CGO_ENABLED=0 $(GO) vet -unsafeptr=false $(VET_KERNEL) || exit 1; \
	done

# Every test: go vet, host unit tests for both GOARCH values (pure logic),
# the generated-file check, then the QEMU tests in tests/ (both
# architectures).
test: deps build-all check-trampoline vet
	GOARCH=386 $(GO) test -count=1 ./kernel/... ./tools/mbpatch/...
	$(GO) test -count=1 ./kernel/... ./tools/... 
	$(GO) test -count=1 -timeout 20m ./tests/...

clean:
	rm -rf build

# deps: QEMU and binutils from Debian's packages when missing (as root),
# or a clear message naming what to install.
DEBS_NEEDED = $(if $(shell command -v qemu-system-x86_64),,qemu-system-x86) \
              $(if $(shell command -v as),,binutils) \
              $(if $(wildcard /usr/lib/grub/i386-pc/boot.img),,grub-pc-bin) \
              $(if $(shell command -v grub-mkimage),,grub-common) \
              $(if $(shell command -v gdb),,gdb) \
              $(if $(shell command -v qemu-img),,qemu-utils)
deps: deps-go
	@if [ -n "$(strip $(DEBS_NEEDED))" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "deps: installing $(strip $(DEBS_NEEDED)) from Debian's packages"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS_NEEDED) >/dev/null || exit 1; \
	  else \
	    echo "deps: missing $(strip $(DEBS_NEEDED)); install them with: sudo apt-get install $(strip $(DEBS_NEEDED))" >&2; exit 1; \
	  fi; \
	fi

deps-go:
	@command -v $(GO) >/dev/null || { echo "deps: no Go toolchain: install Go 1.26 (https://go.dev/dl) and put it on PATH" >&2; exit 1; }

FORCE:
