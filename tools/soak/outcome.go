package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"tlbrace/tools/qemu"
)

// outcome is what one run said.
type outcome struct {
	job
	status     qemu.Status
	wall       time.Duration
	detections int    // DETECTED lines
	detected   string // the first one
	windowHits uint64 // STAT end window_hits
	switches   uint64
	framesBack bool // "stress: frames free after: N (before: N)"
	clean      bool // "stress: result clean"
	command    string
	log        string
	err        string // the harness failed (not the kernel)
	skipped    bool   // never started: the soak was interrupted
}

var (
	statRE   = regexp.MustCompile(`(\w+)=(\d+)`)
	framesRE = regexp.MustCompile(`^stress: frames free after: (\d+) \(before: (\d+)\)`)
)

// read fills o from a finished run.
func (o *outcome) read(r *qemu.Result) {
	o.status, o.wall, o.command, o.log = r.Status, r.Elapsed, r.Reproduce(), r.LogPath
	o.readLines(r.Lines)
}

func (o *outcome) readLines(lines []qemu.Line) {
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l.Text, "DETECTED:"):
			if o.detections == 0 {
				o.detected = l.Text
			}
			o.detections++
		case strings.HasPrefix(l.Text, "STAT end "):
			for _, kv := range statRE.FindAllStringSubmatch(l.Text, -1) {
				n, _ := strconv.ParseUint(kv[2], 10, 64)
				switch kv[1] {
				case "window_hits":
					o.windowHits = n
				case "switches":
					o.switches = n
				}
			}
		case strings.HasPrefix(l.Text, "stress: result clean"):
			o.clean = true
		}
		if m := framesRE.FindStringSubmatch(l.Text); m != nil {
			o.framesBack = m[1] == m[2]
		}
	}
}

// passed: the run ran its time, detected nothing, gave its frames back.
func (o *outcome) passed() bool {
	return o.err == "" && o.status == qemu.Pass && o.detections == 0 && o.clean && o.framesBack
}

func (o *outcome) line() string {
	s := fmt.Sprintf("%-5s %-14s seed %d: ", o.arch, o.cpu, o.seed)
	switch {
	case o.err != "":
		return s + "harness error: " + o.err
	case o.passed():
		return s + fmt.Sprintf("clean in %v, %d window hits, %d switches", o.wall.Round(time.Second), o.windowHits, o.switches)
	case o.detections > 0:
		return s + fmt.Sprintf("%s (%v)\n    reproduce: %s", o.detected, o.status, o.command)
	}
	return s + fmt.Sprintf("%v, clean=%t frames back=%t\n    reproduce: %s\n    log: %s", o.status, o.clean, o.framesBack, o.command, o.log)
}

// group is one row of the summary: an architecture and a CPU model.
type group struct {
	arch, cpu                string
	runs, passed, detections int
	hits, minHits            uint64
	slowest                  time.Duration
}

type summary struct {
	groups  []*group
	all     []outcome // the runs that started
	skipped int       // runs never started (interrupted)
	slowest outcome
}

func summarize(results []outcome) summary {
	s := summary{}
	byKey := map[string]*group{}
	for _, o := range results {
		if o.skipped {
			s.skipped++
			continue
		}
		s.all = append(s.all, o)
		k := o.arch + "/" + o.cpu
		g := byKey[k]
		if g == nil {
			g = &group{arch: o.arch, cpu: o.cpu, minHits: ^uint64(0)}
			byKey[k] = g
			s.groups = append(s.groups, g)
		}
		g.runs++
		if o.passed() {
			g.passed++
		}
		g.detections += o.detections
		g.hits += o.windowHits
		g.minHits = min(g.minHits, o.windowHits)
		g.slowest = max(g.slowest, o.wall)
		if o.wall > s.slowest.wall {
			s.slowest = o
		}
	}
	sort.SliceStable(s.groups, func(i, j int) bool { return s.groups[i].arch < s.groups[j].arch })
	return s
}

func (s summary) ok() bool {
	for _, o := range s.all {
		if !o.passed() {
			return false
		}
	}
	return len(s.all) > 0 && s.skipped == 0
}

func (s summary) print(w io.Writer, elapsed time.Duration) {
	fmt.Fprintf(w, "%-5s %-14s %5s %6s %10s %12s %16s %9s\n", "arch", "cpu", "runs", "passed", "detections", "window hits", "hits/run (min)", "slowest")
	var runs, passed, det int
	var hits uint64
	for _, g := range s.groups {
		fmt.Fprintf(w, "%-5s %-14s %5d %6d %10d %12d %9d (%4d) %9v\n", g.arch, g.cpu, g.runs, g.passed, g.detections,
			g.hits, g.hits/uint64(g.runs), g.minHits, g.slowest.Round(time.Second))
		runs, passed, det, hits = runs+g.runs, passed+g.passed, det+g.detections, hits+g.hits
	}
	fmt.Fprintf(w, "total: %d runs, %d passed, %d detections, %d window hits (interrupts inside a flush window, all deferred), wall time %v\n",
		runs, passed, det, hits, elapsed.Round(time.Second))
	if s.slowest.wall > 0 {
		fmt.Fprintf(w, "slowest run: %v: %s\n", s.slowest.wall.Round(time.Second), s.slowest.command)
	}
	for _, o := range s.all {
		if !o.passed() {
			fmt.Fprintf(w, "NOT PASSED: %s\n", o.line())
		}
	}
	if s.skipped > 0 {
		fmt.Fprintf(w, "interrupted: %d runs never started\n", s.skipped)
	}
	if s.ok() {
		fmt.Fprintln(w, "soak: PASS — no detection, every run clean, frames back")
	} else {
		fmt.Fprintln(w, "soak: FAIL")
	}
}
