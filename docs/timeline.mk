# docs/timeline.mk — `make demo`: catch the race and draw it.
#
#   make demo [ARCH=386|amd64] [SEED=1]
#
# Runs the racy stress reproducer (./qemu.sh stress -a $(ARCH) --
# flush=racy seed=$(SEED)) until it detects the race, keeps its serial log
# in build/$(ARCH)/demo.log, and renders the kernel's trace with
# tools/timeline into build/$(ARCH)/race.svg (the picture) and
# build/$(ARCH)/race.json (open in https://ui.perfetto.dev).
#
# After a detection the kernel exits with QEMU status 3: that is the
# expected outcome here, not a failure. The target fails only when the log
# has no DETECTED line (the run ended, or hit DEMO_TIMEOUT, without
# catching the race). Included by the top-level Makefile, which provides
# ARCH, GO and the build target.
ARCH ?= amd64
GO ?= go
SEED ?= 1
DEMO_TIMEOUT ?= 120
DEMO_DIR := build/$(ARCH)

.PHONY: demo
demo: build
	@mkdir -p $(DEMO_DIR)
	@echo "demo: ./qemu.sh stress -a $(ARCH) -- flush=racy seed=$(SEED)"
	@status=0; timeout $(DEMO_TIMEOUT) ./qemu.sh stress -a $(ARCH) -- flush=racy seed=$(SEED) \
	    > $(DEMO_DIR)/demo.log 2>&1 || status=$$?; \
	if ! grep -q '^DETECTED:' $(DEMO_DIR)/demo.log; then \
	  echo "demo: no DETECTED line (qemu.sh status $$status; 124 = timed out after $(DEMO_TIMEOUT) s); see $(DEMO_DIR)/demo.log" >&2; \
	  tail -n 5 $(DEMO_DIR)/demo.log >&2; exit 1; \
	fi; \
	echo "demo: qemu.sh exited with status $$status (3 = the kernel detected the race)"
	$(GO) run ./tools/timeline -svg $(DEMO_DIR)/race.svg -perfetto $(DEMO_DIR)/race.json $(DEMO_DIR)/demo.log
	@echo "demo: serial log  $(DEMO_DIR)/demo.log"
	@echo "demo: picture     $(DEMO_DIR)/race.svg"
	@echo "demo: perfetto    $(DEMO_DIR)/race.json  (https://ui.perfetto.dev)"

# race-doc: a new sample log from this tree's i386 kernel (the README's
# command, at qemu.sh stress's fixed icount shift: the same kernel prints
# the same run), then the README's "A detected lockup, step by step" block
# (tools/racedoc: the kernel's own report and explanation, cut from the
# sample) and the picture. Tests check both against the committed sample
# (tools/racedoc, tools/timeline's TestCommittedPictureIsUpToDate). The
# kernel and initramfs are named by relative paths: the sample must not
# name a directory of the machine it was made on.
RACE_SAMPLE := docs/samples/racy-386-seed1.log
.PHONY: race-doc
race-doc:
	@$(MAKE) --no-print-directory build ARCH=386
	@status=0; ./qemu.sh stress -a 386 -k build/386/kernel.elf -i build/386/initrd.cpio -- flush=racy seed=1 trace=24 \
	    > $(RACE_SAMPLE).tmp 2>&1 || status=$$?; \
	if [ $$status != 3 ] || ! grep -q '^WHAT HAPPENED END' $(RACE_SAMPLE).tmp; then \
	  echo "race-doc: the run did not end in an explained detection (qemu.sh status $$status); see $(RACE_SAMPLE).tmp" >&2; exit 1; \
	fi; mv $(RACE_SAMPLE).tmp $(RACE_SAMPLE)
	$(GO) run ./tools/racedoc
	$(GO) run ./tools/timeline -svg docs/race-386.svg $(RACE_SAMPLE)
