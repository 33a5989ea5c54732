package main

import (
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

func lines(s ...string) []qemu.Line {
	var ls []qemu.Line
	for _, t := range s {
		ls = append(ls, qemu.Line{Text: t})
	}
	return ls
}

func TestOutcome(t *testing.T) {
	clean := outcome{job: job{arch: "386", cpu: "EPYC", seed: 7}, status: qemu.Pass, wall: 90 * time.Second}
	clean.readLines(lines(
		"STAT end ticks=300000 switches=412000 preemptions=1 window_hits=523 window_preemptions=0",
		"stress: result clean flush=fixed window_hits=523 (interrupts inside a flush window, none of which could preempt)",
		"stress: frames free after: 3700 (before: 3700)",
	))
	if !clean.passed() || clean.windowHits != 523 || clean.switches != 412000 {
		t.Errorf("clean run: %+v", clean)
	}
	leak := outcome{job: job{arch: "amd64", cpu: "qemu64", seed: 8}, status: qemu.Pass, wall: 120 * time.Second}
	leak.readLines(lines("stress: result clean flush=fixed", "stress: frames free after: 3699 (before: 3700)"))
	det := outcome{job: job{arch: "amd64", cpu: "EPYC", seed: 9}, status: qemu.TestFailure, command: "./qemu.sh stress ..."}
	det.readLines(lines("DETECTED: LOCKUP after 205 ticks (20 ms of guest time) with flush=fixed", "DETECTED: HANG"))
	if leak.passed() || det.passed() || det.detections != 2 || !strings.HasPrefix(det.detected, "DETECTED: LOCKUP") {
		t.Errorf("leak %+v\ndetection %+v", leak, det)
	}

	s := summarize([]outcome{clean, leak, det})
	if s.ok() || len(s.groups) != 3 || s.slowest.seed != 8 {
		t.Fatalf("summary: ok=%v groups=%d slowest seed %d", s.ok(), len(s.groups), s.slowest.seed)
	}
	var b strings.Builder
	s.print(&b, time.Minute)
	for _, want := range []string{"total: 3 runs, 1 passed, 2 detections, 523 window hits", "slowest run: 2m0s", "NOT PASSED: amd64 EPYC", "soak: FAIL"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	if s := summarize([]outcome{clean}); !s.ok() {
		t.Error("one clean run is not ok")
	}
	if s := summarize([]outcome{clean, {skipped: true}}); s.ok() || s.skipped != 1 || len(s.all) != 1 {
		t.Errorf("an interrupted soak: ok=%v skipped=%d runs=%d", s.ok(), s.skipped, len(s.all))
	}
}
