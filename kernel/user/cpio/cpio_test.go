package cpio

import (
	"bytes"
	"strings"
	"testing"

	ucpio "github.com/u-root/u-root/pkg/cpio"
)

// makeArchive writes records as a newc archive with u-root's writer (the
// one tools/mkinitrd uses), trailer included.
func makeArchive(t testing.TB, recs ...ucpio.Record) []byte {
	var buf bytes.Buffer
	w := ucpio.Newc.Writer(&buf)
	ucpio.MakeAllReproducible(recs)
	if err := ucpio.WriteRecords(w, recs); err != nil {
		t.Fatal(err)
	}
	if err := ucpio.WriteTrailer(w); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sample has a directory, files of every length modulo 4, an empty file
// and a symlink.
func sample(t testing.TB) []byte {
	return makeArchive(t,
		ucpio.Directory("bin", 0o755),
		ucpio.StaticFile("bin/hello", "\x7fELF hello", 0o755),
		ucpio.StaticFile("bin/a", "1", 0o644),
		ucpio.StaticFile("bin/ab", "12", 0o644),
		ucpio.StaticFile("bin/abc", "123", 0o644),
		ucpio.StaticFile("bin/abcd", "1234", 0o644),
		ucpio.StaticFile("empty", "", 0o644),
		ucpio.Symlink("init", "bin/hello"),
	)
}

func message(e *Error) string {
	var buf [300]byte
	return string(buf[:e.Message(buf[:])])
}

// entries reads every entry, failing the test on an error.
func entries(t *testing.T, archive []byte) []Entry {
	t.Helper()
	var list []Entry
	r := NewReader(archive)
	for {
		e, ok, err := r.Next()
		if err != nil {
			t.Fatalf("entry %d: %s", len(list), message(err))
		}
		if !ok {
			return list
		}
		list = append(list, e)
	}
}

func TestEntries(t *testing.T) {
	list := entries(t, sample(t))
	want := []struct {
		name, data string
		mode       uint32
	}{
		{"bin", "", ModeDir | 0o755},
		{"bin/hello", "\x7fELF hello", ModeReg | 0o755},
		{"bin/a", "1", ModeReg | 0o644},
		{"bin/ab", "12", ModeReg | 0o644},
		{"bin/abc", "123", ModeReg | 0o644},
		{"bin/abcd", "1234", ModeReg | 0o644},
		{"empty", "", ModeReg | 0o644},
		{"init", "bin/hello", 0o120777},
	}
	if len(list) != len(want) {
		t.Fatalf("got %d entries, want %d", len(list), len(want))
	}
	for i, w := range want {
		e := list[i]
		if string(e.Name) != w.name || string(e.Data) != w.data || e.Mode != w.mode || e.IsRegular() != (w.mode&ModeType == ModeReg) {
			t.Errorf("entry %d: got %q %q mode %#o; want %q %q mode %#o", i, e.Name, e.Data, e.Mode, w.name, w.data, w.mode)
		}
	}
	// After the trailer Next keeps saying "no more".
	r := NewReader(sample(t))
	for _, ok, _ := r.Next(); ok; _, ok, _ = r.Next() {
	}
	if _, ok, err := r.Next(); ok || err != nil {
		t.Errorf("Next after the trailer: ok %v, err %v", ok, err)
	}
}

func TestLookup(t *testing.T) {
	a := sample(t)
	for name, want := range map[string]string{"bin/hello": "\x7fELF hello", "/bin/abc": "123", "./empty": ""} {
		data, err := Lookup(a, name)
		if err != nil || string(data) != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, data, err, want)
		}
	}
	for name, msg := range map[string]string{
		"bin/nope": `cpio: no entry named "bin/nope"`,
		"bin":      `cpio: "bin" (offset 0x0) is not a regular file: mode 0x41ed`,
		"init":     `cpio: "init" (offset 0x358) is not a regular file: mode 0xa1ff`,
	} {
		if _, err := Lookup(a, name); err == nil {
			t.Errorf("Lookup(%q) succeeded, want %q", name, msg)
		} else if got := message(err); got != msg {
			t.Errorf("Lookup(%q): got %q, want %q", name, got, msg)
		}
	}
}

// TestLastWins builds two entries named "x" by hand (u-root's writer
// drops duplicates).
func TestLastWins(t *testing.T) {
	first := makeArchive(t, ucpio.StaticFile("x", "old", 0o644))
	second := makeArchive(t, ucpio.StaticFile("x", "new!", 0o644))
	trailerAt := bytes.LastIndex(first, []byte("070701"))
	a := append(append([]byte{}, first[:trailerAt]...), second...)
	if data, err := Lookup(a, "x"); err != nil || string(data) != "new!" {
		t.Errorf("got %q, %v; want \"new!\"", data, err)
	}
}

// TestLowercaseHex: the format allows either case; u-root writes upper.
func TestLowercaseHex(t *testing.T) {
	a := bytes.ToLower(makeArchive(t, ucpio.StaticFile("F", strings.Repeat("z", 0xab), 0o644)))
	a = bytes.Replace(a, []byte("trailer!!!"), []byte(trailer), 1)
	if data, err := Lookup(a, "f"); err != nil || len(data) != 0xab {
		t.Errorf("got %d bytes, %v; want 0xab", len(data), err)
	}
}

// TestTruncated cuts the archive at every length: each must be reported,
// never accepted and never a crash.
func TestTruncated(t *testing.T) {
	a := sample(t)
	for n := 0; n < len(a); n++ {
		r := NewReader(a[:n])
		for {
			_, ok, err := r.Next()
			if err != nil {
				if m := message(err); !strings.HasPrefix(m, "cpio: ") || strings.Contains(m, "%!") {
					t.Fatalf("length %d: bad message %q", n, m)
				}
				break
			}
			if !ok {
				t.Fatalf("archive cut to %d of %d bytes was accepted", n, len(a))
			}
		}
	}
}

// TestErrors damages one byte range of a small archive at a time.
func TestErrors(t *testing.T) {
	good := makeArchive(t, ucpio.StaticFile("bin/hi", "hello", 0o755))
	// Layout: header 0..110, "bin/hi\0" 110..117, pad to 120, data
	// 120..125, pad to 128, trailer header at 128.
	tests := []struct {
		name string
		edit func(a []byte) []byte
		msg  string
	}{
		{"empty", func(a []byte) []byte { return nil }, "cpio: archive ends at offset 0x0 without a TRAILER!!! entry"},
		{"no trailer", func(a []byte) []byte { return a[:128] }, "cpio: archive ends at offset 0x80 without a TRAILER!!! entry"},
		{"short header", func(a []byte) []byte { return a[:200] }, "cpio: header at offset 0x80 is cut off: 72 bytes left, a header is 110"},
		{"old binary cpio", func(a []byte) []byte { a[0], a[1] = 0xc7, 0x71; return a }, "cpio: bad magic 0xc77130373031 at offset 0x0, want \"070701\" (newc)"},
		{"crc format", func(a []byte) []byte { a[5] = '2'; return a }, "cpio: bad magic \"070702\" at offset 0x0, want \"070701\" (newc)"},
		{"bad hex", func(a []byte) []byte { a[6+6*8+3] = 'g'; return a }, "cpio: c_filesize at offset 0x36 is not 8 hex digits"},
		{"name size 0", func(a []byte) []byte { copy(a[94:], "00000000"); return a }, "cpio: entry at offset 0x0 has c_namesize 0 (the name needs at least its NUL)"},
		{"name too long", func(a []byte) []byte { copy(a[94:], "00001000"); return a }, "cpio: entry at offset 0x0: its 4096-byte name runs past the end of the archive (142 bytes left)"},
		{"no NUL", func(a []byte) []byte { copy(a[94:], "00000006"); return a }, "cpio: entry at offset 0x0: its 6-byte name does not end in NUL"},
		{"bad name padding", func(a []byte) []byte { a[118] = 'x'; return a }, "cpio: entry \"bin/hi\": padding byte at offset 0x76 is 0x78, want 0"},
		{"bad data padding", func(a []byte) []byte { a[127] = 1; return a }, "cpio: entry \"bin/hi\": padding byte at offset 0x7f is 0x1, want 0"},
		{"data too long", func(a []byte) []byte { copy(a[54:], "0000FFFF"); return a }, "cpio: entry \"bin/hi\" at offset 0x0: 65535 bytes of data, only 132 left in the archive"},
		{"data padding cut", func(a []byte) []byte { return a[:126] }, "cpio: entry \"bin/hi\": padding at offset 0x7d runs past the end of the 0x7e-byte archive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.edit(append([]byte{}, good...))
			_, err := Lookup(a, "bin/hi")
			if err == nil {
				t.Fatal("accepted")
			}
			if got := message(err); got != tc.msg {
				t.Errorf("got  %s\nwant %s", got, tc.msg)
			}
		})
	}
}

// TestMessagesWellFormed checks every Problem's message for formatting
// mistakes (console.Format prints %!... for those).
func TestMessagesWellFormed(t *testing.T) {
	for p := NoTrailer; p <= NotRegular+1; p++ {
		e := Error{Problem: p, Offset: 1, Field: "c_mode", Value: 2, Limit: 3}
		if m := message(&e); !strings.HasPrefix(m, "cpio: ") || strings.Contains(m, "%!") {
			t.Errorf("problem %d: bad message %q", p, m)
		}
	}
}
