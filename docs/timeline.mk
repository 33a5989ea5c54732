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

# race-doc: redraw the README's pictures from the sample logs (after a
# sample changes); tools/timeline's TestCommittedPictureIsUpToDate checks
# that the committed SVGs are what this target draws. The SMP samples
# hold several CPUs' events: each picture is the CPU where the failure
# shows.
.PHONY: race-doc
race-doc:
	$(GO) run ./tools/timeline -svg docs/race-386.svg docs/samples/racy-386-seed1.log
	$(GO) run ./tools/timeline -svg docs/race-smp-386.svg docs/samples/racy-smp-386-seed2.log
	$(GO) run ./tools/timeline -svg docs/shoot-noreload-386.svg docs/samples/shoot-noreload-386.log
	$(GO) run ./tools/timeline -svg docs/shoot-skiplazy-386.svg docs/samples/shoot-skiplazy-386.log

# samples: re-run every sample the documents quote (tools/samples) and
# rewrite the committed logs and quoted blocks, then redraw the README's
# picture from the new log. `go test ./tools/samples` fails while any is
# stale.
.PHONY: samples
samples: build-all
	$(GO) run ./tools/samples -write
	$(GO) run ./tools/timeline -svg docs/race-386.svg docs/samples/racy-386-seed1.log
