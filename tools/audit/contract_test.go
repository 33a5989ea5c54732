// contract_test.go: rule (d), the modern contract, on a small synthetic
// kernel shaped like tlbrace's flush=modern: an asserting primitive, the
// guarded API wrappers above it, a low-level dispatcher that passes the
// contract on, and callers of that dispatcher that keep it, break it, or
// are known to break it.

package main

import (
	"strings"
	"testing"
)

func contractKernel(t *testing.T) *Program {
	mm := func(s string) string { return "tlbrace/kernel/mm." + s }
	return assemble(t, 32, 0,
		fdef{writeCR3Sym, 0x1000, []piece{raw(loadArg, movCR3EAX, ret)}},
		fdef{disableSym, 0x1100, []piece{raw(ret)}},
		fdef{enableSym, 0x1200, []piece{raw(ret)}},
		fdef{mm("primitive"), 0x2000, []piece{call(writeCR3Sym), raw(ret)}},
		fdef{mm("api"), 0x2100, []piece{call(disableSym), call(mm("primitive")), call(enableSym), raw(ret)}},
		fdef{mm("lowLevel"), 0x2200, []piece{call(mm("primitive")), raw(ret)}},
		fdef{mm("callerFixed"), 0x2300, []piece{call(disableSym), call(mm("lowLevel")), call(enableSym), raw(ret)}},
		fdef{mm("callerBuggy"), 0x2400, []piece{call(mm("lowLevel")), raw(ret)}},
		fdef{mm("callerKnown"), 0x2500, []piece{call(mm("lowLevel")), raw(ret)}},
		fdef{mm("callerIRQsOff"), 0x2600, []piece{call(mm("primitive")), raw(ret)}},
		fdef{mm("aboveAPI"), 0x2700, []piece{call(mm("api")), raw(ret)}}, // not checked: api is guarded
	)
}

func contractAnn() map[string]Annotation {
	ann := map[string]Annotation{}
	for sym, kind := range map[string]string{
		"primitive":     CallersNonpreemptible,
		"lowLevel":      CallersNonpreemptible,
		"callerKnown":   KnownRacy,
		"callerIRQsOff": IRQsOff,
	} {
		s := "tlbrace/kernel/mm." + sym
		ann[s] = Annotation{Symbol: s, Kind: kind, Reason: "test", Pos: "tlb.go:1"}
	}
	return ann
}

func TestContractEveryCallerChecked(t *testing.T) {
	r := audit(contractKernel(t), "contract", contractAnn(), false)
	var site *Site
	for i := range r.Writes {
		if r.Writes[i].Func == writeCR3Sym {
			site = &r.Writes[i]
		}
	}
	if site == nil {
		t.Fatal("no write site")
	}
	type v struct{ verdict, via string }
	got := map[string]v{}
	for _, c := range site.Checked {
		got[strings.TrimPrefix(c.Func, "tlbrace/kernel/mm.")] = v{c.Verdict + ": " + c.Reason, strings.Join(shortAll(c.Via), ",")}
	}
	want := map[string]v{
		"primitive":     {CallersNonpreemptible, ""},
		"api":           {Guarded, "kernel/mm.primitive"},
		"lowLevel":      {CallersNonpreemptible, "kernel/mm.primitive"},
		"callerIRQsOff": {IRQsOff, "kernel/mm.primitive"},
		"callerFixed":   {Guarded, "kernel/mm.lowLevel,kernel/mm.primitive"},
		"callerBuggy":   {Violation + ": no preempt.Disable call before it", "kernel/mm.lowLevel,kernel/mm.primitive"},
		"callerKnown":   {KnownRacy, "kernel/mm.lowLevel,kernel/mm.primitive"},
	}
	for fn, w := range want {
		g, ok := got[fn]
		if !ok || !strings.HasPrefix(g.verdict, w.verdict) || g.via != w.via {
			t.Errorf("%s: verdict %q via %q, want %q… via %q", fn, g.verdict, g.via, w.verdict, w.via)
		}
	}
	if _, ok := got["aboveAPI"]; ok {
		t.Error("aboveAPI (a caller of a guarded caller) was checked")
	}
	if len(got) != len(want) {
		t.Errorf("checked callers %v, want exactly %d", got, len(want))
	}
	// The buggy caller is the one violation; the contract's functions are
	// not violations themselves.
	if r.OK() || r.Summary.Violations != 1 || r.Summary.KnownRacy != 1 {
		t.Errorf("summary %s: want 1 violation (callerBuggy) and 1 known-racy", r.Summary)
	}
	// -strict: the known-racy caller too.
	if s := audit(contractKernel(t), "contract", contractAnn(), true); s.Summary.Violations != 2 {
		t.Errorf("-strict summary %s: want 2 violations", s.Summary)
	}
}

// A callers-nonpreemptible function that calls itself (or two that call
// each other) is judged once, not forever.
func TestContractCycle(t *testing.T) {
	mm := func(s string) string { return "tlbrace/kernel/mm." + s }
	p := assemble(t, 32, 0,
		fdef{writeCR3Sym, 0x1000, []piece{raw(loadArg, movCR3EAX, ret)}},
		fdef{mm("a"), 0x2000, []piece{call(writeCR3Sym), call(mm("b")), raw(ret)}},
		fdef{mm("b"), 0x2100, []piece{call(mm("a")), raw(ret)}},
	)
	ann := map[string]Annotation{}
	for _, s := range []string{mm("a"), mm("b")} {
		ann[s] = Annotation{Symbol: s, Kind: CallersNonpreemptible, Reason: "test", Pos: "x.go:1"}
	}
	r := audit(p, "cycle", ann, false)
	if !r.OK() || r.Summary.Checked != 2 {
		t.Errorf("summary %s: want a pass with 2 checked callers", r.Summary)
	}
}
