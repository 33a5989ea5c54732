package mm

// A VMA (virtual memory area) is a range of user addresses with one set of
// permissions, as in Linux's vm_area_struct. The page-fault handler asks
// the *current task's* VMAs whether an access is legal.

// Perm is a VMA's permission set.
type Perm uint8

const (
	PermRead  Perm = 1 << iota // reads allowed
	PermWrite                  // writes allowed
	PermExec                   // instruction fetches allowed
)

// VMA is one mapped range [Start, End), page-aligned.
type VMA struct {
	Start, End uintptr
	Perm       Perm
}

// MaxVMAs bounds the VMAs of one mm (text, data, stack, private, shared...).
const MaxVMAs = 8

// Contains reports whether va lies in the VMA.
func (v *VMA) Contains(va uintptr) bool { return va >= v.Start && va < v.End }

// Allows reports whether the VMA permits an access.
func (v *VMA) Allows(write, fetch bool) bool {
	switch {
	case write:
		return v.Perm&PermWrite != 0
	case fetch:
		return v.Perm&PermExec != 0
	}
	return v.Perm&(PermRead|PermWrite|PermExec) != 0
}

// PTEFlags returns the leaf-entry flags for pages of this VMA.
func (v *VMA) PTEFlags() PTE {
	f := PTEUser
	if v.Perm&PermWrite != 0 {
		f |= PTEWritable
	}
	return f
}

// VMAList is an mm's sorted, non-overlapping VMAs.
type VMAList struct {
	v [MaxVMAs]VMA
	n int
}

// Problems AddVMA reports.
const (
	VMAOK = iota
	VMAUnaligned
	VMAOutsideUser
	VMAOverlap
	VMAFull
)

// Add inserts [start, end) with perm, keeping the list sorted.
func (l *VMAList) Add(start, end uintptr, perm Perm) int {
	switch {
	case start%PageSize != 0 || end%PageSize != 0 || end <= start:
		return VMAUnaligned
	case start < UserBase || end > UserTop:
		return VMAOutsideUser
	case l.n == MaxVMAs:
		return VMAFull
	}
	i := 0
	for i < l.n && l.v[i].End <= start {
		i++
	}
	if i < l.n && l.v[i].Start < end {
		return VMAOverlap
	}
	copy(l.v[i+1:l.n+1], l.v[i:l.n])
	l.v[i] = VMA{Start: start, End: end, Perm: perm}
	l.n++
	return VMAOK
}

// Find returns the VMA containing va, or nil.
func (l *VMAList) Find(va uintptr) *VMA {
	for i := 0; i < l.n; i++ {
		if l.v[i].Contains(va) {
			return &l.v[i]
		}
	}
	return nil
}

// CoversRange reports whether [va, va+n) lies inside VMAs allowing the
// access — the check every system-call pointer goes through.
func (l *VMAList) CoversRange(va, n uintptr, write bool) bool {
	if n == 0 {
		return true
	}
	end := va + n
	if end < va {
		return false // wraps around
	}
	for va < end {
		v := l.Find(va)
		if v == nil || !v.Allows(write, false) {
			return false
		}
		va = v.End
	}
	return true
}

// Remove takes out the VMA that is exactly [start, end) and reports
// whether there was one (munmap of a whole mapping; no splitting).
func (l *VMAList) Remove(start, end uintptr) bool {
	for i := 0; i < l.n; i++ {
		if l.v[i].Start == start && l.v[i].End == end {
			copy(l.v[i:l.n-1], l.v[i+1:l.n])
			l.n--
			return true
		}
	}
	return false
}

// All returns the VMAs in address order.
func (l *VMAList) All() []VMA { return l.v[:l.n] }

// Reset empties the list.
func (l *VMAList) Reset() { l.n = 0 }
