// Package dictenstein calls libdictenstein, the dictionary library (double-array trie, DAWG,
// adaptive radix trie, suffix automaton, durable store, fuzzy search), through its C ABI.
//
// Errors are *Error values carrying the library's status and message; compare them with
// errors.Is against the Err* sentinels (errors.Is(err, dictenstein.ErrCorrupt)). Every
// handle (Dict, Builder, Store and the cursors) has a Close method that may be called more
// than once; a finalizer closes handles that were forgotten, as a backstop only. Dict and
// Store are safe for use by many goroutines at once; a Close waits for calls in progress on
// the same handle. Cursors are safe too, but each one is one stream: goroutines sharing a
// cursor take turns. All calls block until done; none takes a context.
//
// Link flags come from pkg-config (the library's dictenstein.pc): set PKG_CONFIG_PATH to
// <prefix>/lib/pkgconfig when libdictenstein is installed outside the default paths.
package dictenstein

/*
#cgo pkg-config: dictenstein
#include <stdlib.h>
#include <dictenstein.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Status is a libdictenstein status code (dictenstein_status in C).
type Status int32

// The status codes, as in dictenstein.h.
const (
	StatusOK              Status = C.DICTENSTEIN_OK
	StatusNotFound        Status = C.DICTENSTEIN_NOT_FOUND
	StatusEnd             Status = C.DICTENSTEIN_END
	StatusInvalidArgument Status = C.DICTENSTEIN_INVALID_ARGUMENT
	StatusTermTooLong     Status = C.DICTENSTEIN_TERM_TOO_LONG
	StatusUnsupported     Status = C.DICTENSTEIN_UNSUPPORTED
	StatusIO              Status = C.DICTENSTEIN_IO
	StatusCorrupt         Status = C.DICTENSTEIN_CORRUPT
	StatusWrongFormat     Status = C.DICTENSTEIN_WRONG_FORMAT
	StatusVersionMismatch Status = C.DICTENSTEIN_VERSION_MISMATCH
	StatusTooLarge        Status = C.DICTENSTEIN_TOO_LARGE
	StatusInternal        Status = C.DICTENSTEIN_INTERNAL
	StatusLocked          Status = C.DICTENSTEIN_LOCKED
	StatusPoisoned        Status = C.DICTENSTEIN_POISONED
	StatusBufferTooSmall  Status = C.DICTENSTEIN_BUFFER_TOO_SMALL
	StatusValueNotU64     Status = C.DICTENSTEIN_VALUE_NOT_U64
)

// String gives the status's C name, such as "DICTENSTEIN_CORRUPT".
func (s Status) String() string {
	name := C.dictenstein_status_name(C.dictenstein_status(s))
	if name == nil {
		return fmt.Sprintf("DICTENSTEIN_STATUS_%d", int32(s))
	}
	return C.GoString(name)
}

// Error is a failed call: the library's status and its message (operation, path, OS error
// or what was damaged).
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "dictenstein: " + e.Status.String()
	}
	return "dictenstein: " + e.Status.String() + ": " + e.Message
}

// Is reports whether target is an *Error with the same status, so that
// errors.Is(err, ErrCorrupt) holds for any corruption error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status
}

// Sentinels for errors.Is; each matches every error of its status.
var (
	ErrInvalidArgument = &Error{Status: StatusInvalidArgument}
	ErrTermTooLong     = &Error{Status: StatusTermTooLong}
	ErrUnsupported     = &Error{Status: StatusUnsupported}
	ErrIO              = &Error{Status: StatusIO}
	ErrCorrupt         = &Error{Status: StatusCorrupt}
	ErrWrongFormat     = &Error{Status: StatusWrongFormat}
	ErrVersionMismatch = &Error{Status: StatusVersionMismatch}
	ErrTooLarge        = &Error{Status: StatusTooLarge}
	ErrInternal        = &Error{Status: StatusInternal}
	ErrLocked          = &Error{Status: StatusLocked}
	ErrPoisoned        = &Error{Status: StatusPoisoned}
	ErrValueNotU64     = &Error{Status: StatusValueNotU64}
)

// ErrClosed is returned by calls on a handle after its Close.
var ErrClosed = errors.New("dictenstein: handle is closed")

// Version is the version of the library loaded at run time, such as "0.1.0".
func Version() string {
	return C.GoString(C.dictenstein_version(nil, nil, nil))
}

// failure turns a status and its error object into an *Error, freeing the object. The object
// is passed by address and read here, after the call that set it: in
// `failure(C.f(&cerr), cerr)` Go may read cerr before calling C.f.
func failure(st C.dictenstein_status, cerrp **C.dictenstein_error) error {
	e := &Error{Status: Status(st)}
	var cerr *C.dictenstein_error
	if cerrp != nil {
		cerr = *cerrp
	}
	if cerr != nil {
		e.Message = C.GoString(C.dictenstein_error_message(cerr))
		C.dictenstein_error_free(cerr)
	}
	return e
}

// check is failure for calls whose only success is OK.
func check(st C.dictenstein_status, cerrp **C.dictenstein_error) error {
	if st == C.DICTENSTEIN_OK {
		return nil
	}
	return failure(st, cerrp)
}

// cbytes passes a Go slice to C for the duration of one call: C only reads it and keeps
// nothing (the C API's rule for every input), which cgo's pointer rules allow.
func cbytes(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// gobytes copies C memory that is valid only until the next call on its cursor.
func gobytes(p *C.uint8_t, n C.size_t) []byte {
	if n == 0 {
		return []byte{}
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// cpath converts a path for a call; free the result with C.free.
func cpath(path string) (*C.char, error) {
	for i := 0; i < len(path); i++ {
		if path[i] == 0 {
			return nil, &Error{Status: StatusInvalidArgument, Message: "path contains a NUL byte"}
		}
	}
	return C.CString(path), nil
}
