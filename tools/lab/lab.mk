# tools/lab/lab.mk — the labs (docs/labs/README.md). Included by the
# top-level Makefile, which provides GO, deps and deps-go.
#
#   make lab LAB=name     branch lab-NAME holding the lab's starter, committed
#                         and tagged lab-NAME-starter; refuses uncommitted work
#   make grade [LAB=name] the lab's graded tests (every lab's without LAB) and
#                         Score: N/M; exits non-zero below the maximum
#   make grade-proof      the graders can fail: full marks on this tree, less
#                         on each lab's starter (about 5 minutes on 2 cores)
lab_saved_goal := $(.DEFAULT_GOAL)

LAB ?=

.PHONY: lab grade grade-proof
lab: deps-go
	@if [ -z "$(LAB)" ]; then $(GO) run ./tools/lab list | grep -v '^ '; echo "make lab: which one? make lab LAB=name" >&2; exit 2; fi
	$(GO) run ./tools/lab new $(LAB)

grade: deps
	$(GO) run ./tools/lab grade $(LAB)

grade-proof: deps
	$(GO) run ./tools/lab prove $(LAB)

.DEFAULT_GOAL := $(lab_saved_goal)
