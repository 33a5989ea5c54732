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

// The multiprocessor rows: the same measurements with one CPU and with
// two, side by side, and the SMP-only ones.
//
//	seed race    the stress workload, racy, natural (-icount) and injected
//	             (multi-threaded TCG): ticks and wall time to the detection
//	shootdown    workload=shoot: the fixed protocol's IPIs per guest
//	             second and shootdown latency (guest TSC cycles from the
//	             first IPI to the last acknowledgement, median and p99);
//	             noreload and skiplazy: time to the detection
//	switches     the stress workload, fixed, one guest second under
//	             -icount: context switches per guest second on each CPU

// smpCase is one row of the SMP table.
type smpCase struct {
	what   string
	cpus   int
	mode   string   // "icount" (qemu.sh --icount) or "tcg" (multi-threaded TCG)
	words  []string // kernel words; seed= is added
	detect bool     // the run must detect (else it must stay clean)
}

func smpCases() []smpCase {
	var cs []smpCase
	for _, n := range []int{1, 2} {
		cs = append(cs,
			smpCase{"seed race, natural", n, "icount", []string{"workload=stress", "flush=racy"}, true},
			smpCase{"seed race, injected", n, "tcg", []string{"workload=stress", "inject=50", "flush=racy"}, true})
	}
	for _, m := range []string{"icount", "tcg"} {
		cs = append(cs,
			smpCase{"shootdown fixed", 2, m, []string{"workload=shoot", "shootdown=fixed", "duration=1"}, false},
			smpCase{"shootdown noreload", 2, m, []string{"workload=shoot", "shootdown=noreload"}, true},
			smpCase{"shootdown skiplazy", 2, m, []string{"workload=shoot", "shootdown=skiplazy"}, true})
	}
	for _, n := range []int{1, 2, 4} {
		cs = append(cs, smpCase{"switches", n, "icount", []string{"workload=stress", "flush=fixed", "duration=1"}, false})
	}
	return cs
}

// smpSample is what one run says.
type smpSample struct {
	ok       bool // detected when it had to, clean when it had to
	detected bool
	ticks    uint64
	wall     time.Duration
	stat     map[string]uint64
	cpuSw    []uint64 // per-CPU switches, from the CPU lines
}

// SMPRow is one row of the SMP table, as build/bench.json holds it.
type SMPRow struct {
	Arch     string     `json:"arch"`
	Row      string     `json:"row"`
	CPUs     int        `json:"cpus"`
	Mode     string     `json:"mode"` // icount, or tcg (multi-threaded)
	Seeds    int        `json:"seeds"`
	Detected *int       `json:"detected,omitempty"` // rows that must detect
	Ticks    *MinMedMax `json:"ticks_to_detection,omitempty"`
	WallMS   *MinMedMax `json:"wall_ms_to_detection,omitempty"`
	IPIsPerS float64    `json:"ipis_per_guest_second,omitempty"`
	// Shootdown latency, guest TSC cycles from the first IPI to the last
	// acknowledgement: the median run's p50 and p99.
	LatencyP50 uint64    `json:"shootdown_p50_cycles,omitempty"`
	LatencyP99 uint64    `json:"shootdown_p99_cycles,omitempty"`
	SwitchesPS []float64 `json:"switches_per_guest_second_per_cpu,omitempty"`
}

func smpTable(arches []string, seeds int, timeout time.Duration) []SMPRow {
	fmt.Printf("\nSMP (smp.go): %d seeds per row; the stress rows as above, with 1 and 2 CPUs; workload=shoot for shootdowns\n", seeds)
	fmt.Printf("%-6s %-20s %4s %-6s %9s %18s %24s %9s %22s %s\n", "arch", "row", "cpus", "mode", "detected",
		"ticks min/med/max", "wall min/median/max", "IPIs/s", "latency p50/p99 (TSC)", "switches/s per CPU")
	var rows []SMPRow
	for _, arch := range arches {
		for _, c := range smpCases() {
			n := seeds
			if !c.detect {
				n = 1 // a clean run of a guest second: its rates, once
			}
			rows = append(rows, smpRow(arch, c, n, timeout))
		}
	}
	return rows
}

func smpRow(arch string, c smpCase, seeds int, timeout time.Duration) SMPRow {
	row := SMPRow{Arch: arch, Row: c.what, CPUs: c.cpus, Mode: c.mode, Seeds: seeds}
	samples := make([]smpSample, seeds)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 1) // each run has two vCPUs: one QEMU at a time on a 2-core machine
	for i := range samples {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			samples[i] = smpRun(arch, c, i+1, timeout)
		}(i)
	}
	wg.Wait()
	var ticks []uint64
	var walls []time.Duration
	var ipis, secs float64
	var p50, p99 []uint64
	var perCPU []float64
	for _, s := range samples {
		if s.detected {
			ticks = append(ticks, s.ticks)
			walls = append(walls, s.wall)
		}
		if !c.detect && s.ok {
			secs += 1
			ipis += float64(s.stat["ipis"])
			if s.stat["shootdown_p50"] > 0 {
				p50 = append(p50, s.stat["shootdown_p50"])
				p99 = append(p99, s.stat["shootdown_p99"])
			}
			for i, sw := range s.cpuSw {
				if i >= len(perCPU) {
					perCPU = append(perCPU, 0)
				}
				perCPU[i] += float64(sw)
			}
		}
	}
	sort.Slice(ticks, func(i, j int) bool { return ticks[i] < ticks[j] })
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	tickCol, wallCol, det := "-", "-", "-"
	if c.detect {
		det = fmt.Sprintf("%d/%d", len(ticks), seeds)
		n := len(ticks)
		row.Detected = &n
	}
	if k := len(ticks); k > 0 {
		tickCol = fmt.Sprintf("%d/%d/%d", ticks[0], ticks[k/2], ticks[k-1])
		wallCol = ms(walls[0]) + "/" + ms(walls[k/2]) + "/" + ms(walls[k-1])
		row.Ticks = &MinMedMax{float64(ticks[0]), float64(ticks[k/2]), float64(ticks[k-1])}
		row.WallMS = &MinMedMax{msf(walls[0]), msf(walls[k/2]), msf(walls[k-1])}
	}
	ipiCol, latCol, swCol := "-", "-", "-"
	if secs > 0 && strings.HasPrefix(c.what, "shootdown") {
		row.IPIsPerS = round0(ipis / secs)
		ipiCol = strconv.FormatFloat(row.IPIsPerS, 'f', 0, 64)
	}
	if len(p50) > 0 {
		row.LatencyP50, row.LatencyP99 = p50[len(p50)/2], p99[len(p99)/2]
		latCol = fmt.Sprintf("%d/%d", row.LatencyP50, row.LatencyP99)
	}
	if secs > 0 && c.what == "switches" && len(perCPU) > 0 {
		var parts []string
		for _, sw := range perCPU {
			row.SwitchesPS = append(row.SwitchesPS, round0(sw/secs))
			parts = append(parts, strconv.FormatFloat(sw/secs, 'f', 0, 64))
		}
		swCol = strings.Join(parts, " ")
	}
	fmt.Printf("%-6s %-20s %4d %-6s %9s %18s %24s %9s %22s %s\n", arch, c.what, c.cpus, c.mode, det, tickCol, wallCol, ipiCol, latCol, swCol)
	return row
}

func smpRun(arch string, c smpCase, seed int, timeout time.Duration) smpSample {
	args := append(append([]string{}, c.words...), "seed="+strconv.Itoa(seed), "trace=8")
	cfg := qemu.Config{Arch: arch, SMP: c.cpus, Icount: c.mode == "icount", Timeout: timeout, Args: args}
	r, err := qemu.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s: %v\n", arch, c.what, err)
		return smpSample{}
	}
	var s smpSample
	s.stat = map[string]uint64{}
	start, ok1 := r.Find("stress: start")
	if !ok1 {
		start, ok1 = r.Find("shoot: start")
	}
	det, ok2 := r.Find("DETECTED:")
	if ok1 && ok2 {
		s.detected, s.wall = true, det.At-start.At
		if m := detectRE.FindStringSubmatch(det.Text); m != nil {
			s.ticks, _ = strconv.ParseUint(m[1], 10, 64)
		}
	}
	for _, l := range r.Lines {
		switch {
		case strings.HasPrefix(l.Text, "STAT "):
			for _, kv := range statRE.FindAllStringSubmatch(l.Text, -1) {
				n, _ := strconv.ParseUint(kv[2], 10, 64)
				s.stat[kv[1]] = n
			}
		case strings.HasPrefix(l.Text, "CPU "):
			// "CPU i  running ..., N ticks, M switches (...)"
			f := strings.Fields(l.Text)
			for i := range f {
				if f[i] == "switches" && i > 0 {
					n, _ := strconv.ParseUint(f[i-1], 10, 64)
					s.cpuSw = append(s.cpuSw, n)
				}
			}
		}
	}
	if c.what == "switches" && c.cpus == 1 {
		s.cpuSw = []uint64{s.stat["switches"]}
	}
	s.ok = s.detected == c.detect && (c.detect || r.Status == qemu.Pass)
	if !s.ok {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s cpus=%d %s seed %d: detected=%v (%v); reproduce: %s\n",
			arch, c.what, c.cpus, c.mode, seed, s.detected, r.Status, r.Reproduce())
	}
	return s
}
