package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCommittedPictureIsUpToDate redraws docs/race-386.svg from the sample
// log it was drawn from and checks the committed copy is byte for byte
// what `make race-doc` produces.
func TestCommittedPictureIsUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "race.svg")
	cmd := exec.Command("go", "run", "./tools/timeline", "-svg", out, "docs/samples/racy-386-seed1.log")
	cmd.Dir = "../.." // the picture names the log by its path from the repository root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("timeline: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../docs/race-386.svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/race-386.svg is stale: run `make race-doc` and commit it")
	}
}
