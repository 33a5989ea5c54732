// callgraph.go: who calls whom. Edges are direct CALLs (and JMPs, the
// assembler's tail calls) to a function's entry, plus the indirect calls
// through function values found by pointers.go.

package main

import "sort"

// Edge is one way Caller can transfer control to Callee.
type Edge struct {
	Caller, Callee string
	At             uint64 // the CALL (or, for a function value, the indirect CALL that uses it)
	How            string // "call", "jmp", or "via <variable>"
}

// Graph is the call graph of a program.
type Graph struct {
	Out, In map[string][]Edge
}

// buildGraph collects the edges out of every decoded function.
func buildGraph(p *Program, code map[string][]Inst, ptrs *pointerIndex) *Graph {
	g := &Graph{Out: map[string][]Edge{}, In: map[string][]Edge{}}
	entry := map[uint64]*Func{}
	for _, f := range p.Funcs {
		entry[f.Addr] = f
	}
	add := func(e Edge) {
		if e.Caller == e.Callee {
			return
		}
		g.Out[e.Caller] = append(g.Out[e.Caller], e)
		g.In[e.Callee] = append(g.In[e.Callee], e)
	}
	for _, f := range p.Funcs {
		insts := code[f.Name]
		for i := range insts {
			in := &insts[i]
			if t, call, ok := branchTarget(in); ok {
				if callee := entry[t]; callee != nil {
					how := "jmp"
					if call {
						how = "call"
					}
					add(Edge{Caller: f.Name, Callee: callee.Name, At: in.Addr, How: how})
				}
				continue
			}
			if ptrs == nil {
				continue
			}
			for _, a := range refs(in) {
				for _, t := range ptrs.lookup(a) {
					add(Edge{Caller: f.Name, Callee: t.Func, At: nextIndirectCall(insts, i), How: "via " + t.Via})
				}
			}
		}
	}
	return g
}

// nextIndirectCall returns the address of the first indirect CALL at or
// after insts[i] (where a loaded function value is called), or insts[i]'s
// own address if there is none.
func nextIndirectCall(insts []Inst, i int) uint64 {
	for j := i; j < len(insts); j++ {
		if isIndirectCall(&insts[j]) {
			return insts[j].Addr
		}
	}
	return insts[i].Addr
}

// reachers returns every function that can reach fn (its callers,
// transitively, up to the roots), sorted.
func (g *Graph) reachers(fn string) []string {
	seen := map[string]bool{fn: true}
	queue := []string{fn}
	var out []string
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, e := range g.In[cur] {
			if !seen[e.Caller] {
				seen[e.Caller] = true
				out = append(out, e.Caller)
				queue = append(queue, e.Caller)
			}
		}
	}
	sort.Strings(out)
	return out
}
