// rule_test.go: the rule on a small synthetic kernel — every verdict,
// the guard's order test, a call through a function variable, a write
// outside asm, boot code, and decode errors in kernel vs runtime code.

package main

import (
	"strings"
	"testing"
)

const (
	writeCR3Sym = "tlbrace/asm.WriteCR3"
	varAddr     = 0x5000 // tlbrace/kernel/mm.writeCR3, a func variable
	funcvalAddr = 0x6000 // its funcval, in the aggregate go:func.*
)

// synthKernel is a 32-bit kernel with one asm CR3 write and callers of
// every kind.
func synthKernel(t *testing.T) *Program {
	mm := func(s string) string { return "tlbrace/kernel/mm." + s }
	p := assemble(t, 32, 0x100,
		fdef{"main.rt0", 0x100, []piece{raw(movCR4EAX, ret)}},
		fdef{writeCR3Sym, 0x1000, []piece{raw(loadArg, movCR3EAX, ret, int3Pad)}},
		fdef{"tlbrace/asm.writeCR3Wrapper", 0x1080, []piece{call(writeCR3Sym), raw(ret)}},
		fdef{disableSym, 0x1100, []piece{raw(ret)}},
		fdef{enableSym, 0x1200, []piece{raw(ret)}},
		fdef{mm("guarded"), 0x2000, []piece{call(disableSym), call(writeCR3Sym), call(enableSym), raw(ret)}},
		fdef{mm("viaWrapper"), 0x2100, []piece{call(disableSym), call("tlbrace/asm.writeCR3Wrapper"), call(enableSym), raw(ret)}},
		fdef{mm("bare"), 0x2200, []piece{call(writeCR3Sym), raw(ret)}},
		fdef{mm("racy"), 0x2300, []piece{call(writeCR3Sym), raw(ret)}},
		fdef{mm("switchMM"), 0x2400, []piece{call(writeCR3Sym), raw(ret)}},
		fdef{mm("enableBetween"), 0x2500, []piece{call(disableSym), call(enableSym), call(writeCR3Sym), call(enableSym), raw(ret)}},
		fdef{mm("noEnable"), 0x2600, []piece{call(disableSym), call(writeCR3Sym), raw(ret)}},
		fdef{mm("enableBefore"), 0x2700, []piece{call(writeCR3Sym), call(disableSym), call(enableSym), raw(ret)}},
		// Drop's pattern: load the variable, then the funcval's code word, call it.
		fdef{mm("(*MM).Drop"), 0x2800, []piece{raw(movEDXAbs(varAddr), movECXEDX, callECX, ret)}},
		fdef{mm("outer"), 0x2900, []piece{call(mm("bare")), raw(ret)}}, // not checked: not the first level
		fdef{mm("inlineWrite"), 0x2a00, []piece{call(disableSym), raw(movCR3EAX), call(enableSym), raw(ret)}},
		fdef{"runtime.vector", 0x3000, []piece{raw([]byte{0x90, 0x0f, 0x22})}}, // undecodable, not ours
	)
	p.Data = []Blob{
		{Name: ".data", Addr: varAddr, Bytes: word32(funcvalAddr)},
		{Name: ".rodata", Addr: funcvalAddr, Bytes: word32(0x1000)},
	}
	p.Objs = []Obj{
		{Name: mm("writeCR3"), Addr: varAddr, Size: 4},
		{Name: "go:func.*", Addr: funcvalAddr, Size: 0x100},
	}
	return p
}

var synthAnn = map[string]Annotation{
	"tlbrace/kernel/mm.racy":     {Symbol: "tlbrace/kernel/mm.racy", Kind: KnownRacy, Reason: "the original", Pos: "tlb.go:1"},
	"tlbrace/kernel/mm.switchMM": {Symbol: "tlbrace/kernel/mm.switchMM", Kind: IRQsOff, Reason: "in schedule", Pos: "switch.go:1"},
}

// verdicts maps checked caller (short name) → verdict for the write in fn.
func verdicts(r *Result, fn string) map[string]string {
	out := map[string]string{}
	for _, w := range r.Writes {
		if w.Func == fn {
			for _, c := range w.Checked {
				out[strings.TrimPrefix(c.Func, "tlbrace/kernel/mm.")] = c.Verdict + ": " + c.Reason
			}
		}
	}
	return out
}

func TestRuleVerdicts(t *testing.T) {
	r := audit(synthKernel(t), "synth", synthAnn, false)
	got := verdicts(r, writeCR3Sym)
	want := map[string]string{
		"guarded":       Guarded,
		"viaWrapper":    Guarded, // the check is at the first function above asm
		"bare":          Violation + ": no preempt.Disable call before it",
		"racy":          KnownRacy,
		"switchMM":      IRQsOff,
		"enableBetween": Violation + ": preempt.Enable is called between",
		"noEnable":      Violation + ": no preempt.Enable call after it",
		"enableBefore":  Violation + ": no preempt.Disable call before it",
		"(*MM).Drop":    Violation,
	}
	for fn, w := range want {
		if !strings.HasPrefix(got[fn], w) {
			t.Errorf("%s: verdict %q, want %q…", fn, got[fn], w)
		}
	}
	if _, ok := got["outer"]; ok {
		t.Error("outer (a caller of a checked caller) was checked")
	}
	if len(got) != len(want) {
		t.Errorf("checked callers %v, want exactly %d", got, len(want))
	}
}

func TestFunctionValueEdge(t *testing.T) {
	r := audit(synthKernel(t), "synth", synthAnn, false)
	for _, w := range r.Writes {
		if w.Func != writeCR3Sym {
			continue
		}
		for _, c := range w.Checked {
			if strings.HasSuffix(c.Func, "Drop") {
				if c.Calls[0].At != 0x2808 || c.Calls[0].How != "via tlbrace/kernel/mm.writeCR3" {
					t.Errorf("Drop's call: %+v, want the indirect CALL at 0x2808 via mm.writeCR3", c.Calls[0])
				}
				return
			}
		}
	}
	t.Fatal("Drop does not reach the CR3 write through mm.writeCR3")
}

func TestSitesAndSummary(t *testing.T) {
	r := audit(synthKernel(t), "synth", synthAnn, false)
	bySite := map[string]Site{}
	for _, w := range r.Writes {
		bySite[w.Func] = w
	}
	if s := bySite["main.rt0"]; s.Verdict != Boot || s.Kind != WriteCR4 {
		t.Errorf("boot write: %+v", s)
	}
	if s := bySite["tlbrace/kernel/mm.inlineWrite"]; s.Verdict != Violation {
		t.Errorf("a CR3 write outside asm, even guarded, must be a violation: %+v", s)
	}
	if len(r.Errors) != 0 || len(r.Skipped) != 1 || r.Skipped[0].Func != "runtime.vector" {
		t.Errorf("errors %v, skipped %v: want runtime.vector skipped", r.Errors, r.Skipped)
	}
	// 9 checked callers of asm.WriteCR3; 5 of them violate (bare,
	// enableBetween, noEnable, enableBefore, Drop), plus the misplaced
	// write in inlineWrite; 1 known-racy.
	want := Summary{WriteSites: 3, Checked: 9, Violations: 6, KnownRacy: 1}
	if r.Summary != want {
		t.Errorf("summary %+v, want %+v", r.Summary, want)
	}
	if r.OK() {
		t.Error("a kernel with violations passed")
	}
}

func TestStrictAndPass(t *testing.T) {
	p := assemble(t, 32, 0,
		fdef{writeCR3Sym, 0x1000, []piece{raw(loadArg, movCR3EAX, ret)}},
		fdef{disableSym, 0x1100, []piece{raw(ret)}},
		fdef{enableSym, 0x1200, []piece{raw(ret)}},
		fdef{"tlbrace/kernel/mm.guarded", 0x2000, []piece{call(disableSym), call(writeCR3Sym), call(enableSym), raw(ret)}},
		fdef{"tlbrace/kernel/mm.racy", 0x2300, []piece{call(writeCR3Sym), raw(ret)}},
	)
	if r := audit(p, "ok", synthAnn, false); !r.OK() || r.Summary.KnownRacy != 1 {
		t.Errorf("want a pass with one known-racy: %s", r.Summary)
	}
	r := audit(p, "strict", synthAnn, true)
	if r.OK() || r.Summary.Violations != 1 || r.Summary.KnownRacy != 1 {
		t.Errorf("-strict: want the known-racy caller as the one violation: %s", r.Summary)
	}
	if len(r.Unused) != 1 || r.Unused[0].Symbol != "tlbrace/kernel/mm.switchMM" {
		t.Errorf("unused annotations %v, want switchMM", r.Unused)
	}
}

func TestDecodeErrorInKernelCodeFails(t *testing.T) {
	p := assemble(t, 64, 0,
		fdef{"tlbrace/kernel/mm.broken", 0x1000, []piece{raw([]byte{0x90, 0x06, 0xc3})}}, // PUSH ES: not in 64-bit mode
	)
	r := audit(p, "broken", nil, false)
	if len(r.Errors) != 1 || r.Errors[0].Offset != 1 || r.OK() {
		t.Fatalf("errors %v, ok %v: want one error at offset 1 and a failure", r.Errors, r.OK())
	}
	if !strings.Contains(r.Errors[0].Error(), "tlbrace/kernel/mm.broken+0x1") {
		t.Errorf("error text %q does not name function and offset", r.Errors[0].Error())
	}
}
