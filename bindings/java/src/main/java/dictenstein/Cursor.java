package dictenstein;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Terms and values in byte order; one thread at a time (it is synchronized). */
public final class Cursor extends Handle implements Iterator<Dict.Entry> {
    private Dict.Entry next;
    private boolean done;

    Cursor(long ptr) {
        super(ptr, Native::cursorFree);
    }

    @Override
    public synchronized boolean hasNext() {
        if (next == null && !done) {
            long[] out = new long[2];
            byte[] term = isClosed() ? null : call(p -> Native.cursorNext(p, out));
            if (term == null) {
                done = true;
                close();
            } else {
                next = new Dict.Entry(term, out[0], out[1] == 0);
            }
        }
        return next != null;
    }

    @Override
    public synchronized Dict.Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Dict.Entry e = next;
        next = null;
        return e;
    }
}
