package sched

import (
	"testing"

	"tlbrace/asm"
)

// recordArms replaces the tick source's arm with a recorder for one test.
func recordArms(t *testing.T) *[]uint32 {
	t.Helper()
	var arms []uint32
	savedArm, savedMean, savedRatio := armCount, MeanCount, tscPerCount
	armCount = func(n uint32) { arms = append(arms, n) }
	MeanCount = 1000
	t.Cleanup(func() { armCount, MeanCount, tscPerCount = savedArm, savedMean, savedRatio })
	return &arms
}

// TestDeferredTickClosesAtTheSwitch: a tick whose preemption is deferred
// stays open with only the backstop armed; the switch its preempt_enable
// makes (tickDone) arms the next interval; a backstop that runs out
// (the section is long) gives the usual interval from then on. Arming
// the next interval at the deferral itself — the kernel before this —
// fails the first check.
func TestDeferredTickClosesAtTheSwitch(t *testing.T) {
	arms := recordArms(t)
	c := &cpuState{jitter: NewRand(1, 1)}

	c.tickStart = 1 // a tick is open
	deferTick(c)
	if len(*arms) != 1 || (*arms)[0] != MeanCount*deferBackstop || !c.tickDeferred || c.tickStart == 0 {
		t.Fatalf("deferral: arms %v (want only the backstop, %d), deferred %v, open %v",
			*arms, MeanCount*deferBackstop, c.tickDeferred, c.tickStart != 0)
	}
	deferTick(c) // the backstop came due, still deferred
	if len(*arms) != 2 || !usual((*arms)[1]) {
		t.Fatalf("backstop run out: arms %v (want a usual interval next)", *arms)
	}
	tickDone(c) // the deferred switch
	if len(*arms) != 3 || !usual((*arms)[2]) || c.tickDeferred || c.tickStart != 0 {
		t.Fatalf("switch: arms %v, deferred %v, open %v (want a usual interval, closed)", *arms, c.tickDeferred, c.tickStart != 0)
	}
	tickDone(c) // nothing open: nothing armed
	deferTick(c)
	if len(*arms) != 3 {
		t.Fatalf("no open tick: arms %v (want no more)", *arms)
	}
}

func usual(n uint32) bool { return n >= MeanCount/2 && n < MeanCount*3/2 }

// TestLeftoverTick: a timer interrupt before the armed countdown can
// have run out is a leftover — acknowledged, the countdown armed again
// for what is left of it — and one at or after it a tick; without a
// TSC ratio (the PIT) every interrupt is a tick. Taking every interrupt
// as a tick fails the first check.
func TestLeftoverTick(t *testing.T) {
	arms := recordArms(t)
	tscPerCount = 2 << 16 // two TSC cycles per count
	c := &cpuState{tickDue: 10_000}
	before := LeftoverTicks

	if !leftover(c, 4_000) || LeftoverTicks != before+1 || len(*arms) != 1 || (*arms)[0] != 3_000 {
		t.Fatalf("early interrupt: leftover counted %d, arms %v (want one, re-armed for 3000 counts)", LeftoverTicks-before, *arms)
	}
	if leftover(c, 10_000) || leftover(c, 12_000) {
		t.Fatal("an interrupt at or after the countdown's end taken for a leftover")
	}
	tscPerCount = 0
	if leftover(c, 4_000) {
		t.Fatal("no TSC ratio (PIT): an interrupt taken for a leftover")
	}
	if len(*arms) != 1 || LeftoverTicks != before+1 {
		t.Fatalf("ticks re-armed or counted: arms %v, leftovers %d", *arms, LeftoverTicks-before)
	}
}

// TestArmForNotesTheDue: the due time is the arm's TSC plus the count in
// TSC cycles.
func TestArmForNotesTheDue(t *testing.T) {
	arms := recordArms(t)
	tscPerCount = 3 << 15 // 1.5 cycles per count
	c := &cpuState{}
	before := asm.Rdtsc()
	armFor(c, 1000)
	after := asm.Rdtsc()
	if len(*arms) != 1 || (*arms)[0] != 1000 {
		t.Fatalf("arms %v, want [1000]", *arms)
	}
	if c.tickDue < before+1500 || c.tickDue > after+1500 {
		t.Fatalf("due %d, want 1500 cycles after the arm, between %d and %d", c.tickDue, before+1500, after+1500)
	}
}
