package dictenstein

/*
#include <stdlib.h>
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

func freeC(p *C.char) { C.free(unsafe.Pointer(p)) }

// finalized counts handles closed by their finalizer rather than by Close, so tests can see
// the backstop work.
var finalized atomic.Int64

func noteFinalized() { finalized.Add(1) }
