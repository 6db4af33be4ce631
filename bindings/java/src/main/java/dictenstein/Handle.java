package dictenstein;

import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A native handle: calls run under a read lock, {@link #close} takes the write lock, so a
 * close waits for calls in progress and later calls throw {@link IllegalStateException}. A
 * {@link Cleaner} frees a handle that was never closed, as a backstop only.
 */
abstract class Handle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The pointer and how to free it; run at most once, by close or by the cleaner. */
    static final class State implements Runnable {
        long ptr;
        final java.util.function.LongConsumer free;

        State(long ptr, java.util.function.LongConsumer free) {
            this.ptr = ptr;
            this.free = free;
        }

        @Override
        public void run() {
            if (ptr != 0) {
                long p = ptr;
                ptr = 0;
                free.accept(p);
            }
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    Handle(long ptr, java.util.function.LongConsumer free) {
        this.state = new State(ptr, free);
        this.cleanable = CLEANER.register(this, state);
    }

    interface Call<T> {
        T apply(long ptr);
    }

    /** Runs a native call on the live pointer. */
    final <T> T call(Call<T> f) {
        lock.readLock().lock();
        try {
            if (state.ptr == 0) {
                throw new IllegalStateException(getClass().getSimpleName() + " is closed");
            }
            return f.apply(state.ptr);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the native handle; a second close does nothing. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            cleanable.clean();
        } finally {
            lock.writeLock().unlock();
        }
    }

    final boolean isClosed() {
        return state.ptr == 0;
    }
}
