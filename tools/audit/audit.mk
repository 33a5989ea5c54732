# tools/audit/audit.mk — the machine-code audit of CR3/CR4 writes
# (tools/audit/doc.go). Include it from the top-level Makefile, after the
# variables GO and ARCHES and the target build-all:
#
#   include tools/audit/audit.mk
#
#   make audit                       build both kernels and audit them;
#                                    fails on a violation or decode error
#   make audit AUDIT_FLAGS=-strict   the known-racy flushes count too
#   make audit AUDIT_FLAGS=-json     the report as JSON

# Keep whatever default goal the including Makefile has.
audit_saved_goal := $(.DEFAULT_GOAL)

AUDIT_FLAGS ?=

.PHONY: audit
audit: build-all
	$(GO) run ./tools/audit $(AUDIT_FLAGS) $(foreach a,$(ARCHES),build/$(a)/kernel.elf)

.DEFAULT_GOAL := $(audit_saved_goal)
