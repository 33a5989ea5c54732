package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"tlbrace/tools/qemu"
)

// The later recurrences of the race (README, "One bug, three times"): a row
// per scenario, variant and mode, in the same columns as the kthread table.
//
//	exit    2016: user tasks exit; their exit_mmap flush borrows
//	caller  2018: flush=modern, the DEBUG_PAGEALLOC flush caller guarded or not
//
// Guarded rows run -fixed-seconds of guest time per seed and must never
// detect; the others run until the detection.

type scenarioCase struct {
	label   string   // the scenario, as the mode column shows it
	flush   string   // flush=
	words   []string // the scenario's words
	guarded bool     // must never detect
}

var scenarioCases = []scenarioCase{
	{"exit", "racy", []string{"scenario=exit"}, false},
	{"exit", "fixed", []string{"scenario=exit"}, true},
	{"exit", "modern", []string{"scenario=exit"}, true},
	{"caller=racy", "modern", []string{"scenario=caller", "caller=racy"}, false},
	{"caller=fixed", "modern", []string{"scenario=caller", "caller=fixed"}, true},
}

// scenarioModes: natural (-icount) and injected (default TCG), as modes.
var scenarioModes = []string{"icount", "inject-tcg"}

// scenarioArgs are the kernel words of one run.
func scenarioArgs(m mode, c scenarioCase, seed, fixedSecs int) []string {
	args := append(append(append([]string{}, m.words...), c.words...), "flush="+c.flush, "seed="+strconv.Itoa(seed), "trace=8")
	if c.guarded {
		args = append(args, "duration="+strconv.Itoa(fixedSecs))
	}
	return args
}

// scenarioRows prints the scenarios' rows for every architecture.
func scenarioRows(arches []string, seeds int, timeout time.Duration, fixedSecs int) {
	fmt.Println()
	for _, arch := range arches {
		for _, name := range scenarioModes {
			for _, m := range modes {
				if m.name != name {
					continue
				}
				for _, c := range scenarioCases {
					scenarioRow(arch, m, c, seeds, timeout, fixedSecs)
				}
			}
		}
	}
}

func scenarioRow(arch string, m mode, c scenarioCase, seeds int, timeout time.Duration, fixedSecs int) {
	samples := make([]sample, seeds)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for i := 0; i < seeds; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			samples[i] = scenarioRun(arch, m, c, i+1, timeout, fixedSecs)
		}(i)
	}
	wg.Wait()
	var walls []time.Duration
	var ticks []uint64
	var hits, pre, inj, ref, switches, secs, allTicks float64
	for _, s := range samples {
		if s.detected {
			walls = append(walls, s.wall)
			ticks = append(ticks, s.ticks)
		}
		if s.guest > 0 {
			allTicks += float64(s.stat["ticks"])
			hits += float64(s.stat["window_hits"])
			pre += float64(s.stat["window_preemptions"])
			inj += float64(s.stat["injections"])
			ref += float64(s.stat["injections_refused"])
			switches += float64(s.stat["switches"])
			secs += s.guest.Seconds()
		}
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(ticks, func(i, j int) bool { return ticks[i] < ticks[j] })
	wallCol, tickCol := "-", "-"
	if n := len(walls); n > 0 {
		wallCol = ms(walls[0]) + "/" + ms(walls[n/2]) + "/" + ms(walls[n-1])
		tickCol = fmt.Sprintf("%d/%d/%d", ticks[0], ticks[n/2], ticks[n-1])
	}
	perKTicks := "-"
	if allTicks > 0 {
		perKTicks = strconv.FormatFloat(hits*1000/allTicks, 'f', 1, 64)
	}
	rate := func(x float64) string {
		if secs == 0 {
			return "-"
		}
		return strconv.FormatFloat(x/secs, 'f', 0, 64)
	}
	fmt.Printf("%-6s %-14s %-6s %6d/%-2d %34s %26s %9s %9s %9s %9s %9s %10s\n", arch, c.label+" "+m.name, c.flush,
		len(walls), seeds, tickCol, wallCol, perKTicks, rate(hits), rate(pre), rate(inj), rate(ref), rate(switches))
}

func scenarioRun(arch string, m mode, c scenarioCase, seed int, timeout time.Duration, fixedSecs int) sample {
	cfg := qemu.Config{Arch: arch, Stress: m.stress, Icount: m.icount, Timeout: timeout, Args: scenarioArgs(m, c, seed, fixedSecs)}
	r, err := qemu.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s %s seed %d: %v\n", arch, c.label, m.name, seed, err)
		return sample{}
	}
	s := sample{stat: map[string]uint64{}}
	start, ok1 := r.Find("stress: start")
	det, ok2 := r.Find("DETECTED:")
	if ok1 && ok2 {
		s.detected, s.wall = true, det.At-start.At
		if x := detectRE.FindStringSubmatch(det.Text); x != nil {
			s.ticks, _ = strconv.ParseUint(x[1], 10, 64)
		}
	}
	if ok1 && len(r.Lines) > 0 {
		s.guest = r.Lines[len(r.Lines)-1].At - start.At
	}
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, "STAT ") {
			for _, kv := range statRE.FindAllStringSubmatch(l.Text, -1) {
				n, _ := strconv.ParseUint(kv[2], 10, 64)
				s.stat[kv[1]] = n
			}
		}
	}
	if s.detected == c.guarded {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s %s flush=%s seed %d: detected=%v (%v); reproduce: %s\n",
			arch, c.label, m.name, c.flush, seed, s.detected, r.Status, r.Reproduce())
	}
	return s
}
