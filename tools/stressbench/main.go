// Command stressbench measures the lockup reproducer: for each
// architecture, mode and flush variant it runs many seeds and prints a
// table — detection rate, ticks to the detection (min/median/max: the
// machine-independent figure, identical on any host under -icount's fixed
// shift), wall time from the workload's start to the detection, window
// hits per 1,000 ticks (machine-independent too), and per wall second:
// timer interrupts inside a flush window, preemptions inside one,
// injections and refused injections, context switches — plus boot-to-ready
// times beside QEMU's floor (tools/bootfloor), per architecture, with their
// ratio against a 1.2x target. `make bench` runs it. Fixed-variant runs last -fixed-seconds of
// guest time each and must never detect anything.
//
// Modes:
//
//	icount          natural preemption: -icount at qemu.sh's fixed shift, jittered 10 kHz timer
//	inject-tcg      breakpoint injection (inject=50), default TCG
//	inject-icount   breakpoint injection under -icount
//
// Then the multiprocessor table (smp.go): the seed's race with one CPU and
// with two, the missed shootdown, IPIs per second, shootdown latency and
// context switches per second on each CPU.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"tlbrace/tools/bootfloor"
	"tlbrace/tools/qemu"
)

type mode struct {
	name   string
	stress bool     // qemu.sh stress (icount + the stress words)
	icount bool     // -icount without the stress words
	words  []string // kernel words
}

var modes = []mode{
	{name: "icount", stress: true},
	{name: "inject-tcg", words: []string{"workload=stress", "inject=50"}},
	{name: "inject-icount", icount: true, words: []string{"workload=stress", "inject=50"}},
}

type sample struct {
	detected bool
	ticks    uint64        // ticks from the workload's start to the detection
	insns    uint64        // guest instructions from the start to the end (stress mode: guest_tsc >> the fixed shift)
	wall     time.Duration // start of the workload -> DETECTED line
	guest    time.Duration // wall time of the whole run after the start
	stat     map[string]uint64
}

var (
	statRE   = regexp.MustCompile(`(\w+)=(\d+)`)
	detectRE = regexp.MustCompile(`^DETECTED: \S+ after (\d+) ticks`)
)

func main() {
	seeds := flag.Int("seeds", 10, "seeds per architecture and mode")
	timeout := flag.Duration("timeout", 30*time.Second, "give up on a seed after this long")
	arches := flag.String("arch", "386,amd64", "architectures")
	only := flag.String("modes", "icount,inject-tcg,inject-icount", "modes to run")
	boots := flag.Int("boots", 9, "boots per architecture for the boot-time row (and as many of the floor image)")
	variants := flag.String("variants", "racy,fixed", "flush variants")
	fixedSecs := flag.Int("fixed-seconds", 1, "guest seconds per fixed-variant run")
	smpSeeds := flag.Int("smp-seeds", 5, "seeds per row of the SMP table (smp.go); 0 leaves it out")
	flag.Parse()
	if *seeds <= 0 || *timeout <= 0 {
		fmt.Fprintln(os.Stderr, "stressbench: -seeds and -timeout must be positive")
		os.Exit(2)
	}
	fmt.Printf("stressbench: %d seeds per row, timeout %v, fixed runs %d guest s, 2 QEMUs at a time; rates per wall second\n\n",
		*seeds, *timeout, *fixedSecs)
	fmt.Printf("%-6s %-14s %-6s %9s %34s %26s %9s %9s %9s %9s %9s %10s\n", "arch", "mode", "flush", "detected",
		"ticks min/med/max (median insns)", "wall min/median/max", "hits/1k t", "win hit/s", "win pre/s", "inject/s", "refused/s", "switches/s")
	for _, arch := range strings.Split(*arches, ",") {
		for _, m := range modes {
			if !strings.Contains(","+*only+",", ","+m.name+",") {
				continue
			}
			for _, v := range strings.Split(*variants, ",") {
				row(arch, m, v, *seeds, *timeout, *fixedSecs)
			}
		}
	}
	scenarioRows(strings.Split(*arches, ","), *seeds, *timeout, *fixedSecs) // scenarios.go
	fmt.Println()
	floor, remove := writeFloor()
	defer remove()
	for _, arch := range strings.Split(*arches, ",") {
		bootRow(arch, *boots, floor)
	}
	for _, arch := range strings.Split(*arches, ",") {
		switchCostRow(arch) // switchcost.go
	}
	if *smpSeeds > 0 {
		smpTable(strings.Split(*arches, ","), *smpSeeds, *timeout) // smp.go
	}
}

func row(arch string, m mode, variant string, seeds int, timeout time.Duration, fixedSecs int) {
	samples := make([]sample, seeds)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for i := 0; i < seeds; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			samples[i] = run(arch, m, variant, i+1, timeout, fixedSecs)
		}(i)
	}
	wg.Wait()
	var walls []time.Duration
	var ticks, insns []uint64
	var hits, pre, inj, ref, switches, secs, allTicks float64
	for _, s := range samples {
		if s.detected {
			walls = append(walls, s.wall)
			ticks = append(ticks, s.ticks)
			if s.insns > 0 {
				insns = append(insns, s.insns)
			}
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
	sort.Slice(insns, func(i, j int) bool { return insns[i] < insns[j] })
	if n := len(insns); n > 0 {
		tickCol += fmt.Sprintf(" (%.1fM insns)", float64(insns[n/2])/1e6)
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
	fmt.Printf("%-6s %-14s %-6s %6d/%-2d %34s %26s %9s %9s %9s %9s %9s %10s\n", arch, m.name, variant, len(walls), seeds,
		tickCol, wallCol, perKTicks, rate(hits), rate(pre), rate(inj), rate(ref), rate(switches))
}

func run(arch string, m mode, variant string, seed int, timeout time.Duration, fixedSecs int) sample {
	args := append(append([]string{}, m.words...), "flush="+variant, "seed="+strconv.Itoa(seed), "trace=8")
	if variant == "fixed" {
		args = append(args, "duration="+strconv.Itoa(fixedSecs))
	}
	cfg := qemu.Config{Arch: arch, Stress: m.stress, Icount: m.icount, Timeout: timeout, Args: args}
	r, err := qemu.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s seed %d: %v\n", arch, m.name, seed, err)
		return sample{}
	}
	var s sample
	start, ok1 := r.Find("stress: start")
	det, ok2 := r.Find("DETECTED:")
	if ok1 && ok2 {
		s.detected, s.wall = true, det.At-start.At
		if m := detectRE.FindStringSubmatch(det.Text); m != nil {
			s.ticks, _ = strconv.ParseUint(m[1], 10, 64)
		}
	}
	if ok1 && len(r.Lines) > 0 {
		s.guest = r.Lines[len(r.Lines)-1].At - start.At
	}
	s.stat = map[string]uint64{}
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, "STAT ") {
			for _, kv := range statRE.FindAllStringSubmatch(l.Text, -1) {
				n, _ := strconv.ParseUint(kv[2], 10, 64)
				s.stat[kv[1]] = n
			}
		}
	}
	if m.stress && s.detected {
		if shift, err := qemu.StressShift(); err == nil {
			s.insns = s.stat["guest_tsc"] >> shift
		}
	}
	if s.detected == (variant == "fixed") {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s flush=%s seed %d: detected=%v (%v); reproduce: %s\n", arch, m.name, variant, seed, s.detected, r.Status, r.Reproduce())
	}
	return s
}

// bootRow times n boots of tlbrace to its ready line and, interleaved with
// them, n boots of QEMU's floor: a Multiboot image that prints one line
// and exits at once (tools/bootfloor), booted by qemu.sh with the same
// machine, CPU, memory and initramfs. Each tlbrace boot is divided by the
// floor boot just before it — on a shared machine the two see the same
// host load — and the median of those ratios is what tlbrace's own boot
// costs; the target is floorTarget. The ratio of the fastest boots of
// each is printed too (the figure for a quiet host), and the same ratio
// in CPU time, which other processes on the host barely change: tlbrace
// runs with workload=none, which exits right after the ready line.
func bootRow(arch string, n int, floor string) {
	var ready, floors, first, own, cpuT, cpuF []time.Duration
	var ratios, cpuRatios []float64
	for i := 0; i < n; i++ {
		f, err := qemu.Run(context.Background(), qemu.Config{Arch: arch, Kernel: floor, Timeout: 30 * time.Second})
		l, ok := f.Find(bootfloor.Line)
		if err != nil || !ok || f.Status != qemu.Pass {
			fmt.Fprintf(os.Stderr, "stressbench: the floor image did not print %q and pass on %s: %v %v\n", bootfloor.Line, arch, err, f)
			continue
		}
		r, err := qemu.Run(context.Background(), qemu.Config{Arch: arch, Args: []string{"workload=none"}, Timeout: 30 * time.Second})
		if err != nil || r.ReadyAt < 0 || r.Status != qemu.Pass {
			fmt.Fprintf(os.Stderr, "stressbench: no ready line, or no pass, on %s: %v %v\n", arch, err, r)
			continue
		}
		floors, ready = append(floors, l.At), append(ready, r.ReadyAt)
		first, own = append(first, r.Lines[0].At), append(own, r.ReadyAt-r.Lines[0].At)
		cpuF, cpuT = append(cpuF, f.CPU), append(cpuT, r.CPU)
		ratios = append(ratios, float64(r.ReadyAt)/float64(l.At))
		cpuRatios = append(cpuRatios, float64(r.CPU)/float64(f.CPU))
	}
	if len(ratios) == 0 {
		fmt.Printf("boot %-6s: no pair of boots (the floor's line, then tlbrace's ready line) out of %d\n", arch, n)
		return
	}
	sort.Float64s(ratios)
	sort.Float64s(cpuRatios)
	ratio := ratios[len(ratios)/2]
	verdict := "ok"
	if ratio > floorTarget {
		verdict = "MISSED"
	}
	fmt.Printf("boot %-6s: QEMU start to \"tlbrace: ready\" %s; QEMU's floor %s (min/median/max, %d interleaved pairs)\n",
		arch, minMedMax(ready), minMedMax(floors), len(ratios))
	fmt.Printf("             %.2fx the floor (median of the pairs; target <= %.1fx: %s), fastest boots %.2fx; in QEMU's CPU time %.2fx (%s / %s median)\n",
		ratio, floorTarget, verdict, float64(slices.Min(ready))/float64(slices.Min(floors)), cpuRatios[len(cpuRatios)/2], ms(median(cpuT)), ms(median(cpuF)))
	fmt.Printf("             medians: the kernel's first line %s after QEMU's start, from there to ready %s\n", ms(median(first)), ms(median(own)))
}

// floorTarget: tlbrace's boot to ready may take at most this many times
// QEMU's floor.
const floorTarget = 1.2

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func minMedMax(d []time.Duration) string {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return ms(s[0]) + "/" + ms(s[len(s)/2]) + "/" + ms(s[len(s)-1])
}

// writeFloor writes the floor image to a temporary file and returns its
// path and a function that removes it.
func writeFloor() (string, func()) {
	f, err := os.CreateTemp("", "bootfloor-*.elf")
	if err == nil {
		_, err = f.Write(bootfloor.Image())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stressbench: writing the floor image:", err)
		os.Exit(1)
	}
	return f.Name(), func() { os.Remove(f.Name()) }
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms" }
