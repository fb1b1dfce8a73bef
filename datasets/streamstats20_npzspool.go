package datasets

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// NPZSpool holds .npz members whose leading axis is filled a block at a time
// (the per-map arrays of stkit stats, a block of maps after another) in one
// temporary file, so that an archive of many maps is written without any
// such member being held whole in memory: Append encodes a block's data as
// WriteNPY would (checked the same way) and writes it to the file;
// WriteNPZ writes the archive, copying each spooled member's blocks from
// the file in order. The archive's bytes are those WriteNPZ (the package
// function, stored members) writes for the whole arrays.
//
// The temporary file is removed from its folder as soon as it is created
// where the system allows (Linux), otherwise by Close; call Close when done.
// After Close, Append and WriteNPZ return an error (ErrSpoolClosed).
// WriteNPZ may be called again after more Appends: each call writes every
// row appended so far to each spooled member it names (the earlier blocks
// too), so a second archive holds the first one's rows and the new ones.
type NPZSpool struct {
	f       *os.File
	w       *bufio.Writer
	off     int64
	members map[string]*spoolMember
	buf     []byte // copyMember's
}

// spoolMember is one member of an NPZSpool: its dtype, the shape after the
// leading axis, the rows appended so far and where their bytes lie.
type spoolMember struct {
	descr string
	dtype string
	rest  []int
	rows  int
	segs  [][2]int64 // offset, length
}

// NewNPZSpool creates the spool's temporary file in dir ("" for
// os.TempDir()).
func NewNPZSpool(dir string) (*NPZSpool, error) {
	f, err := os.CreateTemp(dir, ".stkit-spool-*")
	if err != nil {
		return nil, fmt.Errorf("datasets: npz: temporary file: %w", err)
	}
	_ = os.Remove(f.Name()) // open files stay readable (Linux); Close retries
	return &NPZSpool{f: f, w: bufio.NewWriterSize(f, 1<<16), members: map[string]*spoolMember{}}, nil
}

// ErrSpoolClosed is the error of NPZSpool's Append and WriteNPZ after
// Close.
var ErrSpoolClosed = errors.New("datasets: npz: the spool is closed (its temporary file removed): nothing more can be appended or written")

// Close removes the temporary file. Closing twice is no error.
func (s *NPZSpool) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := s.f.Close()
	_ = os.Remove(s.f.Name())
	s.f = nil
	return err
}

// Has reports whether member name has been appended to.
func (s *NPZSpool) Has(name string) bool {
	_, ok := s.members[name]
	return ok
}

// Append adds the rows of a (shape [b, …]) to member name; every block of a
// member must have its dtype and the same shape after the leading axis.
// String arrays are refused (their width depends on every row), and so are
// a nil array and a scalar (no leading axis).
func (s *NPZSpool) Append(name string, a *Array) error {
	if s == nil || s.f == nil {
		return fmt.Errorf("member %q: %w", name, ErrSpoolClosed)
	}
	if a == nil {
		return fmt.Errorf("datasets: npz: member %q: nil array", name)
	}
	if len(a.Shape) == 0 {
		return fmt.Errorf("datasets: npz: member %q: a spooled array needs a leading axis", name)
	}
	if a.IsString() {
		return fmt.Errorf("datasets: npz: member %q: string arrays cannot be spooled", name)
	}
	m := s.members[name]
	row0 := 0
	if m != nil {
		row0 = m.rows
	}
	if err := spoolFloat32Check(name, a, row0); err != nil {
		return err
	}
	p, err := planNPY(a, NPYOptions{})
	if err != nil {
		return fmt.Errorf("datasets: npz: member %q, the block of rows %d–%d: %w", name, row0, row0+a.Shape[0]-1, err)
	}
	if m == nil {
		m = &spoolMember{descr: p.descr, dtype: a.DType, rest: slices.Clone(a.Shape[1:])}
		s.members[name] = m
	} else if m.descr != p.descr || !slices.Equal(m.rest, a.Shape[1:]) {
		return fmt.Errorf("datasets: npz: member %q: block of %s %v after blocks of %s [*%s]", name, a.DType, a.Shape, m.dtype, shapeString(m.rest))
	}
	n := int64(a.Size()) * int64(p.d.size)
	if err := p.writeData(s.w); err != nil {
		return fmt.Errorf("datasets: npz: temporary file: %w", err)
	}
	m.segs = append(m.segs, [2]int64{s.off, n})
	s.off += n
	m.rows += a.Shape[0]
	return nil
}

// spoolFloat32Check is float32Check for a block of rows of a spooled member
// whose rows before it number row0: the index of the first value float32
// cannot hold is the member's (row0 added to the block's leading index), so
// that it names the row of the whole archive (it named the block's row,
// row0 fewer).
func spoolFloat32Check(name string, a *Array, row0 int) error {
	o, what, noun, wide := float32OverflowOf(a)
	if o == nil {
		return nil
	}
	rest := 1
	for _, d := range a.Shape[1:] {
		rest *= d
	}
	row := row0 + o.First/rest
	where := fmt.Sprintf("%s at index %s (row %d", what, indexString(append([]int{row0 + a.Shape[0]}, a.Shape[1:]...), row*rest+o.First%rest), row)
	if len(a.Shape) > 1 {
		where += ", element " + indexString(a.Shape[1:], o.First%rest) + " of it"
	}
	where += ")"
	return fmt.Errorf("datasets: npz: member %q (%s, rows of shape %s; this block rows %d–%d): %s. Rescale the data (e.g. change units) or write it as %s (Array.DType %q)",
		name, a.DType, shapeString(a.Shape[1:]), row0, row0+a.Shape[0]-1, o.describe(where, noun+" of the block"), wide, wide)
}

// NPZEntry is one member of NPZSpool.WriteNPZ, in the archive's order: the
// array Array held in memory, or with Array nil the spooled member Name.
type NPZEntry struct {
	Name  string
	Array *Array
}

// WriteNPZ writes the archive of entries to path (stored members, as
// WriteNPZ with compress false), atomically and streamed; the names are
// checked as WriteNPZ checks them. path names the archive file itself: a
// path "FILE.npz:NAME", which ReadMaps and WriteMaps take for member NAME
// of FILE.npz, is refused (it would be a file of that literal name).
func (s *NPZSpool) WriteNPZ(path string, entries []NPZEntry) error {
	if s == nil || s.f == nil {
		return fmt.Errorf("writing %s: %w", path, ErrSpoolClosed)
	}
	if file, member, _ := splitPath(path); file != path {
		return fmt.Errorf("datasets: npz: %s names member %q of %s: NPZSpool.WriteNPZ writes a whole archive; give the .npz file's own name", path, member, file)
	}
	if len(entries) == 0 {
		return fmt.Errorf("datasets: npz: no arrays to write (writing %s)", path)
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("datasets: npz: temporary file: %w", err)
	}
	type member struct {
		name   string
		header []byte
		plan   *npyPlan     // in memory
		spool  *spoolMember // or spooled
	}
	seen := map[string]bool{}
	var ms []member
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name, ".npy")
		if name == "" {
			return fmt.Errorf("datasets: npz: empty member name (writing %s)", path)
		}
		if seen[name] {
			return fmt.Errorf("datasets: npz: duplicate member name %q (writing %s)", name, path)
		}
		seen[name] = true
		if e.Array != nil {
			p, err := planNPY(e.Array, NPYOptions{})
			if err != nil {
				return fmt.Errorf("datasets: npz: member %q: %w (writing %s)", name, err, path)
			}
			ms = append(ms, member{name: name, plan: p})
			continue
		}
		m := s.members[e.Name]
		if m == nil {
			return fmt.Errorf("datasets: npz: member %q: nothing spooled (writing %s)", name, path)
		}
		h, err := npyHeaderBytes(m.descr, append([]int{m.rows}, m.rest...), NPYOptions{})
		if err != nil {
			return fmt.Errorf("datasets: npz: member %q: %w (writing %s)", name, err, path)
		}
		ms = append(ms, member{name: name, header: h, spool: m})
	}
	return writeStreamAtomic(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, m := range ms {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: m.name + ".npy", Method: zip.Store, Modified: npzTime})
			if err != nil {
				return fmt.Errorf("datasets: npz: %w", err)
			}
			if m.plan != nil {
				err = m.plan.writeTo(fw)
			} else {
				err = s.copyMember(fw, m.header, m.spool)
			}
			if err != nil {
				return fmt.Errorf("datasets: npz: %w", err)
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("datasets: npz: %w", err)
		}
		return nil
	})
}

// copyMember writes a spooled member: its header, then its blocks.
func (s *NPZSpool) copyMember(w io.Writer, header []byte, m *spoolMember) error {
	if _, err := w.Write(header); err != nil {
		return err
	}
	if s.buf == nil {
		s.buf = make([]byte, ioChunk)
	}
	for _, sg := range m.segs {
		// one buffer for every block (io.Copy took a new 32 KiB one each time)
		if _, err := io.CopyBuffer(w, io.LimitReader(io.NewSectionReader(s.f, sg[0], sg[1]), sg[1]), s.buf); err != nil {
			return err
		}
	}
	return nil
}
