package sched

// Rand is a seeded xorshift64* generator (Vigna, "An experimental
// exploration of Marsaglia's xorshift generators", 2016): tiny, fast, no
// heap, and the same sequence for the same seed= on every run — so a
// failing stress seed reproduces.
type Rand struct{ s uint64 }

// NewRand returns a generator for seed; stream separates independent
// sequences (timer jitter, shuffle picks) drawn from one seed.
func NewRand(seed, stream uint64) Rand {
	r := Rand{s: seed*0x9E3779B97F4A7C15 ^ stream*0xD1B54A32D192ED03}
	if r.s == 0 {
		r.s = 0x2545F4914F6CDD1D
	}
	for i := 0; i < 4; i++ {
		r.Next()
	}
	return r
}

// Next returns the next 64-bit value.
func (r *Rand) Next() uint64 {
	r.s ^= r.s >> 12
	r.s ^= r.s << 25
	r.s ^= r.s >> 27
	return r.s * 0x2545F4914F6CDD1D
}

// Intn returns a value in [0, n) (n > 0). The 32x32 multiply avoids a
// 64-bit division, which on 386 would call into the Go runtime.
func (r *Rand) Intn(n uint32) uint32 {
	return uint32((uint64(uint32(r.Next()>>32)) * uint64(n)) >> 32)
}
