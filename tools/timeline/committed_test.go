package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCommittedPictureIsUpToDate redraws each committed picture from the
// sample log it was drawn from and checks the committed copy is byte for
// byte what `make race-doc` produces.
func TestCommittedPictureIsUpToDate(t *testing.T) {
	for _, p := range []struct{ svg, log string }{
		{"docs/race-386.svg", "docs/samples/racy-386-seed3.log"},
		{"docs/race-exit-386.svg", "docs/samples/exit-386-seed1.log"},
		{"docs/race-caller-386.svg", "docs/samples/caller-386-seed1.log"},
		{"docs/race-smp-386.svg", "docs/samples/racy-smp-386-seed3.log"},
		{"docs/shoot-noreload-386.svg", "docs/samples/shoot-noreload-386.log"},
		{"docs/shoot-skiplazy-386.svg", "docs/samples/shoot-skiplazy-386.log"},
	} {
		checkPicture(t, p.svg, p.log)
	}
}

func checkPicture(t *testing.T, svg, log string) {
	out := filepath.Join(t.TempDir(), "race.svg")
	cmd := exec.Command("go", "run", "./tools/timeline", "-svg", out, log)
	cmd.Dir = "../.." // the picture names the log by its path from the repository root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("timeline: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../" + svg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run `make race-doc` and commit it", svg)
	}
}
