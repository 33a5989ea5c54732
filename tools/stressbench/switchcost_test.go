package main

import "testing"

func TestParseSwitchCost(t *testing.T) {
	insns, n, ok := parseSwitchCost("BENCH switch_cost insns=670 switches=52 (TSC cycles per switch: instructions under qemu.sh --shift 0)")
	if !ok || insns != 670 || n != 52 {
		t.Errorf("got %d, %d, %v", insns, n, ok)
	}
	for _, bad := range []string{"", "BENCH switch_cost failed: no preemptive switch was measured", "BENCH switch_cost insns=5 switches=0"} {
		if _, _, ok := parseSwitchCost(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
