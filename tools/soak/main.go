// Command soak runs the fixed variant for a long time on fresh seeds and
// several CPU models, and says whether anything was ever detected:
//
//	go run ./tools/soak -seeds 50 -seconds 30
//
// Each run is `./qemu.sh stress --cpu MODEL -a ARCH -- flush=fixed
// churn=on seed=N duration=SECONDS` (qemu.sh stress: -icount at the fixed
// stress shift, so a run is a pure function of its seed and its CPU
// model), two QEMUs at a time. Seed k of an architecture runs on its
// model k mod the number of models that apply to it (pentium3 has no
// long mode: 386 only). The summary gives, per architecture and model,
// the runs, the detections (which must be 0: the fixed variant never
// loses the race), the timer interrupts that landed inside a flush window
// (each one a preemption the fix deferred), the frames each run gave
// back, and the slowest run; every run that did not pass is listed with
// the command that reproduces it. The exit status is 1 if any run did not
// pass. `make soak SEEDS=50 SECONDS=30` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"time"

	"tlbrace/tools/qemu"
)

// models are the CPU models soaked (qemu.sh --cpu adds the flags the
// kernel needs); "qemu32"/"qemu64" are qemu.sh's defaults.
var models = map[string][]string{
	"386":   {"qemu32", "Skylake-Client", "EPYC", "core2duo", "pentium3"},
	"amd64": {"qemu64", "Skylake-Client", "EPYC", "core2duo"},
}

func main() {
	seeds := flag.Int("seeds", 10, "seeds per architecture")
	seconds := flag.Int("seconds", 30, "guest seconds per run")
	seed0 := flag.Uint64("seed0", 0, "first seed (0: fresh ones, from the clock)")
	arches := flag.String("arch", "386,amd64", "architectures")
	cpus := flag.String("cpus", "", "CPU models, comma-separated (default: all that apply to each architecture)")
	parallel := flag.Int("parallel", 2, "QEMUs at a time")
	flag.Parse()
	if *seeds <= 0 || *seconds <= 0 || *parallel <= 0 {
		fmt.Fprintln(os.Stderr, "soak: -seeds, -seconds and -parallel must be positive")
		os.Exit(2)
	}
	if *seed0 == 0 {
		*seed0 = uint64(time.Now().Unix()%1_000_000) * 1000 // fresh, and far from the tests' small seeds
	}
	var plan []job
	for _, arch := range strings.Split(*arches, ",") {
		ms := models[arch]
		if ms == nil {
			fmt.Fprintf(os.Stderr, "soak: unknown architecture %q (valid: 386, amd64)\n", arch)
			os.Exit(2)
		}
		if *cpus != "" {
			ms = applicable(arch, strings.Split(*cpus, ","))
		}
		for k := 0; k < *seeds; k++ {
			plan = append(plan, job{arch: arch, cpu: ms[k%len(ms)], seed: *seed0 + uint64(k)})
		}
	}
	fmt.Printf("soak: %d runs: flush=fixed churn=on, %d guest s each, seeds %d..%d per architecture, %d QEMUs at a time\n",
		len(plan), *seconds, *seed0, *seed0+uint64(*seeds)-1, *parallel)
	fmt.Printf("soak: reproduce this soak: go run ./tools/soak -seeds %d -seconds %d -seed0 %d -arch %s%s\n",
		*seeds, *seconds, *seed0, *arches, cpuFlag(*cpus))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	results := make([]outcome, len(plan))
	var wg sync.WaitGroup
	var mu sync.Mutex
	slots := make(chan struct{}, *parallel)
	done := 0
	for i, j := range plan {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			results[i] = run(ctx, j, *seconds)
			if results[i].skipped {
				return
			}
			mu.Lock()
			done++
			fmt.Printf("soak: [%d/%d] %s\n", done, len(plan), results[i].line())
			mu.Unlock()
		}()
	}
	wg.Wait()
	s := summarize(results)
	fmt.Println()
	s.print(os.Stdout, time.Since(start))
	if !s.ok() {
		os.Exit(1)
	}
}

// job is one run of the plan.
type job struct {
	arch, cpu string
	seed      uint64
}

// applicable keeps the models that apply to arch (no 32-bit-only model
// on amd64).
func applicable(arch string, cpus []string) []string {
	var ms []string
	for _, c := range cpus {
		if arch == "amd64" && c == "pentium3" {
			continue
		}
		ms = append(ms, c)
	}
	if len(ms) == 0 {
		fmt.Fprintf(os.Stderr, "soak: no CPU model of %q applies to %s\n", strings.Join(cpus, ","), arch)
		os.Exit(2)
	}
	return ms
}

func cpuFlag(cpus string) string {
	if cpus == "" {
		return ""
	}
	return " -cpus " + cpus
}

// run boots one soak run and reads its outcome.
func run(ctx context.Context, j job, seconds int) outcome {
	cfg := qemu.Config{
		Arch: j.arch, Stress: true, CPU: j.cpu, Mem: "16M",
		Args: []string{"flush=fixed", "churn=on", "seed=" + strconv.FormatUint(j.seed, 10),
			"duration=" + strconv.Itoa(seconds), "trace=48"},
		// Under -icount a guest second takes several wall seconds on a
		// loaded 2-core machine: be generous, a hang still ends.
		Timeout: time.Duration(seconds)*30*time.Second + 5*time.Minute,
	}
	o := outcome{job: j}
	if ctx.Err() != nil {
		o.skipped = true // interrupted before it started
		return o
	}
	r, err := qemu.Run(ctx, cfg)
	if err != nil {
		o.err = err.Error()
		return o
	}
	o.read(r)
	return o
}
