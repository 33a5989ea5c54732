// helpers_test.go: shared fixtures for the tests.
//
// Two logs are used: the repository's sample (docs/samples, kept current by
// whoever changes the kernel's trace, so tests on it check only the shape
// of the result) and a frozen copy of a real run in testdata/, on which
// exact values are checked.

package main

import (
	"os"
	"strings"
	"testing"
)

const (
	samplePath = "../../docs/samples/racy-386-seed3.log"
	livePath   = "testdata/racy-386-live.log"
)

// load parses a log file and rebuilds its timeline.
func load(t *testing.T, path string) (*Trace, *Timeline) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := Parse(f, path)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return tr, Build(tr)
}

// parseString parses a log given as text.
func parseString(log string) (*Trace, error) {
	return Parse(strings.NewReader(log), "x.log")
}
