# boot/trampoline/trampoline.mk — the amd64 Multiboot trampoline.
#
# Included by the top-level Makefile; paths are relative to the repository
# root (the directory make runs in).
#
#   make trampoline        assemble boot/trampoline/multiboot64.S into
#                          boot/trampoline_amd64.syso, and the application
#                          processors' start-up code boot/trampoline/ap.S
#                          into kernel/smp/trampoline_gen.go (tools/aptramp);
#                          commit the results
#   make check-trampoline  fail unless the committed .syso is exactly what
#                          the source assembles to (CI; also checked by
#                          `go test ./tools/mbpatch`)
#
# The .syso is committed so that `go build` needs no assembler. It must be
# byte-for-byte reproducible (GNU as writes no timestamps or paths without
# -g; -mx86-used-note=no keeps a distribution's default from adding a
# .note.gnu.property) and must contain no relocations: the Go linker
# silently drops the relocations of host objects in a static executable
# (see the header of multiboot64.S). tools/mbpatch/trampoline_test.go
# reads TRAMPOLINE_ASFLAGS from this file, so keep it on one line.

# Keep whatever default goal the including Makefile has (an included file's
# first target would otherwise become the default).
trampoline_saved_goal := $(.DEFAULT_GOAL)

TRAMPOLINE_DIR     := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
TRAMPOLINE_SRC     := $(TRAMPOLINE_DIR)/multiboot64.S
TRAMPOLINE_SYSO    := $(patsubst %/,%,$(dir $(TRAMPOLINE_DIR)))/trampoline_amd64.syso
TRAMPOLINE_ASFLAGS := --64 -mx86-used-note=no
OBJDUMP            ?= objdump

# trampoline_norelocs FILE: fail if FILE has any relocation record.
trampoline_norelocs = if $(OBJDUMP) -r $(1) | grep -q 'RELOCATION RECORDS'; then \
	echo "trampoline: $(1) has relocations; the Go linker would drop them silently." >&2; \
	echo "trampoline: write every address in $(TRAMPOLINE_SRC) as BASE + (label - mb_header):" >&2; \
	$(OBJDUMP) -r $(1) >&2; false; fi

.PHONY: trampoline check-trampoline

trampoline:
	$(AS) $(TRAMPOLINE_ASFLAGS) -o $(TRAMPOLINE_SYSO).tmp $(TRAMPOLINE_SRC)
	@$(call trampoline_norelocs,$(TRAMPOLINE_SYSO).tmp) || { rm -f $(TRAMPOLINE_SYSO).tmp; exit 1; }
	mv $(TRAMPOLINE_SYSO).tmp $(TRAMPOLINE_SYSO)
	$(GO) run ./tools/aptramp

check-trampoline:
	@tmp=$$(mktemp) && trap 'rm -f "$$tmp"' EXIT && \
	$(AS) $(TRAMPOLINE_ASFLAGS) -o "$$tmp" $(TRAMPOLINE_SRC) && \
	if ! cmp -s "$$tmp" $(TRAMPOLINE_SYSO); then \
		echo "check-trampoline: $(TRAMPOLINE_SYSO) does not match what $(TRAMPOLINE_SRC) assembles to: run 'make trampoline' and commit the result" >&2; \
		exit 1; \
	fi && \
	$(call trampoline_norelocs,$(TRAMPOLINE_SYSO)) && \
	echo "check-trampoline: $(TRAMPOLINE_SYSO) is up to date and has no relocations" && \
	$(GO) run ./tools/aptramp -check

.DEFAULT_GOAL := $(trampoline_saved_goal)
