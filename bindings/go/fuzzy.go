package dictenstein

/*
#include <dictenstein.h>
*/
import "C"

import (
	"runtime"
	"sync"
)

// Metric is the edit distance of a fuzzy search.
type Metric uint32

const (
	// Levenshtein counts insertions, deletions and substitutions.
	Levenshtein Metric = C.DICTENSTEIN_METRIC_LEVENSHTEIN
	// Transposition is Levenshtein plus swaps of two adjacent units ("ab" to "ba" costs 1).
	Transposition Metric = C.DICTENSTEIN_METRIC_TRANSPOSITION
	// MergeSplit is Levenshtein plus merging two units into one and splitting one into two
	// ("rn" to "m" costs 1).
	MergeSplit Metric = C.DICTENSTEIN_METRIC_MERGE_SPLIT
)

// MaxDistance is the largest FuzzyOptions.MaxDistance accepted.
const MaxDistance = C.DICTENSTEIN_FUZZY_MAX_DISTANCE

// FuzzyOptions says what a fuzzy search looks for. The zero value searches distance 0 over
// bytes with Levenshtein; DefaultFuzzyOptions gives the library's defaults (distance 1).
type FuzzyOptions struct {
	Metric      Metric
	MaxDistance uint32
	// CodePoints counts Unicode code points instead of bytes (query and terms UTF-8).
	CodePoints bool
	// Ordered reports by distance, then term; with Limit, exactly the best Limit terms.
	Ordered bool
	// Prefix measures the distance to the closest prefix of each term (autocompletion).
	Prefix bool
	// Limit stops after this many results (0: no limit).
	Limit uint64
}

// DefaultFuzzyOptions is Levenshtein over bytes, distance 1, in byte order, no limit.
func DefaultFuzzyOptions() FuzzyOptions {
	return FuzzyOptions{Metric: Levenshtein, MaxDistance: 1}
}

func (o FuzzyOptions) toC() C.dictenstein_fuzzy_options {
	var c C.dictenstein_fuzzy_options
	C.dictenstein_fuzzy_options_default(&c)
	c.metric = C.uint32_t(o.Metric)
	c.max_distance = C.uint32_t(o.MaxDistance)
	if o.CodePoints {
		c.units = C.DICTENSTEIN_UNITS_CODE_POINTS
	}
	if o.Ordered {
		c.flags |= C.DICTENSTEIN_FUZZY_ORDERED
	}
	if o.Prefix {
		c.flags |= C.DICTENSTEIN_FUZZY_PREFIX
	}
	c.limit = C.uint64_t(o.Limit)
	return c
}

// FuzzyMatch is one result of a fuzzy search.
type FuzzyMatch struct {
	Term     []byte
	Distance uint32
	Value    uint64
	// ValueErr is ErrValueNotU64 for a store key whose value is not 8 bytes (Value is 0).
	ValueErr error
}

// FuzzyCursor streams the results of a fuzzy search, fetched from C in batches.
type FuzzyCursor struct {
	mu      sync.Mutex
	h       *C.dictenstein_fuzzy_cursor
	batch   []C.dictenstein_fuzzy_match
	pending []FuzzyMatch
	current FuzzyMatch
	err     error
}

// fuzzyBatch is how many results one call into C fetches.
const fuzzyBatch = 64

// Fuzzy opens a search for the terms within opts.MaxDistance edits of query, over the
// version of the dictionary current now (on KindART, the matches of that moment are collected
// when it opens).
func (d *Dict) Fuzzy(query []byte, opts FuzzyOptions) (*FuzzyCursor, error) {
	copts := opts.toC()
	var c *FuzzyCursor
	err := d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(query)
		var ch *C.dictenstein_fuzzy_cursor
		var cerr *C.dictenstein_error
		if st := C.dictenstein_dict_fuzzy_cursor(h, p, n, &copts, &ch, &cerr); st != C.DICTENSTEIN_OK {
			return failure(st, &cerr)
		}
		c = &FuzzyCursor{h: ch, batch: make([]C.dictenstein_fuzzy_match, fuzzyBatch)}
		runtime.SetFinalizer(c, (*FuzzyCursor).Close)
		return nil
	})
	return c, err
}

// FuzzySearch runs a search to the end and returns every result.
func (d *Dict) FuzzySearch(query []byte, opts FuzzyOptions) ([]FuzzyMatch, error) {
	c, err := d.Fuzzy(query, opts)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []FuzzyMatch
	for c.Next() {
		out = append(out, c.Match())
	}
	return out, c.Err()
}

// Next moves to the next result; false at the end or after an error (see Err).
func (c *FuzzyCursor) Next() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 && !c.fill() {
		return false
	}
	c.current = c.pending[0]
	c.pending = c.pending[1:]
	return true
}

// fill fetches the next batch; false when there is none.
func (c *FuzzyCursor) fill() bool {
	if c.h == nil || c.err != nil {
		return false
	}
	var written C.size_t
	var cerr *C.dictenstein_error
	st := C.dictenstein_fuzzy_cursor_next_batch(c.h, &c.batch[0], C.size_t(len(c.batch)), &written, &cerr)
	var valueErr error
	switch st {
	case C.DICTENSTEIN_OK:
	case C.DICTENSTEIN_VALUE_NOT_U64:
		valueErr = failure(st, &cerr)
	case C.DICTENSTEIN_END:
		c.closeLocked()
		return false
	default:
		c.err = failure(st, &cerr)
		c.closeLocked()
		return false
	}
	c.pending = c.pending[:0]
	for _, m := range c.batch[:written] {
		c.pending = append(c.pending, FuzzyMatch{
			Term:     gobytes(m.term, m.term_len),
			Distance: uint32(m.distance),
			Value:    uint64(m.value),
			ValueErr: valueErr,
		})
	}
	return len(c.pending) > 0
}

// Match is the current result (its Term is a copy the caller may keep).
func (c *FuzzyCursor) Match() FuzzyMatch { c.mu.Lock(); defer c.mu.Unlock(); return c.current }

// Err is the error that ended the search, if any.
func (c *FuzzyCursor) Err() error { c.mu.Lock(); defer c.mu.Unlock(); return c.err }

// Close frees the cursor; a second Close does nothing.
func (c *FuzzyCursor) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return nil
}

func (c *FuzzyCursor) closeLocked() {
	if c.h != nil {
		C.dictenstein_fuzzy_cursor_free(c.h)
		c.h = nil
		runtime.SetFinalizer(c, nil)
	}
}

// EditDistance is the distance between a and b under metric, counting bytes or code points.
func EditDistance(metric Metric, codePoints bool, a, b []byte) (uint64, error) {
	units := C.uint32_t(C.DICTENSTEIN_UNITS_BYTES)
	if codePoints {
		units = C.DICTENSTEIN_UNITS_CODE_POINTS
	}
	ap, an := cbytes(a)
	bp, bn := cbytes(b)
	var dist C.uint64_t
	var cerr *C.dictenstein_error
	err := check(C.dictenstein_edit_distance(C.uint32_t(metric), units, ap, an, bp, bn, &dist, &cerr), &cerr)
	return uint64(dist), err
}
