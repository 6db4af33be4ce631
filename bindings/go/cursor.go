package dictenstein

/*
#include <dictenstein.h>
*/
import "C"

import (
	"runtime"
	"sync"
)

// Cursor streams terms and values in byte order:
//
//	c, err := d.Prefix([]byte("hel"))
//	if err != nil { ... }
//	defer c.Close()
//	for c.Next() {
//		fmt.Println(string(c.Term()), c.Value())
//	}
//	if err := c.Err(); err != nil { ... }
type Cursor struct {
	mu       sync.Mutex
	h        *C.dictenstein_cursor
	term     []byte
	value    uint64
	valueErr error
	err      error
}

func newCursor(h *C.dictenstein_cursor) *Cursor {
	c := &Cursor{h: h}
	runtime.SetFinalizer(c, (*Cursor).Close)
	return c
}

// Prefix opens a cursor over the terms starting with prefix (all terms for an empty prefix).
func (d *Dict) Prefix(prefix []byte) (*Cursor, error) {
	var c *Cursor
	err := d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(prefix)
		var ch *C.dictenstein_cursor
		var cerr *C.dictenstein_error
		if st := C.dictenstein_dict_prefix_cursor(h, p, n, &ch, &cerr); st != C.DICTENSTEIN_OK {
			return failure(st, &cerr)
		}
		c = newCursor(ch)
		return nil
	})
	return c, err
}

// Range opens a cursor over the terms in [lo, hi); a nil bound is open (nil lo: from the
// first term; nil hi: to the last). An empty, non-nil slice is the empty term.
func (d *Dict) Range(lo, hi []byte) (*Cursor, error) {
	var flags C.uint32_t
	if lo == nil {
		flags |= C.DICTENSTEIN_RANGE_NO_LO
	}
	if hi == nil {
		flags |= C.DICTENSTEIN_RANGE_NO_HI
	}
	var c *Cursor
	err := d.with(func(h *C.dictenstein_dict) error {
		lp, ln := cbytes(lo)
		hp, hn := cbytes(hi)
		var ch *C.dictenstein_cursor
		var cerr *C.dictenstein_error
		if st := C.dictenstein_dict_range_cursor(h, lp, ln, hp, hn, flags, &ch, &cerr); st != C.DICTENSTEIN_OK {
			return failure(st, &cerr)
		}
		c = newCursor(ch)
		return nil
	})
	return c, err
}

// Next moves to the next term; false at the end or after an error (see Err).
func (c *Cursor) Next() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h == nil || c.err != nil {
		return false
	}
	var t *C.uint8_t
	var n C.size_t
	var v C.uint64_t
	var cerr *C.dictenstein_error
	st := C.dictenstein_cursor_next(c.h, &t, &n, &v, &cerr)
	switch st {
	case C.DICTENSTEIN_OK:
		c.term, c.value, c.valueErr = gobytes(t, n), uint64(v), nil
		return true
	case C.DICTENSTEIN_VALUE_NOT_U64:
		// A store value that is not 8 bytes: the term is reported, the value is not.
		c.term, c.value, c.valueErr = gobytes(t, n), 0, failure(st, &cerr)
		return true
	case C.DICTENSTEIN_END:
		c.closeLocked()
		return false
	}
	c.err = failure(st, &cerr)
	c.closeLocked()
	return false
}

// Term is the current term (a copy the caller may keep).
func (c *Cursor) Term() []byte { c.mu.Lock(); defer c.mu.Unlock(); return c.term }

// Value is the current term's value.
func (c *Cursor) Value() uint64 { c.mu.Lock(); defer c.mu.Unlock(); return c.value }

// ValueErr is non-nil (ErrValueNotU64) when the current term is a store key whose value is
// not 8 bytes, so Value has nothing to show; read it with Store.Get.
func (c *Cursor) ValueErr() error { c.mu.Lock(); defer c.mu.Unlock(); return c.valueErr }

// Err is the error that ended the iteration, if any.
func (c *Cursor) Err() error { c.mu.Lock(); defer c.mu.Unlock(); return c.err }

// Close frees the cursor; a second Close does nothing. Next frees it at the end too.
func (c *Cursor) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return nil
}

func (c *Cursor) closeLocked() {
	if c.h != nil {
		C.dictenstein_cursor_free(c.h)
		c.h = nil
		runtime.SetFinalizer(c, nil)
	}
}
