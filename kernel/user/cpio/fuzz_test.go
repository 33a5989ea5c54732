package cpio

import (
	"testing"

	ucpio "github.com/u-root/u-root/pkg/cpio"
)

// FuzzNext feeds arbitrary bytes to the reader: it must never panic, must
// stop, and every entry it returns must lie inside the archive. Run with
// go test -fuzz FuzzNext ./kernel/user/cpio.
func FuzzNext(f *testing.F) {
	f.Add(sample(f))
	f.Add(makeArchive(f, ucpio.StaticFile("bin/hi", "hello", 0o755)))
	f.Add([]byte("070701"))
	f.Fuzz(func(t *testing.T, a []byte) {
		r := NewReader(a)
		last := -1
		for n := 0; ; n++ {
			e, ok, err := r.Next()
			if err != nil {
				message(err)
				return
			}
			if !ok {
				return
			}
			// Each entry takes at least header + NUL, padded: 112 bytes.
			if e.Offset <= last || n > len(a)/112 {
				t.Fatalf("entry %d at offset %d after %d: not advancing", n, e.Offset, last)
			}
			last = e.Offset
		}
	})
}
