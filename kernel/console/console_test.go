// Host tests for Printf/Print: the hook receives exactly the formatted
// bytes, long output arrives in full, and locking brackets the whole call.
package console

import (
	"bytes"
	"strings"
	"testing"
)

// capture installs an output hook that records what it receives (copying
// it: the hook only borrows the slice) and restores "no hooks" afterwards.
func capture(t *testing.T) (out *bytes.Buffer, calls *int) {
	out, calls = new(bytes.Buffer), new(int)
	SetOutput(func(b []byte) {
		*calls++
		if len(b) == 0 || len(b) > bufSize {
			t.Errorf("hook got %d bytes", len(b))
		}
		out.Write(b)
	})
	t.Cleanup(func() { SetOutput(nil); SetLock(nil, nil) })
	return out, calls
}

func TestPrintfDeliversBytes(t *testing.T) {
	out, calls := capture(t)
	Printf("KTEST %s %s: cpu=%d cr3=%#x\n", "FAIL", "tlb", 1, uintptr(0x1000))
	if want := "KTEST FAIL tlb: cpu=1 cr3=0x1000\n"; out.String() != want || *calls != 1 {
		t.Errorf("hook got %q in %d calls, want %q in 1", out, *calls, want)
	}
	out.Reset()
	Print("tlbrace: ready\n")
	if out.String() != "tlbrace: ready\n" {
		t.Errorf("Print delivered %q", out)
	}
	out.Reset()
	Printf("")
	Print("")
	if out.Len() != 0 || *calls != 2 {
		t.Errorf("empty output: hook got %q, %d calls in total", out, *calls)
	}
}

func TestPrintfLongOutputIsNotTruncated(t *testing.T) {
	out, calls := capture(t)
	long := strings.Repeat("0123456789", 200) // 2000 bytes, about four buffers
	Printf("<%s|%-1000d|%s>", long, 7, []byte(long))
	want := "<" + long + "|7" + strings.Repeat(" ", 999) + "|" + long + ">"
	if out.String() != want {
		t.Errorf("got %d bytes, want %d", out.Len(), len(want))
	}
	if min := (len(want) + bufSize - 1) / bufSize; *calls < min {
		t.Errorf("%d hook calls for %d bytes", *calls, len(want))
	}
	out.Reset()
	Print(long + long)
	if out.String() != long+long {
		t.Errorf("Print: got %d bytes, want %d", out.Len(), 2*len(long))
	}
}

// TestLockBracketsWholeCall checks that lock runs before and unlock after
// every piece of a long Printf, exactly once, with lock's return value.
func TestLockBracketsWholeCall(t *testing.T) {
	var events []string
	SetOutput(func(b []byte) { events = append(events, "out") })
	SetLock(func() uintptr { events = append(events, "lock"); return 0x202 },
		func(s uintptr) {
			if s != 0x202 {
				t.Errorf("unlock got %#x", s)
			}
			events = append(events, "unlock")
		})
	t.Cleanup(func() { SetOutput(nil); SetLock(nil, nil) })
	Printf("%s", strings.Repeat("x", 3*bufSize))
	if got := strings.Join(events, " "); got != "lock out out out unlock" {
		t.Errorf("events: %s", got)
	}
	events = nil
	Print("hi")
	if got := strings.Join(events, " "); got != "lock out unlock" {
		t.Errorf("Print events: %s", got)
	}
}

func TestNilHooks(t *testing.T) {
	SetOutput(nil)
	SetLock(func() uintptr { t.Error("lock called without unlock"); return 0 }, nil)
	Printf("dropped %d", 1) // must not crash or lock
	Print("dropped")
	SetLock(nil, nil)
}
