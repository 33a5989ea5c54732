package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// What make bench writes to build/bench.json: every row as printed, with
// its targets, so that two runs can be compared (jq, or any JSON reader).

type report struct {
	Started       string   `json:"started"`
	Seeds         int      `json:"seeds_per_row"`
	FixedSeconds  int      `json:"fixed_guest_seconds"`
	StressShift   int      `json:"stress_icount_shift"`
	EvidenceShift int      `json:"evidence_icount_shift"` // the rows with Evidence set
	Words         []string `json:"extra_words,omitempty"`
	Rows          []Row    `json:"rows"`
	Boots         []Boot   `json:"boots,omitempty"`
	Switches      []Switch `json:"switches,omitempty"`
	SMP           []SMPRow `json:"smp,omitempty"` // the SMP table (smp.go): no targets
	Missed        []string `json:"missed"`        // every target missed, by name
}

// Row is one architecture, mode, scenario and flush variant over Seeds seeds.
type Row struct {
	Arch          string     `json:"arch"`
	Mode          string     `json:"mode"`               // icount (natural), icount-steady (racy, keepgoing), inject-tcg, inject-icount
	Scenario      string     `json:"scenario,omitempty"` // "" = kthread (2004); exit, caller=racy, caller=fixed
	Flush         string     `json:"flush"`
	Guarded       bool       `json:"guarded"`  // must never detect
	Evidence      bool       `json:"evidence"` // ran at the evidence shift (qemu.sh --evidence), not the stress shift
	Seeds         int        `json:"seeds"`
	Detected      int        `json:"detected"`
	Ticks         *MinMedMax `json:"ticks_to_detection,omitempty"`
	WallMS        *MinMedMax `json:"wall_ms_to_detection,omitempty"`
	MedianInsns   uint64     `json:"median_guest_insns_to_detection,omitempty"`
	TicksTotal    uint64     `json:"ticks_total"`
	HitsPerKTicks float64    `json:"window_hits_per_1k_ticks"`
	PerSecond     *Rates     `json:"per_wall_second,omitempty"`
	Targets       []Target   `json:"targets,omitempty"`
}

// MinMedMax is a distribution over the detected seeds (median: the
// element at n/2 of the sorted values).
type MinMedMax struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// Rates are per wall second of the runs (to the detection, or to the end).
type Rates struct {
	WindowHits        float64 `json:"window_hits"`
	WindowPreemptions float64 `json:"window_preemptions"`
	Injections        float64 `json:"injections"`
	Refused           float64 `json:"injections_refused"`
	Switches          float64 `json:"switches"`
}

// Boot is the boot-to-ready row of one architecture.
type Boot struct {
	Arch           string   `json:"arch"`
	Pairs          int      `json:"pairs"`
	RatioMedian    float64  `json:"ratio_to_floor_median"`
	CPURatioMedian float64  `json:"cpu_ratio_to_floor_median"`
	ReadyMedianMS  float64  `json:"ready_median_ms"`
	FloorMedianMS  float64  `json:"floor_median_ms"`
	Targets        []Target `json:"targets"`
}

// Switch is the cost of a preemptive context switch on one architecture.
type Switch struct {
	Arch     string   `json:"arch"`
	Insns    uint64   `json:"guest_insns"`
	Switches uint64   `json:"switches_measured"`
	Targets  []Target `json:"targets"`
}

// Target is one figure against its limit.
type Target struct {
	Name  string  `json:"name"`
	Op    string  `json:"op"` // "<=" or ">="
	Limit float64 `json:"limit"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	Met   bool    `json:"met"`
}

func target(name, op string, limit, value float64, unit string) Target {
	met := value <= limit
	if op == ">=" {
		met = value >= limit
	}
	return Target{Name: name, Op: op, Limit: limit, Value: value, Unit: unit, Met: met}
}

// The targets (docs/performance.md says where they come from).
const (
	naturalTicksTarget   = 100   // median ticks to the first detection, racy, -icount
	naturalMedianTarget  = 100.0 // ms, median wall time to it
	naturalMaxTarget     = 500.0 // ms, slowest seed
	windowHitsTarget     = 500   // timer interrupts inside a flush window per wall second, racy and fixed, -icount
	injectedMedianTarget = 20.0  // ms, median wall time to detection, inject=50 in default TCG
	switchTarget         = 1000  // guest instructions per preemptive context switch
)

// targetsFor returns a row's targets: the 2004 race's rows have them (the
// later recurrences' rows are measured, not targeted).
func targetsFor(r *Row) []Target {
	if r.Scenario != "" {
		return nil
	}
	var t []Target
	switch {
	case r.Mode == "icount" && r.Flush == "racy":
		if r.Ticks != nil {
			t = append(t, target("median ticks", "<=", naturalTicksTarget, r.Ticks.Median, "ticks"),
				target("median wall", "<=", naturalMedianTarget, r.WallMS.Median, "ms"),
				target("max wall", "<=", naturalMaxTarget, r.WallMS.Max, "ms"))
		}
		t = append(t, target("detected", ">=", float64(r.Seeds), float64(r.Detected), "seeds"))
	case r.Mode == "inject-tcg" && r.Flush == "racy":
		if r.WallMS != nil {
			t = append(t, target("median wall", "<=", injectedMedianTarget, r.WallMS.Median, "ms"))
		}
		t = append(t, target("detected", ">=", float64(r.Seeds), float64(r.Detected), "seeds"))
	}
	// The window-hit rate of a racy run that stops at its first detection
	// is about one over the time to it (a detection follows the first
	// window preemption): the racy kernel's rate is its steady state, the
	// icount-steady row (keepgoing: every detection counted, the run goes
	// on for -fixed-seconds).
	if r.Mode == "icount" && r.Flush != "racy" || r.Mode == steadyMode {
		hits := 0.0
		if r.PerSecond != nil {
			hits = r.PerSecond.WindowHits
		}
		t = append(t, target("window hits/s", ">=", windowHitsTarget, hits, "/s"))
	}
	if r.Guarded {
		t = append(t, target("detections", "<=", 0, float64(r.Detected), "seeds"))
		if r.Mode == "icount" {
			t = append(t, target("window hits", ">=", 1, r.HitsPerKTicks, "per 1k ticks"))
		}
	}
	return t
}

// targetColumn is the table's last column: each target, its limit and ok
// or MISSED.
func targetColumn(ts []Target) string {
	var b []string
	for _, t := range ts {
		v := "ok"
		if !t.Met {
			v = "MISSED"
		}
		b = append(b, fmt.Sprintf("%s %s %g: %s", t.Name, t.Op, t.Limit, v))
	}
	return strings.Join(b, ", ")
}

// summary prints every missed target once more, at the end.
func (rep *report) summary() {
	rep.Missed = []string{}
	add := func(what string, ts []Target) {
		for _, t := range ts {
			if !t.Met {
				rep.Missed = append(rep.Missed, fmt.Sprintf("%s: %s %g %s (target %s %g)", what, t.Name, t.Value, t.Unit, t.Op, t.Limit))
			}
		}
	}
	for _, r := range rep.Rows {
		what := r.Arch + " " + r.Mode + " flush=" + r.Flush
		if r.Scenario != "" {
			what = r.Arch + " " + r.Scenario + " " + r.Mode + " flush=" + r.Flush
		}
		add(what, r.Targets)
	}
	for _, b := range rep.Boots {
		add(b.Arch+" boot", b.Targets)
	}
	for _, s := range rep.Switches {
		add(s.Arch+" switch", s.Targets)
	}
	fmt.Println()
	if len(rep.Missed) == 0 {
		fmt.Println("stressbench: every target met")
		return
	}
	fmt.Printf("stressbench: %d targets missed:\n", len(rep.Missed))
	for _, m := range rep.Missed {
		fmt.Println("  " + m)
	}
}

func (rep *report) write(path string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func msf(d time.Duration) float64 { return round1(float64(d) / 1e6) }
func round0(x float64) float64    { return math.Round(x) }
func round1(x float64) float64    { return math.Round(x*10) / 10 }
func round2(x float64) float64    { return math.Round(x*100) / 100 }
