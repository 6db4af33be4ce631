package dictenstein;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Keys and values of one snapshot in key order; valid after the store is closed. */
public final class StoreCursor extends Handle implements Iterator<StoreCursor.KeyValue> {
    /** A key and its value. */
    public record KeyValue(byte[] key, byte[] value) {}

    private KeyValue next;
    private boolean done;

    StoreCursor(long ptr) {
        super(ptr, Native::storeCursorFree);
    }

    @Override
    public synchronized boolean hasNext() {
        if (next == null && !done) {
            byte[][] kv = isClosed() ? null : call(Native::storeCursorNext);
            if (kv == null) {
                done = true;
                close();
            } else {
                next = new KeyValue(kv[0], kv[1]);
            }
        }
        return next != null;
    }

    @Override
    public synchronized KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue kv = next;
        next = null;
        return kv;
    }
}
