// Command racedoc keeps the README's "A detected lockup, step by step"
// what a real run printed: the block between the README's race-doc
// markers is the sample log's report of its detection — the DETECTED
// line, the trace, and the kernel's own step-by-step explanation
// (kernel/trace/explain.go) — cut from docs/samples/racy-386-seed1.log.
//
//	go run ./tools/racedoc          rewrite the README's block from the sample
//	go run ./tools/racedoc -check   exit 1 if the README's block is not the sample's
//
// `make race-doc` first makes a new sample with the kernel of the tree
// (./qemu.sh stress -a 386 -- flush=racy seed=1 trace=24: a fixed icount
// shift, so the same kernel prints the same run), then runs this and
// redraws docs/race-386.svg.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const (
	samplePath = "docs/samples/racy-386-seed1.log"
	readmePath = "README.md"
	beginMark  = "<!-- race-doc begin:"
	endMark    = "<!-- race-doc end -->"
)

// excerpt cuts the detection's report out of a serial log: from the
// DETECTED line to the end of the explanation, without the lines for
// tools (TRACE-RAW, TRACE-TASK).
func excerpt(log []byte) (string, error) {
	var b strings.Builder
	in, done := false, false
	for _, l := range strings.Split(string(log), "\n") {
		l = strings.TrimRight(l, "\r")
		if strings.HasPrefix(l, "DETECTED:") && !in {
			in = true
		}
		if !in || strings.HasPrefix(l, "TRACE-RAW") || strings.HasPrefix(l, "TRACE-TASK") {
			continue
		}
		b.WriteString(l + "\n")
		if l == "WHAT HAPPENED END" {
			done = true
			break
		}
	}
	if !done {
		return "", fmt.Errorf("%s: no detection report (a DETECTED line ... WHAT HAPPENED END)", samplePath)
	}
	return b.String(), nil
}

// block returns the README's text with the code block between the
// markers replaced by body, and the block's current text.
func block(readme []byte, body string) (string, string, error) {
	s := string(readme)
	i := strings.Index(s, beginMark)
	j := strings.Index(s, endMark)
	if i < 0 || j < i {
		return "", "", fmt.Errorf("%s: no %q ... %q markers", readmePath, beginMark, endMark)
	}
	start := i + strings.Index(s[i:], "\n") + 1 // after the begin marker's line
	cur := s[start:j]
	return s[:start] + "```\n" + body + "```\n" + s[j:], cur, nil
}

func main() {
	check := flag.Bool("check", false, "only check that the README's block is the sample's report")
	flag.Parse()
	root, err := findRoot()
	if err != nil {
		fail(err)
	}
	log, err := os.ReadFile(filepath.Join(root, samplePath))
	if err != nil {
		fail(err)
	}
	body, err := excerpt(log)
	if err != nil {
		fail(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, readmePath))
	if err != nil {
		fail(err)
	}
	updated, _, err := block(readme, body)
	if err != nil {
		fail(err)
	}
	if *check {
		if updated != string(readme) {
			fail(fmt.Errorf("the README's race block is not the report in %s: run make race-doc (or go run ./tools/racedoc)", samplePath))
		}
		return
	}
	if !bytes.Equal([]byte(updated), readme) {
		if err := os.WriteFile(filepath.Join(root, readmePath), []byte(updated), 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("racedoc: %s: the race block is now the report of %s\n", readmePath, samplePath)
	}
}

func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "module tlbrace") {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("not inside the tlbrace repository")
		}
		dir = up
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "racedoc:", err)
	os.Exit(1)
}
