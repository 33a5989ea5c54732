package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"

	"tlbrace/tools/qemu"
)

// The cost of a preemptive context switch: the kernel's bench=switch,
// under qemu.sh --shift 0, where one TSC tick is one guest instruction,
// so the figure is deterministic and counts instructions.

var switchCostRE = regexp.MustCompile(`^BENCH switch_cost insns=(\d+) switches=(\d+)`)

// parseSwitchCost reads the kernel's BENCH switch_cost line.
func parseSwitchCost(line string) (insns, switches uint64, ok bool) {
	m := switchCostRE.FindStringSubmatch(line)
	if m == nil {
		return 0, 0, false
	}
	insns, err1 := strconv.ParseUint(m[1], 10, 64)
	switches, err2 := strconv.ParseUint(m[2], 10, 64)
	return insns, switches, err1 == nil && err2 == nil && switches > 0
}

// switchCostRow measures and prints one architecture's switch cost.
func switchCostRow(arch string) *Switch {
	cfg := qemu.Config{Arch: arch, Shift: qemu.ShiftZero, Args: []string{"bench=switch"}, Timeout: 60 * time.Second}
	r, err := qemu.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stressbench: switch cost %s: %v\n", arch, err)
		return nil
	}
	l, _ := r.Find("BENCH switch_cost")
	insns, n, ok := parseSwitchCost(l.Text)
	if !ok || r.Status != qemu.Pass {
		fmt.Fprintf(os.Stderr, "stressbench: switch cost %s: no BENCH line (%v); reproduce: %s\n", arch, r.Status, r.Reproduce())
		return nil
	}
	sw := &Switch{Arch: arch, Insns: insns, Switches: n}
	sw.Targets = []Target{target("insns per switch", "<=", switchTarget, float64(insns), "insns")}
	fmt.Printf("switch %-6s: %d guest instructions per preemptive context switch, timer handler to the next task (mean of %d; bench=switch at --shift 0)  %s\n",
		arch, insns, n, targetColumn(sw.Targets))
	return sw
}
