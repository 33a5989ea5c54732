# docs/timeline.mk — `make demo`: catch the race and draw it.
#
#   make demo [ARCH=386|amd64] [SEED=1] [SCENARIO=kthread|exit|caller]
#
# Runs the stress reproducer of one recurrence of the race until it
# detects it (./qemu.sh stress -a $(ARCH) -- <the scenario's words>
# seed=$(SEED)), keeps its serial log in build/$(ARCH)/demo[-SCENARIO].log,
# and renders the kernel's trace with tools/timeline into
# build/$(ARCH)/race[-SCENARIO].svg (the picture) and .json (open in
# https://ui.perfetto.dev). The scenarios (README, "One bug, three times"):
#
#   kthread  2004: a lazy kernel thread's flush       flush=racy
#   exit     2016: a user task's exit_mmap flush      flush=racy scenario=exit
#   caller   2018: the page allocator's flush caller  flush=modern scenario=caller caller=racy
#
# After a detection the kernel exits with QEMU status 3: that is the
# expected outcome here, not a failure. The target fails only when the log
# has no DETECTED line (the run ended, or hit DEMO_TIMEOUT, without
# catching the race). Included by the top-level Makefile, which provides
# ARCH, GO and the build target.
ARCH ?= amd64
GO ?= go
SEED ?= 1
SCENARIO ?= kthread
DEMO_TIMEOUT ?= 120
DEMO_DIR := build/$(ARCH)

DEMO_WORDS_kthread := flush=racy
DEMO_WORDS_exit    := flush=racy scenario=exit
DEMO_WORDS_caller  := flush=modern scenario=caller caller=racy
DEMO_WORDS := $(DEMO_WORDS_$(SCENARIO))
DEMO_SUFFIX := $(if $(filter-out kthread,$(SCENARIO)),-$(SCENARIO))
DEMO_LOG := $(DEMO_DIR)/demo$(DEMO_SUFFIX).log
DEMO_SVG := $(DEMO_DIR)/race$(DEMO_SUFFIX).svg
DEMO_JSON := $(DEMO_DIR)/race$(DEMO_SUFFIX).json

.PHONY: demo
demo: build
	@if [ -z "$(DEMO_WORDS)" ]; then \
	  echo "demo: SCENARIO=$(SCENARIO) is not a scenario: kthread, exit or caller" >&2; exit 2; fi
	@mkdir -p $(DEMO_DIR)
	@echo "demo: ./qemu.sh stress -a $(ARCH) -- $(DEMO_WORDS) seed=$(SEED)"
	@status=0; timeout $(DEMO_TIMEOUT) ./qemu.sh stress -a $(ARCH) -- $(DEMO_WORDS) seed=$(SEED) \
	    > $(DEMO_LOG) 2>&1 || status=$$?; \
	if ! grep -q '^DETECTED:' $(DEMO_LOG); then \
	  echo "demo: no DETECTED line (qemu.sh status $$status; 124 = timed out after $(DEMO_TIMEOUT) s); see $(DEMO_LOG)" >&2; \
	  tail -n 5 $(DEMO_LOG) >&2; exit 1; \
	fi; \
	echo "demo: qemu.sh exited with status $$status (3 = the kernel detected the race)"
	$(GO) run ./tools/timeline -svg $(DEMO_SVG) -perfetto $(DEMO_JSON) $(DEMO_LOG)
	@echo "demo: serial log  $(DEMO_LOG)"
	@echo "demo: picture     $(DEMO_SVG)"
	@echo "demo: perfetto    $(DEMO_JSON)  (https://ui.perfetto.dev)"

# race-doc: redraw the README's pictures from the sample logs (after a
# sample changes); tools/timeline's TestCommittedPictureIsUpToDate checks
# that each committed SVG is what this target draws. The SMP samples
# hold several CPUs' events: each picture is the CPU where the failure
# shows.
.PHONY: race-doc
race-doc:
	$(GO) run ./tools/timeline -svg docs/race-386.svg docs/samples/racy-386-seed3.log
	$(GO) run ./tools/timeline -svg docs/race-exit-386.svg docs/samples/exit-386-seed1.log
	$(GO) run ./tools/timeline -svg docs/race-caller-386.svg docs/samples/caller-386-seed1.log
	$(GO) run ./tools/timeline -svg docs/race-smp-386.svg docs/samples/racy-smp-386-seed3.log
	$(GO) run ./tools/timeline -svg docs/shoot-noreload-386.svg docs/samples/shoot-noreload-386.log
	$(GO) run ./tools/timeline -svg docs/shoot-skiplazy-386.svg docs/samples/shoot-skiplazy-386.log

# samples: re-run every sample the documents quote (tools/samples) and
# rewrite the committed logs and quoted blocks, then redraw the README's
# picture from the new log. `go test ./tools/samples` fails while any is
# stale.
.PHONY: samples
samples: build-all
	$(GO) run ./tools/samples -write
	$(GO) run ./tools/timeline -svg docs/race-386.svg docs/samples/racy-386-seed3.log
	$(GO) run ./tools/timeline -svg docs/race-exit-386.svg docs/samples/exit-386-seed1.log
	$(GO) run ./tools/timeline -svg docs/race-caller-386.svg docs/samples/caller-386-seed1.log
	$(GO) run ./tools/timeline -svg docs/race-smp-386.svg docs/samples/racy-smp-386-seed3.log
	$(GO) run ./tools/timeline -svg docs/shoot-noreload-386.svg docs/samples/shoot-noreload-386.log
	$(GO) run ./tools/timeline -svg docs/shoot-skiplazy-386.svg docs/samples/shoot-skiplazy-386.log
