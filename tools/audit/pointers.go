// pointers.go: who may call a function *indirectly*, through a function
// value. The direct call graph misses these, and one matters: mm.(*MM).Drop
// calls asm.WriteCR3 through the package variable mm.writeCR3.
//
// How a Go function value looks in a linked kernel:
//
//	var writeCR3 = asm.WriteCR3
//
//	mm.writeCR3 (.data)  ──▶  funcval (.rodata, go:func.*)  ──▶  asm.WriteCR3's entry
//
// and Drop loads mm.writeCR3, then CALLs through the word it points to.
// So: a data word equal to F's entry is a function value of F; a data
// word pointing at a function value (or into a variable holding one)
// holds F too, and so on. Code that names any such address — a function
// value, or anywhere inside a named variable holding one (an array or a
// struct of them) — is treated as calling F. Code naming F's bare entry
// counts only for closures and method values (".funcN", "-fm", ...),
// the only functions Go code turns into callable values at run time;
// elsewhere (asm's `$·FlushTLBRaw(SB)`, which the flush-window table
// uses as an address) it is an address, not a call.
//
// This over-approximates: taking a function's address is treated as
// calling it. A function value stored at run time (sched.BeforeUserEntry
// = stageWrongCR3) is thus charged to the function that stores it, not to
// the one that later calls it; for the rule that is the safe side, since
// an asm write stub can then never be reached through a value without
// some function outside asm being checked for it.

package main

import (
	"encoding/binary"
	"sort"
	"strings"
)

// ptrTarget says that naming an address reaches Func (through Via).
type ptrTarget struct {
	Func string
	Via  string // the variable or funcval that holds it
}

// pointerIndex answers "which functions may code that names address a call?".
type pointerIndex struct {
	exact   map[uint64][]ptrTarget // function values outside named variables
	holders []holder               // named variables holding function values
}

type holder struct {
	obj   Obj
	funcs map[string]bool
}

// closureLike reports whether Go code can make a callable value from a
// function's bare entry address: closures, method values, go/defer wrappers.
func closureLike(name string) bool {
	return strings.Contains(name, ".func") || strings.HasSuffix(name, "-fm") ||
		strings.Contains(name, ".gowrap") || strings.Contains(name, ".deferwrap")
}

// aggregate reports linker-merged symbols ("go:func.*", "type:*"), which
// hold many unrelated values and so are tracked word by word instead.
func aggregate(o Obj) bool { return strings.HasSuffix(o.Name, "*") }

// buildPointers computes the index to a fixed point.
func buildPointers(p *Program) *pointerIndex {
	entries := map[uint64]string{}
	for _, f := range p.Funcs {
		entries[f.Addr] = f.Name
	}
	word := 8
	if p.Mode == 32 {
		word = 4
	}
	objs := p.Objs[:0:0]
	for _, o := range p.Objs {
		if !aggregate(o) {
			objs = append(objs, o)
		}
	}
	idx := &pointerIndex{exact: map[uint64][]ptrTarget{}}
	byObj := map[int]*holder{} // objs index → holder

	// holds returns the functions a word's value v points at.
	holds := func(v uint64) []ptrTarget {
		var out []ptrTarget
		if name, ok := entries[v]; ok {
			out = append(out, ptrTarget{Func: name, Via: "funcval"})
		}
		out = append(out, idx.exact[v]...)
		if i := findObj(objs, v); i >= 0 {
			if h := byObj[i]; h != nil {
				for _, fn := range sortedKeys(h.funcs) {
					out = append(out, ptrTarget{Func: fn, Via: h.obj.Name})
				}
			}
		}
		return out
	}

	for round := 0; round < 8; round++ {
		changed := false
		for _, b := range p.Data {
			for off := 0; off+word <= len(b.Bytes); off += word {
				var v uint64
				if word == 4 {
					v = uint64(binary.LittleEndian.Uint32(b.Bytes[off:]))
				} else {
					v = binary.LittleEndian.Uint64(b.Bytes[off:])
				}
				if v == 0 {
					continue
				}
				at := b.Addr + uint64(off)
				for _, t := range holds(v) {
					if i := findObj(objs, at); i >= 0 {
						h := byObj[i]
						if h == nil {
							h = &holder{obj: objs[i], funcs: map[string]bool{}}
							byObj[i] = h
						}
						if !h.funcs[t.Func] {
							h.funcs[t.Func] = true
							changed = true
						}
					} else if !hasTarget(idx.exact[at], t.Func) {
						idx.exact[at] = append(idx.exact[at], ptrTarget{Func: t.Func, Via: t.Via})
						changed = true
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	for _, h := range byObj {
		idx.holders = append(idx.holders, *h)
	}
	sort.Slice(idx.holders, func(i, j int) bool { return idx.holders[i].obj.Addr < idx.holders[j].obj.Addr })
	for a, name := range entries {
		if closureLike(name) {
			idx.exact[a] = append(idx.exact[a], ptrTarget{Func: name, Via: "closure"})
		}
	}
	return idx
}

func hasTarget(ts []ptrTarget, fn string) bool {
	for _, t := range ts {
		if t.Func == fn {
			return true
		}
	}
	return false
}

// findObj returns the index of the object containing a, or -1.
func findObj(objs []Obj, a uint64) int {
	i := sort.Search(len(objs), func(i int) bool { return objs[i].Addr+objs[i].Size > a })
	if i < len(objs) && objs[i].Addr <= a {
		return i
	}
	return -1
}

// lookup returns the functions that naming address a may call.
func (idx *pointerIndex) lookup(a uint64) []ptrTarget {
	out := append([]ptrTarget(nil), idx.exact[a]...)
	i := sort.Search(len(idx.holders), func(i int) bool {
		o := idx.holders[i].obj
		return o.Addr+o.Size > a
	})
	if i < len(idx.holders) && idx.holders[i].obj.Addr <= a {
		h := idx.holders[i]
		for _, fn := range sortedKeys(h.funcs) {
			out = append(out, ptrTarget{Func: fn, Via: h.obj.Name})
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
