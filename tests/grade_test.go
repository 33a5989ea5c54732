package tests

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestGradeProofLazy is the short proof that the graders can fail
// (make grade-proof does every lab, on both architectures): the lazy
// lab's grader, on amd64, gives this tree
// full marks, and the lab's starter less, each failing test saying what
// it checks and why it failed. tools/lab's own tests compile every lab's
// starter for both architectures and check make lab.
func TestGradeProofLazy(t *testing.T) {
	// The proof runs up to two QEMUs at once: take both slots.
	stressSlots <- struct{}{}
	stressSlots <- struct{}{}
	defer func() { <-stressSlots; <-stressSlots }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// One architecture keeps it short; make grade-proof does both.
	cmd := exec.CommandContext(ctx, "go", "run", "./tools/lab", "-arch", "amd64", "prove", "lazy")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil {
		t.Fatalf("go run ./tools/lab prove lazy: %v\n%s", err, tail(s, 60))
	}
	if !strings.Contains(s, "lab lazy: 100/100") {
		t.Errorf("the reference does not score 100/100 in lab lazy\n%s", tail(s, 40))
	}
	m := regexp.MustCompile(`the starter of lab lazy scores (\d+)/100`).FindStringSubmatch(s)
	if m == nil || m[1] == "100" {
		t.Fatalf("the starter of lab lazy scores %v, want less than 100\n%s", m, tail(s, 40))
	}
	_, starter, _ := strings.Cut(s, "grade-proof: the starter of lab lazy must")
	for _, want := range []string{"FAIL", "checks: switchMM", "reproduce: ./qemu.sh", "KTEST FAIL sched."} {
		if !strings.Contains(starter, want) {
			t.Errorf("the starter's grade lacks %q\n%s", want, starter)
		}
	}
	t.Logf("the reference scores 100/100 in lab lazy, its starter %s/100", m[1])
}
