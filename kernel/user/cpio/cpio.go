// Package cpio reads the initramfs: a "newc" cpio archive that QEMU loads
// with -initrd and the kernel sees as one []byte. It allocates nothing;
// file data is returned as sub-slices of the archive.
//
// The format (Linux Documentation/driver-api/early-userspace/
// buffer-format.rst, and cpio(5) "New ASCII Format"): each entry is a
// 110-byte header of ASCII text, the file name with a NUL, padding to a
// multiple of 4 bytes, the file data, padding to a multiple of 4 again.
// The entry named TRAILER!!! ends the archive.
//
//	offset  size  field
//	0       6     c_magic     "070701"
//	6       8     c_ino       every other field: 8 hex digits
//	14      8     c_mode      file type and permissions (S_IFREG|0755...)
//	22..46  8     c_uid, c_gid, c_nlink, c_mtime
//	54      8     c_filesize  bytes of file data
//	62..86  8     c_devmajor, c_devminor, c_rdevmajor, c_rdevminor
//	94      8     c_namesize  bytes of name, counting the NUL
//	102     8     c_check     0 (a checksum only in the "070702" format)
package cpio

const (
	headerSize = 110
	magic      = "070701"
	trailer    = "TRAILER!!!"

	fieldMode     = 1  // field numbers: c_mode is the second 8-digit field,
	fieldFilesize = 6  // c_filesize the seventh,
	fieldNamesize = 11 // c_namesize the twelfth
	fieldCount    = 13

	ModeType = 0o170000 // S_IFMT: the file-type bits of Mode
	ModeReg  = 0o100000 // S_IFREG: a regular file
	ModeDir  = 0o040000 // S_IFDIR: a directory
)

// fieldNames are the header fields in order, for error messages.
var fieldNames = [fieldCount]string{"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime",
	"c_filesize", "c_devmajor", "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize", "c_check"}

// Entry is one file, directory or other node in the archive.
type Entry struct {
	Name   []byte // without the NUL; part of the archive
	Mode   uint32 // type (ModeType bits) and permissions
	Data   []byte // the file's contents; part of the archive
	Offset int    // where the entry's header starts
}

// IsRegular reports whether the entry is a regular file.
func (e *Entry) IsRegular() bool { return e.Mode&ModeType == ModeReg }

// Reader walks the entries of an archive in order.
type Reader struct {
	archive []byte
	off     int  // offset of the next header
	done    bool // the trailer was read
}

// NewReader returns a Reader positioned at the first entry.
func NewReader(archive []byte) Reader { return Reader{archive: archive} }

// Next returns the next entry. ok is false once the trailer has been
// read; err describes a malformed or truncated archive (see Error for its
// lifetime), and the Reader stops there.
func (r *Reader) Next() (e Entry, ok bool, err *Error) {
	if r.done {
		return e, false, nil
	}
	a, off := r.archive, r.off
	if off >= len(a) {
		return e, false, r.fail(Error{Problem: NoTrailer, Offset: off}, nil)
	}
	if len(a)-off < headerSize {
		return e, false, r.fail(Error{Problem: ShortHeader, Offset: off, Value: uint64(len(a) - off)}, nil)
	}
	if string(a[off:off+len(magic)]) != magic {
		return e, false, r.fail(Error{Problem: BadMagic, Offset: off, Value: be48(a[off:])}, nil)
	}
	var fields [fieldCount]uint32
	for i := range fields {
		p := off + len(magic) + 8*i
		v, good := hex8(a[p : p+8])
		if !good {
			return e, false, r.fail(Error{Problem: BadHex, Offset: p, Field: fieldNames[i]}, nil)
		}
		fields[i] = v
	}
	e.Offset, e.Mode = off, fields[fieldMode]

	// The name: namesize bytes (NUL included) right after the header.
	nameStart, nameSize := off+headerSize, uint64(fields[fieldNamesize])
	if nameSize == 0 {
		return e, false, r.fail(Error{Problem: EmptyName, Offset: off, Field: "c_namesize"}, nil)
	}
	if nameSize > uint64(len(a)-nameStart) {
		return e, false, r.fail(Error{Problem: NameOutside, Offset: off, Value: nameSize, Limit: uint64(len(a) - nameStart)}, nil)
	}
	nameEnd := nameStart + int(nameSize)
	if a[nameEnd-1] != 0 {
		return e, false, r.fail(Error{Problem: NameNotTerminated, Offset: off, Value: nameSize}, nil)
	}
	e.Name = a[nameStart : nameEnd-1]

	// The data: starts at the next multiple of 4, after zero padding.
	dataStart, err := r.pad(nameEnd, e.Name)
	if err != nil {
		return e, false, err
	}
	size := uint64(fields[fieldFilesize])
	if size > uint64(len(a)-dataStart) {
		return e, false, r.fail(Error{Problem: DataOutside, Offset: off, Value: size, Limit: uint64(len(a) - dataStart)}, e.Name)
	}
	e.Data = a[dataStart : dataStart+int(size)]
	if string(e.Name) == trailer {
		r.done = true
		return Entry{}, false, nil
	}
	// The next header starts at the next multiple of 4 after the data.
	if r.off, err = r.pad(dataStart+int(size), e.Name); err != nil {
		return e, false, err
	}
	return e, true, nil
}

// pad checks the zero bytes from off up to the next multiple of 4 and
// returns that offset. name is the entry's, for the error.
func (r *Reader) pad(off int, name []byte) (int, *Error) {
	end := (off + 3) &^ 3
	if end > len(r.archive) {
		return 0, r.fail(Error{Problem: PaddingOutside, Offset: off, Limit: uint64(len(r.archive))}, name)
	}
	for i := off; i < end; i++ {
		if r.archive[i] != 0 {
			return 0, r.fail(Error{Problem: BadPadding, Offset: i, Value: uint64(r.archive[i])}, name)
		}
	}
	return end, nil
}

// fail stops the Reader (every later Next returns ok false) and records
// the error, with the name of the entry at fault if known.
func (r *Reader) fail(e Error, name []byte) *Error {
	r.done = true
	return fail(e, name)
}

// Lookup returns the data of the regular file called name ("bin/hello";
// a leading "/" or "./" is ignored on both sides). The whole archive is
// checked, and when a name appears twice the last entry wins, as when
// Linux unpacks an initramfs.
func Lookup(archive []byte, name string) ([]byte, *Error) {
	want := trimString(name)
	r := NewReader(archive)
	var found Entry
	seen := false
	for {
		e, ok, err := r.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if string(trimBytes(e.Name)) == want {
			found, seen = e, true
		}
	}
	if !seen {
		return nil, failName(Error{Problem: NotFound, Offset: -1}, name)
	}
	if !found.IsRegular() {
		return nil, failName(Error{Problem: NotRegular, Offset: found.Offset, Value: uint64(found.Mode)}, name)
	}
	return found.Data, nil
}

// trimBytes and trimString drop a leading "./" or "/" ("./bin/x" and
// "/bin/x" both name "bin/x").
func trimBytes(b []byte) []byte {
	for len(b) > 0 && (b[0] == '/' || (b[0] == '.' && len(b) > 1 && b[1] == '/')) {
		if b[0] == '.' {
			b = b[1:]
		}
		b = b[1:]
	}
	return b
}

func trimString(s string) string {
	for len(s) > 0 && (s[0] == '/' || (s[0] == '.' && len(s) > 1 && s[1] == '/')) {
		if s[0] == '.' {
			s = s[1:]
		}
		s = s[1:]
	}
	return s
}

// hex8 parses 8 hex digits (either case).
func hex8(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint32(c)
	}
	return v, true
}

// be48 returns the first 6 bytes of b as one number, for printing a bad
// magic in hex.
func be48(b []byte) uint64 {
	var v uint64
	for _, c := range b[:6] {
		v = v<<8 | uint64(c)
	}
	return v
}
