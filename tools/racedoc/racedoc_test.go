package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEShowsTheSample: the README's race block is the detection
// report of the committed sample log, a real run — the kernel's own
// explanation included — byte for byte.
func TestREADMEShowsTheSample(t *testing.T) {
	log, err := os.ReadFile("../../" + samplePath)
	if err != nil {
		t.Fatal(err)
	}
	body, err := excerpt(log)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../" + readmePath)
	if err != nil {
		t.Fatal(err)
	}
	updated, cur, err := block(readme, body)
	if err != nil {
		t.Fatal(err)
	}
	if updated != string(readme) {
		t.Errorf("README.md's race block is not the report of %s: run `make race-doc` (a new run) or `go run ./tools/racedoc`\nREADME has:\n%s\nthe sample has:\n%s", samplePath, cur, body)
	}
	for _, want := range []string{"DETECTED: ", "TRACE:", "WHAT HAPPENED (", "  1. tick ", "WHAT HAPPENED END"} {
		if !strings.Contains(body, want) {
			t.Errorf("the sample's report lacks %q: regenerate it with make race-doc", want)
		}
	}
}

func TestExcerptSkipsToolLines(t *testing.T) {
	log := "boot\nDETECTED: LOCKUP after 3 ticks\nTRACE: x\nTRACE END\nTRACE-RAW 1 switch\nTRACE-TASK 0 main\nWHAT HAPPENED (x)\n  1. tick 1: y\nWHAT HAPPENED END\nSTAT end\n"
	got, err := excerpt([]byte(log))
	want := "DETECTED: LOCKUP after 3 ticks\nTRACE: x\nTRACE END\nWHAT HAPPENED (x)\n  1. tick 1: y\nWHAT HAPPENED END\n"
	if err != nil || got != want {
		t.Errorf("excerpt = %q, %v\nwant %q", got, err, want)
	}
	if _, err := excerpt([]byte("no detection\n")); err == nil {
		t.Error("a log without a detection gave an excerpt")
	}
}
