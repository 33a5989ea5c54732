// rule.go: the kernel's rule for CR3/CR4 writes, checked on the call
// graph. A write may only sit in tlbrace/asm or in boot code; and every
// *checked caller* — a function outside tlbrace/asm that calls into the
// asm functions leading to the write, i.e. the first Go function above
// the asm stubs — must be one of
//
//	(a) annotated //audit:irqs-off (context switch, boot);
//	(b) guarded: its call is preceded by a call to preempt.Disable and
//	    followed by a call to preempt.Enable in the same function;
//	(c) annotated //audit:known-racy (the racy flush variants);
//	(d) annotated //audit:callers-nonpreemptible: the modern contract
//	    (Linux since decab0888e6e) — the function does not guard, it
//	    asserts, and its callers must run non-preemptible. Then each of its
//	    callers is a checked caller in turn, judged by (a)–(d) for its
//	    calls to it, and so on up while the annotation passes the contract
//	    on (a dispatcher such as mm.FlushAllLowLevel). This is how the 2018
//	    bug is found statically: a caller of a (d) function that neither
//	    guards nor is annotated (f77084d96355's page allocator path).
//
// Anything else is a violation. Only that first level is checked: once a
// function is (a), (b) or (c), its own callers are not.
//
// The guard test of (b) is straight-line order, not dominance: a call to
// preempt.Disable at a lower address than the call that reaches the
// write, a call to preempt.Enable at a higher one, and no call to
// preempt.Enable between the Disable and the write. For the small, branch-
// free flush wrappers this is what dominance would say; a function that
// disables preemption on only one branch could fool it — keep guarded
// callers small.

package main

import "sort"

// Guard functions of rule (b).
const (
	disableSym = "tlbrace/kernel/preempt.Disable"
	enableSym  = "tlbrace/kernel/preempt.Enable"
)

// Verdicts.
const (
	Guarded   = "guarded"
	Boot      = "boot"
	Violation = "VIOLATION"
)

// Checked is one checked caller of a write site and the verdict on it.
type Checked struct {
	Func    string   `json:"func"`
	Annot   string   `json:"annotation,omitempty"` // its //audit: kind, if any
	Calls   []Call   `json:"calls"`                // its calls that lead to the write
	Verdict string   `json:"verdict"`
	Reason  string   `json:"reason"`
	Callers []string `json:"trusted_callers,omitempty"` // direct callers, not checked: for a reviewer
	// Via is the chain of callers-nonpreemptible functions between this
	// caller and the asm stub, in call order: the one this caller calls
	// first (empty for a first-level checked caller).
	Via []string `json:"via,omitempty"`
}

// Call is one call of a checked caller on the way to a write.
type Call struct {
	At     uint64 `json:"at"`
	Callee string `json:"callee"`
	How    string `json:"how"`
}

// Site is one listed instruction.
type Site struct {
	Kind     Kind      `json:"kind"`
	Func     string    `json:"func"`
	Addr     uint64    `json:"addr"`
	Offset   uint64    `json:"offset"`
	Where    string    `json:"where"` // function+offset, or trampoline label+offset
	Text     string    `json:"text"`
	Verdict  string    `json:"verdict,omitempty"` // writes only: boot, or VIOLATION for a write outside asm and boot code
	Reason   string    `json:"reason,omitempty"`
	Reachers []string  `json:"reachers,omitempty"`
	Checked  []Checked `json:"checked,omitempty"`
}

// checker holds what the rule needs to know about one program.
type checker struct {
	g      *Graph
	code   map[string][]Inst     // decoded functions
	names  map[uint64]string     // entry address → function
	ann    map[string]Annotation // by symbol
	strict bool                  // known-racy counts as a violation
}

// checkSite fills in the verdicts of one write site.
func (k *checker) checkSite(s *Site, fn *Func) {
	g := k.g
	switch {
	case fn.Boot:
		s.Verdict, s.Reason = Boot, "boot code: runs first, before anything can interrupt or preempt it "+
			"(Multiboot 0.6.96 §3.2: IF clear on entry); its callers are not walked"
		return
	case !inAsm(fn.Name):
		s.Verdict, s.Reason = Violation, "a CR3/CR4 write outside tlbrace/asm and the boot code"
	}
	s.Reachers = g.reachers(fn.Name)

	// The asm functions that lead to the write, and the calls into them
	// from outside asm.
	leads := map[string]bool{fn.Name: true}
	queue := []string{fn.Name}
	calls := map[string][]Call{}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if !inAsm(cur) {
			continue
		}
		for _, e := range g.In[cur] {
			if inAsm(e.Caller) {
				if !leads[e.Caller] {
					leads[e.Caller] = true
					queue = append(queue, e.Caller)
				}
				continue
			}
			calls[e.Caller] = append(calls[e.Caller], Call{At: e.At, Callee: e.Callee, How: e.How})
		}
	}
	seen := map[string]bool{}
	for _, caller := range sortedKeys(boolKeys(calls)) {
		k.check(s, caller, calls[caller], nil, seen)
	}
	sort.SliceStable(s.Checked, func(i, j int) bool {
		if len(s.Checked[i].Via) != len(s.Checked[j].Via) {
			return len(s.Checked[i].Via) < len(s.Checked[j].Via)
		}
		return s.Checked[i].Func < s.Checked[j].Func
	})
}

// check judges one checked caller and, if it is annotated
// callers-nonpreemptible, every caller of its in turn (rule (d)).
func (k *checker) check(s *Site, caller string, cs []Call, via []string, seen map[string]bool) {
	if seen[caller] {
		return // reached twice (or a cycle): judged once
	}
	seen[caller] = true
	sort.Slice(cs, func(i, j int) bool { return cs[i].At < cs[j].At })
	c := k.verdict(caller, cs)
	c.Via = via
	s.Checked = append(s.Checked, c)
	if c.Annot != CallersNonpreemptible {
		return
	}
	up := map[string][]Call{}
	for _, e := range k.g.In[caller] {
		up[e.Caller] = append(up[e.Caller], Call{At: e.At, Callee: e.Callee, How: e.How})
	}
	next := append([]string{caller}, via...)
	for _, u := range sortedKeys(boolKeys(up)) {
		k.check(s, u, up[u], next, seen)
	}
}

// boolKeys turns a map's key set into a set.
func boolKeys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// verdict judges one checked caller.
func (k *checker) verdict(caller string, cs []Call) Checked {
	c := Checked{Func: caller, Calls: cs}
	if a, ok := k.ann[baseName(caller)]; ok {
		c.Annot, c.Verdict, c.Reason = a.Kind, a.Kind, a.Reason+" ("+a.Pos+")"
		if a.Kind == KnownRacy && k.strict {
			c.Verdict, c.Reason = Violation, "known-racy, and -strict: "+c.Reason
		}
		if a.Kind == CallersNonpreemptible {
			c.Reason += "; each of its callers is checked"
			return c
		}
		seen := map[string]bool{}
		for _, e := range k.g.In[caller] {
			if !seen[e.Caller] {
				seen[e.Caller] = true
				c.Callers = append(c.Callers, e.Caller)
			}
		}
		sort.Strings(c.Callers)
		return c
	}
	for _, call := range cs {
		if why := unguarded(k.code[caller], call.At, k.names); why != "" {
			c.Verdict, c.Reason = Violation, why
			return c
		}
	}
	c.Verdict, c.Reason = Guarded, "preempt.Disable before, preempt.Enable after"
	return c
}

// unguarded says why the call at addr is not inside a Disable…Enable
// pair of the function's code, or "" if it is.
func unguarded(insts []Inst, addr uint64, names map[uint64]string) string {
	var lastDisable, enableAfter uint64
	enableBetween := false
	for i := range insts {
		t, call, ok := branchTarget(&insts[i])
		if !ok || !call {
			continue
		}
		callee := baseName(names[t]) // preempt.Disable.abi0 on amd64: it is written in assembly
		a := insts[i].Addr
		switch {
		case callee == disableSym && a < addr:
			lastDisable, enableBetween = a, false
		case callee == enableSym && a < addr:
			enableBetween = true
		case callee == enableSym && a > addr && enableAfter == 0:
			enableAfter = a
		}
	}
	switch {
	case lastDisable == 0:
		return "no preempt.Disable call before it"
	case enableBetween:
		return "preempt.Enable is called between preempt.Disable and it"
	case enableAfter == 0:
		return "no preempt.Enable call after it"
	}
	return ""
}
