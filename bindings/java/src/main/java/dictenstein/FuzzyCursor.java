package dictenstein;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Streams fuzzy results, fetched from C 64 at a time; one thread at a time (synchronized). */
public final class FuzzyCursor extends Handle implements Iterator<FuzzyMatch> {
    private static final int BATCH = 64;
    private final ArrayDeque<FuzzyMatch> pending = new ArrayDeque<>();
    private boolean done;

    FuzzyCursor(long ptr) {
        super(ptr, Native::fuzzyFree);
    }

    @Override
    public synchronized boolean hasNext() {
        if (pending.isEmpty() && !done && !isClosed()) {
            byte[][] terms = new byte[BATCH][];
            int[] distances = new int[BATCH];
            long[] values = new long[BATCH];
            int[] flags = new int[BATCH];
            int n = call(p -> Native.fuzzyNextBatch(p, terms, distances, values, flags));
            if (n == 0) {
                done = true;
                close();
            }
            for (int i = 0; i < n; i++) {
                pending.add(new FuzzyMatch(terms[i], distances[i], values[i], flags[i] == 0));
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public synchronized FuzzyMatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }
}
