package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tlbrace/tools/qemu"
)

func TestReplaceBlock(t *testing.T) {
	doc := "intro\n<!-- sample x -->\n```\nold\n```\n<!-- /sample -->\noutro\n"
	got, found, err := replaceBlock(doc, "x", "new 1\nnew 2")
	if err != nil || !found {
		t.Fatalf("found=%v err=%v", found, err)
	}
	want := "intro\n<!-- sample x -->\n```\nnew 1\nnew 2\n```\n<!-- /sample -->\noutro\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if again, _, _ := replaceBlock(got, "x", "new 1\nnew 2"); again != got {
		t.Errorf("replacing with the same quote changed the text")
	}
	if _, found, _ := replaceBlock(doc, "y", "z"); found {
		t.Errorf("found a block that is not there")
	}
	if _, _, err := replaceBlock("<!-- sample x -->\n```\n", "x", "z"); err == nil {
		t.Errorf("an unclosed block was accepted")
	}
}

func TestDetectionReport(t *testing.T) {
	log := strings.Split("boot\nstress: start\nDETECTED: LOCKUP after 5 ticks\n  detail\nTRACE: last 2\n  [tick 1] a\nTRACE END\n"+
		"TRACE-RAW 1 switch\nTRACE-TASK 0 main\nTRACE-RAW END\nWHAT HAPPENED (x)\n  1. tick 1: y\nWHAT HAPPENED END\nSTAT end", "\n")
	got := strings.Join(detectionReport(log), "|")
	want := "DETECTED: LOCKUP after 5 ticks|  detail|TRACE: last 2|  [tick 1] a|TRACE END|WHAT HAPPENED (x)|  1. tick 1: y|WHAT HAPPENED END"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExitStory(t *testing.T) {
	log := strings.Split(`DETECTED: LOCKUP after 9 ticks
TRACE: last 6 of 9 events
  [tick      1] EXIT     exiter[4] enters do_exit (code 0)
  [tick      2] EXIT     exiter[3] enters do_exit (code 0)
  [tick      2] exit_mm  exiter[3] sets its mm to nil
  [tick      3] PREEMPT  exiter[3] between ...
  [tick      4] RESUME   exiter[3] resumes in the window
  [tick      5] DETECT   worker[2]
TRACE END
TRACE-RAW 1 exit 4 0 3 0x0 0x0 -1 -2`, "\n")
	got := exitStory(log)
	if len(got) != 5 || !strings.Contains(got[0], "EXIT     exiter[3]") || !strings.Contains(got[4], "DETECT") {
		t.Errorf("exitStory = %q", got)
	}
	if got := exitStory(log[:1]); len(got) != 1 {
		t.Errorf("without a trace: %q, want the detection", got)
	}
}

func TestWarningAndDetection(t *testing.T) {
	log := strings.Split("stress: start\nWARNING: flushTLBGlobalModern called preemptible\n  backtrace:\n    #0 f\nSTAT t=1s\nDETECTED: CR3-MISMATCH\n  switching 5 -> 4\nTRACE: last 2", "\n")
	got := strings.Join(warningAndDetection(log), "|")
	if want := "WARNING: flushTLBGlobalModern called preemptible|  backtrace:|    #0 f|DETECTED: CR3-MISMATCH|  switching 5 -> 4"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestQuotesAreTheCommittedLogs: each document quotes exactly what the
// committed log of its sample holds (make samples writes both from one
// run; this catches a hand edit of either). Whether the log is still what
// the kernel prints is `go run ./tools/samples`' question: it re-runs them.
func TestQuotesAreTheCommittedLogs(t *testing.T) {
	root, err := qemu.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		log, err := os.ReadFile(filepath.Join(root, "docs", "samples", s.Name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		quote := strings.Join(s.Quote(strings.Split(strings.TrimRight(string(log), "\n"), "\n")), "\n")
		for _, doc := range s.Docs {
			text, err := os.ReadFile(filepath.Join(root, doc))
			if err != nil {
				t.Fatal(err)
			}
			updated, found, err := replaceBlock(string(text), s.Name, quote)
			if err != nil || !found {
				t.Errorf("%s: no block of sample %s (%v)", doc, s.Name, err)
			} else if updated != string(text) {
				t.Errorf("%s quotes something else than docs/samples/%s.log: run make samples", doc, s.Name)
			}
		}
	}
}
