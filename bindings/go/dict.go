package dictenstein

/*
#include <dictenstein.h>
*/
import "C"

import (
	"runtime"
	"sync"
)

// Kind is a dictionary's structure.
type Kind uint32

// The kinds, as DICTENSTEIN_KIND_* in dictenstein.h.
const (
	// KindDoubleArray is a static double-array trie: the fastest lookups (build it with a Builder).
	KindDoubleArray Kind = C.DICTENSTEIN_KIND_DOUBLE_ARRAY
	// KindDAWG is a minimal DAWG: shares suffixes; insert and remove keep it minimal.
	KindDAWG Kind = C.DICTENSTEIN_KIND_DAWG
	// KindART is an adaptive radix trie: mutable, readers never block.
	KindART Kind = C.DICTENSTEIN_KIND_ART
	// KindSuffixAutomaton indexes texts for substring search (New, then AppendText).
	KindSuffixAutomaton Kind = C.DICTENSTEIN_KIND_SUFFIX_AUTOMATON
	// KindStore is a durable store read through the dictionary API (Store.Dict).
	KindStore Kind = C.DICTENSTEIN_KIND_STORE
)

// Dict is a dictionary of any kind. Its methods are safe from many goroutines at once (what
// each kind does with concurrent writes is described in the C API docs). Close it when done.
type Dict struct {
	mu sync.RWMutex
	h  *C.dictenstein_dict
}

func newDict(h *C.dictenstein_dict) *Dict {
	d := &Dict{h: h}
	runtime.SetFinalizer(d, (*Dict).finalize)
	return d
}

func (d *Dict) finalize() {
	noteFinalized()
	d.Close()
}

// Close frees the dictionary. Later calls return ErrClosed; a second Close does nothing.
// Cursors opened on it stay valid (they keep the data alive) and must be closed themselves.
func (d *Dict) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.h != nil {
		C.dictenstein_dict_free(d.h)
		d.h = nil
		runtime.SetFinalizer(d, nil)
	}
	return nil
}

// with runs f on the live handle; Close waits until f returns.
func (d *Dict) with(f func(h *C.dictenstein_dict) error) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.h == nil {
		return ErrClosed
	}
	return f(d.h)
}

// Open maps a dictionary file saved by Save (any kind; the kind is read from the file).
// With verify, every checksum is checked first (reads the whole file).
func Open(path string, verify bool) (*Dict, error) {
	p, err := cpath(path)
	if err != nil {
		return nil, err
	}
	defer freeC(p)
	var flags C.uint32_t
	if verify {
		flags = C.DICTENSTEIN_OPEN_VERIFY
	}
	var h *C.dictenstein_dict
	var cerr *C.dictenstein_error
	if st := C.dictenstein_dict_open(p, flags, &h, &cerr); st != C.DICTENSTEIN_OK {
		return nil, failure(st, &cerr)
	}
	return newDict(h), nil
}

// New creates an empty dictionary of a mutable kind (KindDAWG, KindART, KindSuffixAutomaton).
func New(kind Kind) (*Dict, error) {
	var h *C.dictenstein_dict
	var cerr *C.dictenstein_error
	if st := C.dictenstein_dict_new(C.uint32_t(kind), &h, &cerr); st != C.DICTENSTEIN_OK {
		return nil, failure(st, &cerr)
	}
	return newDict(h), nil
}

// Build makes a dictionary of kind from terms, each term's value being its index in terms
// (a repeated term keeps its last index).
func Build(kind Kind, terms []string) (*Dict, error) {
	b, err := NewBuilder(kind)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	for i, t := range terms {
		if err := b.Add([]byte(t), uint64(i)); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// Save writes the dictionary to a file that Open maps.
func (d *Dict) Save(path string) error {
	p, err := cpath(path)
	if err != nil {
		return err
	}
	defer freeC(p)
	return d.with(func(h *C.dictenstein_dict) error {
		var cerr *C.dictenstein_error
		return check(C.dictenstein_dict_save(h, p, &cerr), &cerr)
	})
}

// Verify checks the checksums of a dictionary opened from a file (a store: reads every node
// of its image); in-memory dictionaries have none and pass.
func (d *Dict) Verify() error {
	return d.with(func(h *C.dictenstein_dict) error {
		var cerr *C.dictenstein_error
		return check(C.dictenstein_dict_verify(h, &cerr), &cerr)
	})
}

// Info describes a dictionary.
type Info struct {
	Kind Kind
	// Len is the number of terms (a suffix automaton: distinct substrings).
	Len uint64
	// SizeBytes is the size of its file image or of the memory it holds.
	SizeBytes uint64
}

// Info returns the dictionary's kind, number of terms and size.
func (d *Dict) Info() (Info, error) {
	var info Info
	err := d.with(func(h *C.dictenstein_dict) error {
		var kind C.uint32_t
		var n, size C.uint64_t
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_dict_info(h, &kind, &n, &size, &cerr), &cerr); err != nil {
			return err
		}
		info = Info{Kind: Kind(kind), Len: uint64(n), SizeBytes: uint64(size)}
		return nil
	})
	return info, err
}

// Get returns the value of term, and whether it is present.
func (d *Dict) Get(term []byte) (value uint64, found bool, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(term)
		var v C.uint64_t
		var cerr *C.dictenstein_error
		st := C.dictenstein_dict_get(h, p, n, &v, &cerr)
		switch st {
		case C.DICTENSTEIN_OK:
			value, found = uint64(v), true
			return nil
		case C.DICTENSTEIN_NOT_FOUND:
			return nil
		}
		return failure(st, &cerr)
	})
	return value, found, err
}

// GetString is Get for a string term.
func (d *Dict) GetString(term string) (uint64, bool, error) {
	return d.Get([]byte(term))
}

// Contains reports whether term is present.
func (d *Dict) Contains(term []byte) (bool, error) {
	var found C.bool
	err := d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(term)
		var cerr *C.dictenstein_error
		return check(C.dictenstein_dict_contains(h, p, n, &found, &cerr), &cerr)
	})
	return bool(found), err
}

// LongestPrefix finds the longest term that is a prefix of text: its length and value.
func (d *Dict) LongestPrefix(text []byte) (length int, value uint64, found bool, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(text)
		var l C.size_t
		var v C.uint64_t
		var cerr *C.dictenstein_error
		st := C.dictenstein_dict_longest_prefix(h, p, n, &l, &v, &cerr)
		switch st {
		case C.DICTENSTEIN_OK:
			length, value, found = int(l), uint64(v), true
			return nil
		case C.DICTENSTEIN_NOT_FOUND:
			return nil
		}
		return failure(st, &cerr)
	})
	return length, value, found, err
}

// Insert adds term with value unless it is present; reports whether it was added.
func (d *Dict) Insert(term []byte, value uint64) (inserted bool, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(term)
		var ok C.bool
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_dict_insert(h, p, n, C.uint64_t(value), &ok, &cerr), &cerr); err != nil {
			return err
		}
		inserted = bool(ok)
		return nil
	})
	return inserted, err
}

// Upsert sets term's value; returns the previous value, if there was one.
func (d *Dict) Upsert(term []byte, value uint64) (previous uint64, replaced bool, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(term)
		var prev C.uint64_t
		var rep C.bool
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_dict_upsert(h, p, n, C.uint64_t(value), &prev, &rep, &cerr), &cerr); err != nil {
			return err
		}
		previous, replaced = uint64(prev), bool(rep)
		return nil
	})
	return previous, replaced, err
}

// Remove deletes term; returns its value, if it was present.
func (d *Dict) Remove(term []byte) (value uint64, removed bool, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(term)
		var v C.uint64_t
		var cerr *C.dictenstein_error
		st := C.dictenstein_dict_remove(h, p, n, &v, &cerr)
		switch st {
		case C.DICTENSTEIN_OK:
			value, removed = uint64(v), true
			return nil
		case C.DICTENSTEIN_NOT_FOUND:
			return nil
		}
		return failure(st, &cerr)
	})
	return value, removed, err
}

// Builder collects terms for a dictionary of any buildable kind, in any order.
type Builder struct {
	mu sync.Mutex
	h  *C.dictenstein_builder
}

// NewBuilder starts a dictionary of kind (KindDoubleArray, KindDAWG or KindART).
func NewBuilder(kind Kind) (*Builder, error) {
	var h *C.dictenstein_builder
	var cerr *C.dictenstein_error
	if st := C.dictenstein_builder_new(C.uint32_t(kind), &h, &cerr); st != C.DICTENSTEIN_OK {
		return nil, failure(st, &cerr)
	}
	b := &Builder{h: h}
	runtime.SetFinalizer(b, (*Builder).Close)
	return b, nil
}

// Add adds a term; when a term repeats, the value added last wins.
func (b *Builder) Add(term []byte, value uint64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h == nil {
		return ErrClosed
	}
	p, n := cbytes(term)
	var cerr *C.dictenstein_error
	return check(C.dictenstein_builder_add(b.h, p, n, C.uint64_t(value), &cerr), &cerr)
}

// SetChildLinks chooses whether the double-array trie gets its child links (the default is
// yes): without them the file is about a third smaller and exact lookups are as fast, but
// prefix cursors and fuzzy search probe every byte of the alphabet at each node. Other kinds
// have no such links: the error then has status StatusUnsupported.
func (b *Builder) SetChildLinks(enabled bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h == nil {
		return ErrClosed
	}
	var cerr *C.dictenstein_error
	return check(C.dictenstein_builder_set_child_links(b.h, C.bool(enabled), &cerr), &cerr)
}

// Layout is where a double-array trie puts its nodes, as DICTENSTEIN_LAYOUT_* in dictenstein.h.
type Layout uint32

const (
	// LayoutDepthFirst keeps each node's subtree after it, so each lookup's units lie close
	// together (the default).
	LayoutDepthFirst Layout = C.DICTENSTEIN_LAYOUT_DEPTH_FIRST
	// LayoutLevelOrder puts the trie level by level: usually faster fuzzy search (3% slower
	// to 18% faster in our runs), exact lookups up to 20% slower. Tries of more than 2^21
	// units are built depth first.
	LayoutLevelOrder Layout = C.DICTENSTEIN_LAYOUT_LEVEL_ORDER
)

// SetLayout chooses where the double-array trie puts its nodes (see Layout); the answers and
// the file format are the same either way. Other kinds have no layout to choose: the error
// then has status StatusUnsupported; an unknown layout gives StatusInvalidArgument.
func (b *Builder) SetLayout(layout Layout) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h == nil {
		return ErrClosed
	}
	var cerr *C.dictenstein_error
	return check(C.dictenstein_builder_set_layout(b.h, C.uint32_t(layout), &cerr), &cerr)
}

// Finish builds the dictionary. The builder is spent afterwards (Add returns an error).
func (b *Builder) Finish() (*Dict, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h == nil {
		return nil, ErrClosed
	}
	var h *C.dictenstein_dict
	var cerr *C.dictenstein_error
	if st := C.dictenstein_builder_finish(b.h, &h, &cerr); st != C.DICTENSTEIN_OK {
		return nil, failure(st, &cerr)
	}
	return newDict(h), nil
}

// Close frees the builder; a second Close does nothing.
func (b *Builder) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h != nil {
		C.dictenstein_builder_free(b.h)
		b.h = nil
		runtime.SetFinalizer(b, nil)
	}
	return nil
}
