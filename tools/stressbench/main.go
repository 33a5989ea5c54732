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
//	icount          natural preemption: -icount at qemu.sh's fixed stress shift, jittered 10 kHz
//	                timer; the rows that gather evidence (guarded variants, the racy kernel's
//	                steady state: marked *) at its evidence shift instead (qemu.sh --evidence)
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

// opts are the command line's settings every row shares.
type opts struct {
	seeds     int
	timeout   time.Duration
	fixedSecs int
	words     []string // extra kernel words for every stress run (experiments)
}

func main() {
	seeds := flag.Int("seeds", 20, "seeds per row")
	timeout := flag.Duration("timeout", 30*time.Second, "give up on a seed after this long")
	arches := flag.String("arch", "386,amd64", "architectures")
	only := flag.String("modes", "icount,inject-tcg,inject-icount", "modes to run")
	boots := flag.Int("boots", 9, "boots per architecture for the boot-time row (and as many of the floor image); 0 skips it")
	variants := flag.String("variants", "racy,fixed", "flush variants")
	fixedSecs := flag.Int("fixed-seconds", 1, "guest seconds per fixed-variant run")
	smpSeeds := flag.Int("smp-seeds", 5, "seeds per row of the SMP table (smp.go); 0 leaves it out")
	scenarios := flag.Bool("scenarios", true, "the rows of the later recurrences (scenario=exit, scenario=caller)")
	switches := flag.Bool("switch", true, "the context switch's cost (bench=switch)")
	words := flag.String("words", "", "extra kernel words for every stress run, space-separated (e.g. \"steer=off lockup=4\")")
	jsonOut := flag.String("json", "build/bench.json", "write every row and its targets as JSON here (\"\" for none)")
	flag.Parse()
	if *seeds <= 0 || *timeout <= 0 {
		fmt.Fprintln(os.Stderr, "stressbench: -seeds and -timeout must be positive")
		os.Exit(2)
	}
	o := opts{seeds: *seeds, timeout: *timeout, fixedSecs: *fixedSecs, words: strings.Fields(*words)}
	rep := &report{Seeds: *seeds, FixedSeconds: *fixedSecs, Words: o.words, Started: time.Now().UTC().Format(time.RFC3339)}
	if shift, err := qemu.StressShift(); err == nil {
		rep.StressShift = shift
	}
	if shift, err := qemu.EvidenceShift(); err == nil {
		rep.EvidenceShift = shift
	}
	fmt.Printf("stressbench: %d seeds per row, timeout %v, fixed runs %d guest s, 2 QEMUs at a time; rates per wall second\n",
		*seeds, *timeout, *fixedSecs)
	fmt.Printf("stressbench: icount rows at qemu.sh's stress shift %d; rows marked * (the guarded and steady ones, which gather evidence) at its evidence shift %d\n",
		rep.StressShift, rep.EvidenceShift)
	if len(o.words) > 0 {
		fmt.Printf("stressbench: extra kernel words: %s\n", strings.Join(o.words, " "))
	}
	fmt.Println()
	printHeader()
	for _, arch := range strings.Split(*arches, ",") {
		for _, m := range modes {
			if !strings.Contains(","+*only+",", ","+m.name+",") {
				continue
			}
			for _, v := range strings.Split(*variants, ",") {
				c := scenarioCase{label: m.name, flush: v, guarded: v == "fixed"}
				rep.Rows = append(rep.Rows, row(arch, m, c, o))
				if m.name == "icount" && v == "racy" {
					c.steady = true
					rep.Rows = append(rep.Rows, row(arch, m, c, o))
				}
			}
		}
	}
	if *scenarios {
		fmt.Println()
		rep.Rows = append(rep.Rows, scenarioRows(strings.Split(*arches, ","), o)...) // scenarios.go
	}
	fmt.Println()
	if *boots > 0 {
		floor, remove := writeFloor()
		defer remove()
		for _, arch := range strings.Split(*arches, ",") {
			if b := bootRow(arch, *boots, floor); b != nil {
				rep.Boots = append(rep.Boots, *b)
			}
		}
	}
	if *switches {
		for _, arch := range strings.Split(*arches, ",") {
			if sw := switchCostRow(arch); sw != nil { // switchcost.go
				rep.Switches = append(rep.Switches, *sw)
			}
		}
	}
	if *smpSeeds > 0 {
		rep.SMP = smpTable(strings.Split(*arches, ","), *smpSeeds, *timeout) // smp.go
		fmt.Println()
	}
	rep.summary()
	if *jsonOut != "" {
		if err := rep.write(*jsonOut); err != nil {
			fmt.Fprintln(os.Stderr, "stressbench:", err)
			os.Exit(1)
		}
		fmt.Printf("stressbench: wrote %s\n", *jsonOut)
	}
}

func printHeader() {
	fmt.Printf("%-6s %-20s %-6s %9s %36s %26s %9s %9s %9s %9s %9s %10s  %s\n", "arch", "mode", "flush", "detected",
		"ticks min/med/max (median insns)", "wall min/median/max", "hits/1k t", "win hit/s", "win pre/s", "inject/s", "refused/s", "switches/s", "targets")
}

// row runs one row's seeds, two QEMUs at a time, prints it with its
// targets and returns it.
func row(arch string, m mode, c scenarioCase, o opts) Row {
	samples := make([]sample, o.seeds)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for i := 0; i < o.seeds; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			samples[i] = run(arch, m, c, i+1, o)
		}(i)
	}
	wg.Wait()
	r := summarize(arch, m, c, samples)
	r.Targets = targetsFor(&r)
	r.print()
	return r
}

// summarize turns a row's samples into its figures. Rates are per wall
// second of the runs: up to the detection for a detected run, to its last
// line for the others.
func summarize(arch string, m mode, c scenarioCase, samples []sample) Row {
	r := Row{Arch: arch, Mode: m.name, Scenario: c.scenario(), Flush: c.flush, Guarded: c.guarded, Evidence: c.evidence(m),
		Seeds: len(samples)}
	if c.steady {
		r.Mode = steadyMode
	}
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
		span := s.guest
		if s.detected {
			span = s.wall
		}
		if span > 0 {
			allTicks += float64(s.stat["ticks"])
			hits += float64(s.stat["window_hits"])
			pre += float64(s.stat["window_preemptions"])
			inj += float64(s.stat["injections"])
			ref += float64(s.stat["injections_refused"])
			switches += float64(s.stat["switches"])
			secs += span.Seconds()
		}
	}
	r.Detected = len(walls)
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(ticks, func(i, j int) bool { return ticks[i] < ticks[j] })
	sort.Slice(insns, func(i, j int) bool { return insns[i] < insns[j] })
	if n := len(walls); n > 0 {
		r.Ticks = &MinMedMax{float64(ticks[0]), float64(ticks[n/2]), float64(ticks[n-1])}
		if !c.steady { // (a steady run's DETECTED line comes at its end)
			r.WallMS = &MinMedMax{msf(walls[0]), msf(walls[n/2]), msf(walls[n-1])}
		}
	}
	if n := len(insns); n > 0 {
		r.MedianInsns = insns[n/2]
	}
	r.TicksTotal = uint64(allTicks)
	if allTicks > 0 {
		r.HitsPerKTicks = round1(hits * 1000 / allTicks)
	}
	if secs > 0 {
		r.PerSecond = &Rates{round0(hits / secs), round0(pre / secs), round0(inj / secs), round0(ref / secs), round0(switches / secs)}
	}
	return r
}

func (r *Row) print() {
	wallCol, tickCol := "-", "-"
	if r.Ticks != nil {
		tickCol = fmt.Sprintf("%.0f/%.0f/%.0f", r.Ticks.Min, r.Ticks.Median, r.Ticks.Max)
	}
	if r.WallMS != nil {
		wallCol = fmt.Sprintf("%.1fms/%.1fms/%.1fms", r.WallMS.Min, r.WallMS.Median, r.WallMS.Max)
	}
	if r.MedianInsns > 0 {
		tickCol += fmt.Sprintf(" (%.2fM insns)", float64(r.MedianInsns)/1e6)
	}
	perK := "-"
	if r.TicksTotal > 0 {
		perK = strconv.FormatFloat(r.HitsPerKTicks, 'f', 1, 64)
	}
	rates := [5]string{"-", "-", "-", "-", "-"}
	if p := r.PerSecond; p != nil {
		for i, x := range []float64{p.WindowHits, p.WindowPreemptions, p.Injections, p.Refused, p.Switches} {
			rates[i] = strconv.FormatFloat(x, 'f', 0, 64)
		}
	}
	label := r.Mode
	if r.Scenario != "" {
		label = r.Scenario + " " + r.Mode
	}
	if r.Evidence {
		label += "*"
	}
	fmt.Printf("%-6s %-20s %-6s %6d/%-2d %36s %26s %9s %9s %9s %9s %9s %10s  %s\n", r.Arch, label, r.Flush, r.Detected, r.Seeds,
		tickCol, wallCol, perK, rates[0], rates[1], rates[2], rates[3], rates[4], targetColumn(r.Targets))
}

func run(arch string, m mode, c scenarioCase, seed int, o opts) sample {
	args := scenarioArgs(m, c, seed, o.fixedSecs)
	args = append(args, o.words...)
	cfg := qemu.Config{Arch: arch, Stress: m.stress, Icount: m.icount, Timeout: o.timeout, Args: args}
	if c.evidence(m) {
		shift, err := qemu.EvidenceShift()
		if err != nil {
			fmt.Fprintf(os.Stderr, "stressbench: %v\n", err)
			return sample{}
		}
		cfg.Shift = shift
	}
	r, err := qemu.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s %s seed %d: %v\n", arch, c.label, m.name, seed, err)
		return sample{}
	}
	var s sample
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
	s.stat = map[string]uint64{}
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, "STAT ") {
			for _, kv := range statRE.FindAllStringSubmatch(l.Text, -1) {
				n, _ := strconv.ParseUint(kv[2], 10, 64)
				s.stat[kv[1]] = n
			}
		}
	}
	if m.stress && s.detected && !c.steady { // (a steady run's guest_tsc is the whole run's)
		if shift, err := qemu.StressShift(); err == nil {
			s.insns = s.stat["guest_tsc"] >> shift
		}
	}
	if s.detected == c.guarded {
		fmt.Fprintf(os.Stderr, "stressbench: %s %s %s flush=%s seed %d: detected=%v (%v); reproduce: %s\n",
			arch, c.label, m.name, c.flush, seed, s.detected, r.Status, r.Reproduce())
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
func bootRow(arch string, n int, floor string) *Boot {
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
		return nil
	}
	sort.Float64s(ratios)
	sort.Float64s(cpuRatios)
	ratio := ratios[len(ratios)/2]
	t := bootTarget(ratio)
	verdict := "ok"
	if !t.Met {
		verdict = "MISSED"
	}
	fmt.Printf("boot %-6s: QEMU start to \"tlbrace: ready\" %s; QEMU's floor %s (min/median/max, %d interleaved pairs)\n",
		arch, minMedMax(ready), minMedMax(floors), len(ratios))
	fmt.Printf("             %.2fx the floor (median of the pairs; target <= %.1fx: %s), fastest boots %.2fx; in QEMU's CPU time %.2fx (%s / %s median)\n",
		ratio, floorTarget, verdict, float64(slices.Min(ready))/float64(slices.Min(floors)), cpuRatios[len(cpuRatios)/2], ms(median(cpuT)), ms(median(cpuF)))
	fmt.Printf("             medians: the kernel's first line %s after QEMU's start, from there to ready %s\n", ms(median(first)), ms(median(own)))
	b := &Boot{Arch: arch, Pairs: len(ratios), RatioMedian: round2(ratio), CPURatioMedian: round2(cpuRatios[len(cpuRatios)/2]),
		ReadyMedianMS: msf(median(ready)), FloorMedianMS: msf(median(floors))}
	b.Targets = []Target{t}
	return b
}

// bootTarget judges the median ratio as measured and reports it rounded:
// judged on the rounded value, 1.204x met a 1.2x target in the JSON while
// the printed line said MISSED.
func bootTarget(ratio float64) Target {
	t := target("boot/floor, median of the pairs", "<=", floorTarget, ratio, "x")
	t.Value = round2(ratio)
	return t
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
