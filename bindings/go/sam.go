package dictenstein

/*
#include <dictenstein.h>
*/
import "C"

// Substring search over a suffix automaton (KindSuffixAutomaton); other kinds return
// ErrUnsupported.

// AppendText adds a text to a suffix automaton; returns its number (0, 1, ...).
func (d *Dict) AppendText(text []byte) (id uint32, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(text)
		var cid C.uint32_t
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_dict_append_text(h, p, n, &cid, &cerr), &cerr); err != nil {
			return err
		}
		id = uint32(cid)
		return nil
	})
	return id, err
}

// CountOccurrences is how many times pattern occurs in all the texts.
func (d *Dict) CountOccurrences(pattern []byte) (count uint64, err error) {
	err = d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(pattern)
		var c C.uint64_t
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_dict_count_occurrences(h, p, n, &c, &cerr), &cerr); err != nil {
			return err
		}
		count = uint64(c)
		return nil
	})
	return count, err
}

// Occurrence is where a pattern occurs: a text's number and a byte offset in it.
type Occurrence struct {
	Text   uint32
	Offset uint64
}

// Occurrences lists where pattern occurs (in no particular order), at most limit of them
// (limit 0: all).
func (d *Dict) Occurrences(pattern []byte, limit int) ([]Occurrence, error) {
	var out []Occurrence
	err := d.with(func(h *C.dictenstein_dict) error {
		p, n := cbytes(pattern)
		var cur *C.dictenstein_occurrence_cursor
		var cerr *C.dictenstein_error
		if st := C.dictenstein_dict_occurrence_cursor(h, p, n, &cur, &cerr); st != C.DICTENSTEIN_OK {
			return failure(st, &cerr)
		}
		defer C.dictenstein_occurrence_cursor_free(cur)
		batch := make([]C.dictenstein_occurrence, 256)
		for limit == 0 || len(out) < limit {
			var written C.size_t
			st := C.dictenstein_occurrence_cursor_next_batch(cur, &batch[0], C.size_t(len(batch)), &written, &cerr)
			if st == C.DICTENSTEIN_END {
				break
			}
			if st != C.DICTENSTEIN_OK {
				return failure(st, &cerr)
			}
			for _, o := range batch[:written] {
				out = append(out, Occurrence{Text: uint32(o.text_id), Offset: uint64(o.offset)})
			}
		}
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
		return nil
	})
	return out, err
}
