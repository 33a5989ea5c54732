package main

import (
	"strings"
	"testing"
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

func TestDetectionAndTrace(t *testing.T) {
	log := strings.Split("boot\nstress: start\nDETECTED: LOCKUP after 5 ticks\n  detail\nTRACE: last 2\n  [tick 1] a\nTRACE END\nTRACE-RAW\nSTAT end", "\n")
	got := strings.Join(detectionAndTrace(log), "|")
	if want := "DETECTED: LOCKUP after 5 ticks|  detail|TRACE: last 2|  [tick 1] a"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
