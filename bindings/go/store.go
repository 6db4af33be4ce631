package dictenstein

/*
#include <dictenstein.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"time"
)

// Durability says when a write is acknowledged and when the write-ahead log is fsynced.
type Durability uint32

const (
	// DurabilityImmediate acknowledges a write once its log record is fsynced.
	DurabilityImmediate Durability = C.DICTENSTEIN_DURABILITY_IMMEDIATE
	// DurabilityGroupCommit is as Immediate, with concurrent writers sharing one fsync.
	DurabilityGroupCommit Durability = C.DICTENSTEIN_DURABILITY_GROUP_COMMIT
	// DurabilityPeriodic acknowledges once written to the OS, with an fsync every Interval.
	DurabilityPeriodic Durability = C.DICTENSTEIN_DURABILITY_PERIODIC
	// DurabilityNone fsyncs only at Sync, checkpoints and Close.
	DurabilityNone Durability = C.DICTENSTEIN_DURABILITY_NONE
)

// StoreOptions configures OpenStore; start from DefaultStoreOptions. See docs/durability.md.
type StoreOptions struct {
	// Create makes the directory and an empty store when missing.
	Create     bool
	Durability Durability
	// Interval is the group-commit window or the periodic fsync interval.
	Interval time.Duration
	// CheckpointWALBytes checkpoints once this many log bytes were written (0: never on size).
	CheckpointWALBytes uint64
	// CheckpointInterval checkpoints this long after the last one (0: never on time).
	CheckpointInterval time.Duration
	MaxKeyLen          uint64
	MaxValueLen        uint64
	// WALPreallocateBytes extends log segments ahead of their records (0: off).
	WALPreallocateBytes uint64
	// CommitSpin is how long a writer waiting on a commit yields the CPU before it sleeps
	// (0: sleep at once; at most 10 ms).
	CommitSpin time.Duration
}

// DefaultStoreOptions are the library's defaults (create, group commit, ...).
func DefaultStoreOptions() StoreOptions {
	var c C.dictenstein_store_options
	C.dictenstein_store_options_default(&c)
	return StoreOptions{
		Create:              c.flags&C.DICTENSTEIN_STORE_CREATE != 0,
		Durability:          Durability(c.durability),
		Interval:            time.Duration(c.interval_us) * time.Microsecond,
		CheckpointWALBytes:  uint64(c.checkpoint_wal_bytes),
		CheckpointInterval:  time.Duration(c.checkpoint_interval_ms) * time.Millisecond,
		MaxKeyLen:           uint64(c.max_key_len),
		MaxValueLen:         uint64(c.max_value_len),
		WALPreallocateBytes: uint64(c.wal_preallocate_bytes),
		CommitSpin:          time.Duration(c.commit_spin_us) * time.Microsecond,
	}
}

func (o StoreOptions) toC() C.dictenstein_store_options {
	var c C.dictenstein_store_options
	C.dictenstein_store_options_default(&c)
	c.flags = 0
	if o.Create {
		c.flags = C.DICTENSTEIN_STORE_CREATE
	}
	c.durability = C.uint32_t(o.Durability)
	c.interval_us = C.uint64_t(o.Interval / time.Microsecond)
	c.checkpoint_wal_bytes = C.uint64_t(o.CheckpointWALBytes)
	c.checkpoint_interval_ms = C.uint64_t(o.CheckpointInterval / time.Millisecond)
	c.max_key_len = C.uint64_t(o.MaxKeyLen)
	c.max_value_len = C.uint64_t(o.MaxValueLen)
	c.wal_preallocate_bytes = C.uint64_t(o.WALPreallocateBytes)
	c.commit_spin_us = C.uint64_t(o.CommitSpin / time.Microsecond)
	return c
}

// Store is a durable key-value store in a directory: byte keys and values, ordered scans,
// crash recovery. Safe from many goroutines at once; Close waits for calls in progress.
type Store struct {
	mu sync.RWMutex
	h  *C.dictenstein_store
}

// OpenStore opens (with opts.Create, creates) the store in dir; nil opts means
// DefaultStoreOptions. Another open handle on the same directory gives ErrLocked.
func OpenStore(dir string, opts *StoreOptions) (*Store, error) {
	o := DefaultStoreOptions()
	if opts != nil {
		o = *opts
	}
	copts := o.toC()
	p, err := cpath(dir)
	if err != nil {
		return nil, err
	}
	defer freeC(p)
	var h *C.dictenstein_store
	var cerr *C.dictenstein_error
	if st := C.dictenstein_store_open(p, &copts, &h, &cerr); st != C.DICTENSTEIN_OK {
		return nil, failure(st, &cerr)
	}
	s := &Store{h: h}
	runtime.SetFinalizer(s, (*Store).finalize)
	return s, nil
}

func (s *Store) finalize() {
	noteFinalized()
	s.Close()
}

// Close stops the store's background work, fsyncs the log and releases the directory. An
// error means the final fsync failed (writes acknowledged under Periodic or None since the
// last sync may be lost); the handle is closed either way. A second Close returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return nil
	}
	var cerr *C.dictenstein_error
	st := C.dictenstein_store_close(s.h, &cerr)
	s.h = nil
	runtime.SetFinalizer(s, nil)
	return check(st, &cerr)
}

func (s *Store) with(f func(h *C.dictenstein_store) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.h == nil {
		return ErrClosed
	}
	return f(s.h)
}

// Put sets key to value; acknowledged as the durability policy says.
func (s *Store) Put(key, value []byte) error {
	return s.with(func(h *C.dictenstein_store) error {
		kp, kn := cbytes(key)
		vp, vn := cbytes(value)
		var cerr *C.dictenstein_error
		return check(C.dictenstein_store_put(h, kp, kn, vp, vn, &cerr), &cerr)
	})
}

// Remove deletes key (deleting an absent key succeeds).
func (s *Store) Remove(key []byte) error {
	return s.with(func(h *C.dictenstein_store) error {
		kp, kn := cbytes(key)
		var cerr *C.dictenstein_error
		return check(C.dictenstein_store_remove(h, kp, kn, &cerr), &cerr)
	})
}

// Get returns a copy of key's value, and whether it is present.
func (s *Store) Get(key []byte) (value []byte, found bool, err error) {
	buf := make([]byte, 128)
	err = s.with(func(h *C.dictenstein_store) error {
		kp, kn := cbytes(key)
		for {
			var n C.size_t
			var cerr *C.dictenstein_error
			st := C.dictenstein_store_get(h, kp, kn, (*C.uint8_t)(&buf[0]), C.size_t(len(buf)), &n, &cerr)
			switch st {
			case C.DICTENSTEIN_OK:
				value, found = buf[:n], true
				return nil
			case C.DICTENSTEIN_NOT_FOUND:
				return nil
			case C.DICTENSTEIN_BUFFER_TOO_SMALL:
				// A writer may grow the value again before the retry; loop until it fits.
				buf = make([]byte, n)
				continue
			}
			return failure(st, &cerr)
		}
	})
	return value, found, err
}

// Contains reports whether key is present.
func (s *Store) Contains(key []byte) (found bool, err error) {
	err = s.with(func(h *C.dictenstein_store) error {
		kp, kn := cbytes(key)
		var cerr *C.dictenstein_error
		st := C.dictenstein_store_contains(h, kp, kn, &cerr)
		switch st {
		case C.DICTENSTEIN_OK:
			found = true
			return nil
		case C.DICTENSTEIN_NOT_FOUND:
			return nil
		}
		return failure(st, &cerr)
	})
	return found, err
}

// Increment adds delta to the 8-byte little-endian counter at key (absent: 0), atomically.
func (s *Store) Increment(key []byte, delta uint64) (newValue uint64, err error) {
	err = s.with(func(h *C.dictenstein_store) error {
		kp, kn := cbytes(key)
		var v C.uint64_t
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_store_increment(h, kp, kn, C.uint64_t(delta), &v, &cerr), &cerr); err != nil {
			return err
		}
		newValue = uint64(v)
		return nil
	})
	return newValue, err
}

// Len is the number of keys.
func (s *Store) Len() (n uint64, err error) {
	err = s.with(func(h *C.dictenstein_store) error {
		var c C.uint64_t
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_store_len(h, &c, &cerr), &cerr); err != nil {
			return err
		}
		n = uint64(c)
		return nil
	})
	return n, err
}

// Sync makes every acknowledged write durable.
func (s *Store) Sync() error {
	return s.with(func(h *C.dictenstein_store) error {
		var cerr *C.dictenstein_error
		return check(C.dictenstein_store_sync(h, &cerr), &cerr)
	})
}

// Checkpoint writes what changed since the last checkpoint into the image; with compact,
// rewrites the whole image without its dead space.
func (s *Store) Checkpoint(compact bool) error {
	var c C.uint32_t
	if compact {
		c = 1
	}
	return s.with(func(h *C.dictenstein_store) error {
		var cerr *C.dictenstein_error
		return check(C.dictenstein_store_checkpoint(h, c, &cerr), &cerr)
	})
}

// SetDurability changes the policy of later writes (interval: the group-commit window or
// the periodic fsync interval).
func (s *Store) SetDurability(d Durability, interval time.Duration) error {
	return s.with(func(h *C.dictenstein_store) error {
		var cerr *C.dictenstein_error
		return check(C.dictenstein_store_set_durability(h, C.uint32_t(d), C.uint64_t(interval/time.Microsecond), &cerr), &cerr)
	})
}

// Dict is a read-only dictionary handle over the store (KindStore): Get, Prefix, Range and
// Fuzzy read the store, with 8-byte values as little-endian uint64s.
func (s *Store) Dict() (*Dict, error) {
	var d *Dict
	err := s.with(func(h *C.dictenstein_store) error {
		var dh *C.dictenstein_dict
		var cerr *C.dictenstein_error
		if st := C.dictenstein_store_dict(h, &dh, &cerr); st != C.DICTENSTEIN_OK {
			return failure(st, &cerr)
		}
		d = newDict(dh)
		return nil
	})
	return d, err
}

// StoreStats are the store's counters; every one is counted where it happens.
type StoreStats struct {
	Gets, Puts, Removes, Batches, Increments         uint64
	WALRecords, WALBytesWritten, Fsyncs              uint64
	CommitGroups, CommitRequests                     uint64
	Checkpoints, LastCheckpointMicros, Compactions   uint64
	CurrentLSN, SyncedLSN, Keys                      uint64
	ImageBytes, ImageDeadBytes, WALBytes, IndexBytes uint64
	ReplayedRecords, OpenMicros                      uint64
}

// Stats returns the counters.
func (s *Store) Stats() (StoreStats, error) {
	var out StoreStats
	err := s.with(func(h *C.dictenstein_store) error {
		var c C.dictenstein_store_stats
		c.size = C.size_t(C.sizeof_dictenstein_store_stats)
		var cerr *C.dictenstein_error
		if err := check(C.dictenstein_store_stats_get(h, &c, &cerr), &cerr); err != nil {
			return err
		}
		out = StoreStats{
			Gets: uint64(c.gets), Puts: uint64(c.puts), Removes: uint64(c.removes),
			Batches: uint64(c.batches), Increments: uint64(c.increments),
			WALRecords: uint64(c.wal_records), WALBytesWritten: uint64(c.wal_bytes_written),
			Fsyncs: uint64(c.fsyncs), CommitGroups: uint64(c.commit_groups),
			CommitRequests: uint64(c.commit_requests), Checkpoints: uint64(c.checkpoints),
			LastCheckpointMicros: uint64(c.last_checkpoint_us), Compactions: uint64(c.compactions),
			CurrentLSN: uint64(c.current_lsn), SyncedLSN: uint64(c.synced_lsn), Keys: uint64(c.keys),
			ImageBytes: uint64(c.image_bytes), ImageDeadBytes: uint64(c.image_dead_bytes),
			WALBytes: uint64(c.wal_bytes), IndexBytes: uint64(c.index_bytes),
			ReplayedRecords: uint64(c.replayed_records), OpenMicros: uint64(c.open_us),
		}
		return nil
	})
	return out, err
}

// Batch collects puts and removes that WriteBatch applies atomically, in order.
type Batch struct {
	ops []batchOp
}

type batchOp struct {
	key, value []byte
	remove     bool
}

// Put adds a put (the slices are copied).
func (b *Batch) Put(key, value []byte) {
	b.ops = append(b.ops, batchOp{key: append([]byte(nil), key...), value: append([]byte(nil), value...)})
}

// Remove adds a removal (the key is copied).
func (b *Batch) Remove(key []byte) {
	b.ops = append(b.ops, batchOp{key: append([]byte(nil), key...), remove: true})
}

// Len is the number of operations.
func (b *Batch) Len() int { return len(b.ops) }

// WriteBatch applies every operation of b as one atomic, durable unit (one log record):
// after a crash, all of it or none of it is there.
func (s *Store) WriteBatch(b *Batch) error {
	var cb *C.dictenstein_batch
	if st := C.dictenstein_batch_new(&cb); st != C.DICTENSTEIN_OK {
		return failure(st, nil)
	}
	defer C.dictenstein_batch_free(cb)
	for _, op := range b.ops {
		kp, kn := cbytes(op.key)
		var cerr *C.dictenstein_error
		var st C.dictenstein_status
		if op.remove {
			st = C.dictenstein_batch_remove(cb, kp, kn, &cerr)
		} else {
			vp, vn := cbytes(op.value)
			st = C.dictenstein_batch_put(cb, kp, kn, vp, vn, &cerr)
		}
		if err := check(st, &cerr); err != nil {
			return err
		}
	}
	return s.with(func(h *C.dictenstein_store) error {
		var cerr *C.dictenstein_error
		return check(C.dictenstein_store_write_batch(h, cb, &cerr), &cerr)
	})
}

// StoreCursor streams keys and values of one snapshot in key order.
type StoreCursor struct {
	mu         sync.Mutex
	h          *C.dictenstein_store_cursor
	key, value []byte
	err        error
}

// Scan opens a cursor over the keys in [lo, hi) of a snapshot taken now (nil lo: from the
// first key; nil hi: to the last). It stays valid after the store is closed.
func (s *Store) Scan(lo, hi []byte) (*StoreCursor, error) {
	return s.cursor(lo, hi, false)
}

// ScanPrefix opens a cursor over the keys starting with prefix.
func (s *Store) ScanPrefix(prefix []byte) (*StoreCursor, error) {
	return s.cursor(prefix, nil, true)
}

func (s *Store) cursor(lo, hi []byte, prefix bool) (*StoreCursor, error) {
	var mode C.uint32_t
	if prefix {
		mode = 1
	}
	var c *StoreCursor
	err := s.with(func(h *C.dictenstein_store) error {
		lp, ln := cbytes(lo)
		var hp *C.uint8_t
		var hn C.size_t
		if hi != nil {
			// A non-nil empty hi is an empty upper bound, not "none": point at a byte.
			hp, hn = cbytes(hi)
			if hp == nil {
				var zero [1]byte
				hp = (*C.uint8_t)(&zero[0])
			}
		}
		var ch *C.dictenstein_store_cursor
		var cerr *C.dictenstein_error
		if st := C.dictenstein_store_cursor_open(h, lp, ln, hp, hn, mode, &ch, &cerr); st != C.DICTENSTEIN_OK {
			return failure(st, &cerr)
		}
		c = &StoreCursor{h: ch}
		runtime.SetFinalizer(c, (*StoreCursor).Close)
		return nil
	})
	return c, err
}

// Next moves to the next key; false at the end or after an error (see Err).
func (c *StoreCursor) Next() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h == nil || c.err != nil {
		return false
	}
	var kp, vp *C.uint8_t
	var kn, vn C.size_t
	var cerr *C.dictenstein_error
	st := C.dictenstein_store_cursor_next(c.h, &kp, &kn, &vp, &vn, &cerr)
	switch st {
	case C.DICTENSTEIN_OK:
		c.key, c.value = gobytes(kp, kn), gobytes(vp, vn)
		return true
	case C.DICTENSTEIN_END:
		c.closeLocked()
		return false
	}
	c.err = failure(st, &cerr)
	c.closeLocked()
	return false
}

// Key is the current key (a copy).
func (c *StoreCursor) Key() []byte { c.mu.Lock(); defer c.mu.Unlock(); return c.key }

// Value is the current value (a copy).
func (c *StoreCursor) Value() []byte { c.mu.Lock(); defer c.mu.Unlock(); return c.value }

// Err is the error that ended the scan, if any.
func (c *StoreCursor) Err() error { c.mu.Lock(); defer c.mu.Unlock(); return c.err }

// Close frees the cursor; a second Close does nothing.
func (c *StoreCursor) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return nil
}

func (c *StoreCursor) closeLocked() {
	if c.h != nil {
		C.dictenstein_store_cursor_free(c.h)
		c.h = nil
		runtime.SetFinalizer(c, nil)
	}
}
