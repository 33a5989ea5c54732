// parse_test.go: reading the TRACE-RAW block, and naming the line of
// anything malformed.

package main

import (
	"strings"
	"testing"
)

func TestParseSample(t *testing.T) {
	tr, _ := load(t, samplePath)
	if !strings.HasPrefix(tr.Detected, "DETECTED: ") {
		t.Errorf("Detected = %q, want the DETECTED line", tr.Detected)
	}
	if len(tr.Names) == 0 {
		t.Errorf("no TRACE-TASK names")
	}
	seen := map[Kind]bool{}
	for _, r := range tr.Records {
		seen[r.Kind] = true
		if r.Line == 0 {
			t.Errorf("record without a line number: %+v", r)
		}
	}
	for _, k := range []Kind{Switch, PreemptWindow, ResumeWindow, Fault, Detect} {
		if !seen[k] {
			t.Errorf("the racy sample has no %s record", k)
		}
	}
}

func TestParseLive(t *testing.T) {
	tr, _ := load(t, livePath)
	if len(tr.Records) != 64 || len(tr.Names) != 7 {
		t.Fatalf("%d records, %d names; want 64, 7", len(tr.Records), len(tr.Names))
	}
	first := tr.Records[0]
	want := Record{Line: first.Line, Tick: 247, Kind: Borrow, A: 0, B: 0, X: 1, V: 0, CR3: 0, VOwner: -1, CR3Owner: -2}
	if first != want {
		t.Errorf("first record = %+v, want %+v", first, want)
	}
	var pw Record
	for _, r := range tr.Records {
		if r.Kind == PreemptWindow {
			pw = r
		}
	}
	if pw.A != 6 || pw.V != 0x973000 || pw.VOwner != 3 || pw.X != 3 {
		t.Errorf("preempt-window = %+v", pw)
	}
	if tr.TaskLabel(6) != "kflush[6]" || tr.TaskLabel(42) != "task[42]" {
		t.Errorf("labels: %q %q", tr.TaskLabel(6), tr.TaskLabel(42))
	}
	if !strings.Contains(tr.Ready, "arch=386") {
		t.Errorf("Ready = %q", tr.Ready)
	}
}

// Logs saved by tools/qemu put a time stamp before every line.
func TestParseStamped(t *testing.T) {
	log := "[  0.100000s] DETECTED: LOCKUP after 3 ticks\n" +
		"[  0.100100s] TRACE-RAW 3 switch 1 2 1 0x0 0x1000 -1 1\n" +
		"[  0.100200s] TRACE-TASK 1 a\n" +
		"[  0.100300s] TRACE-TASK 2 b\n" +
		"[  0.100400s] TRACE-RAW END\n"
	tr, err := parseString(log)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Records) != 1 || tr.Names[2] != "b" || tr.Detected == "" {
		t.Errorf("got %+v", tr)
	}
}

func TestParseErrors(t *testing.T) {
	ok := "TRACE-RAW 1 switch 1 2 1 0x0 0x1000 -1 1\n"
	cases := []struct {
		name, log string
		want      []string // substrings of the error
	}{
		{"no block", "hello\nEXIT 0\n", []string{"no TRACE-RAW block", "flush=racy", "stress"}},
		{"short record", ok + "TRACE-RAW 2 switch 1 2\nTRACE-RAW END\n", []string{"x.log:2:", "4 fields, want 9"}},
		{"long record", ok + ok + "TRACE-RAW 2 switch 1 2 1 0x0 0x1000 -1 1 9 9\nTRACE-RAW END\n", []string{"x.log:3:", "11 fields"}},
		{"bad cpu", ok + ok + "TRACE-RAW 2 switch 1 2 1 0x0 0x1000 -1 1 one\nTRACE-RAW END\n", []string{"x.log:3:", "field cpu"}},
		{"unknown kind", ok + "TRACE-RAW 2 swtich 1 2 1 0x0 0x1000 -1 1\nTRACE-RAW END\n", []string{"x.log:2:", `unknown kind "swtich"`}},
		{"bad tick", "TRACE-RAW x switch 1 2 1 0x0 0x1000 -1 1\nTRACE-RAW END\n", []string{"x.log:1:", "field tick"}},
		{"bad id", ok + "TRACE-RAW 2 switch 1 two 1 0x0 0x1000 -1 1\nTRACE-RAW END\n", []string{"x.log:2:", "field b"}},
		{"bad cr3", ok + "TRACE-RAW 2 switch 1 2 1 0x0 0xZZ -1 1\nTRACE-RAW END\n", []string{"x.log:2:", "field cr3"}},
		{"tick goes back", "junk\n" + ok + "TRACE-RAW 0 switch 2 1 1 0x0 0x1000 -1 1\nTRACE-RAW END\n", []string{"x.log:3:", "before the previous"}},
		{"bad task", ok + "TRACE-TASK one a\nTRACE-RAW END\n", []string{"x.log:2:", "TRACE-TASK"}},
		{"not closed", "line\n" + ok + ok, []string{"x.log:2:", "no TRACE-RAW END"}},
		{"end alone", "TRACE-RAW END\n", []string{"x.log:1:", "without a TRACE-RAW block"}},
		{"names only", "TRACE-TASK 1 a\nTRACE-RAW END\n", []string{"x.log:2:", "without"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseString(c.log)
			if err == nil {
				t.Fatalf("no error for %q", c.log)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
