package dictenstein;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A durable key-value store in a directory: byte keys and values, ordered scans, crash
 * recovery. Safe for use by many threads at once; {@link #close} waits for calls in progress,
 * fsyncs and throws if that fails.
 */
public final class Store extends Handle {
    private Store(long ptr) {
        super(ptr, Native::storeClose);
    }

    /** Opens (by default creating) the store in dir; another open handle gives LOCKED. */
    public static Store open(Path dir, StoreOptions options) {
        return new Store(Native.storeOpen(dir.toString(), options.v));
    }

    public static Store open(Path dir) {
        return open(dir, new StoreOptions());
    }

    public void put(byte[] key, byte[] value) {
        call(p -> { Native.storePut(p, key, value); return null; });
    }

    /** Removing an absent key succeeds. */
    public void remove(byte[] key) {
        call(p -> { Native.storeRemove(p, key); return null; });
    }

    public Optional<byte[]> get(byte[] key) {
        return Optional.ofNullable(call(p -> Native.storeGet(p, key)));
    }

    public boolean contains(byte[] key) {
        return call(p -> Native.storeContains(p, key));
    }

    /** Adds delta to the 8-byte little-endian counter at key (absent: 0), atomically. */
    public long increment(byte[] key, long delta) {
        return call(p -> Native.storeIncrement(p, key, delta));
    }

    public long size() {
        return call(Native::storeLen);
    }

    /** Makes every acknowledged write durable. */
    public void sync() {
        call(p -> { Native.storeSync(p); return null; });
    }

    /** Writes what changed into the image; with compact, rewrites it without dead space. */
    public void checkpoint(boolean compact) {
        call(p -> { Native.storeCheckpoint(p, compact); return null; });
    }

    public void setDurability(StoreOptions.Durability d, Duration interval) {
        call(p -> { Native.storeSetDurability(p, d.ordinal(), interval.toNanos() / 1000); return null; });
    }

    /** A read-only dictionary over the store; 8-byte values read as little-endian longs. */
    public Dict dict() {
        return new Dict(call(Native::storeDict));
    }

    /** Puts and removes applied atomically, as one durable unit, in order. */
    public static final class Batch {
        final List<byte[]> keys = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();

        public Batch put(byte[] key, byte[] value) {
            keys.add(key.clone());
            values.add(value.clone());
            return this;
        }

        public Batch remove(byte[] key) {
            keys.add(key.clone());
            values.add(null);
            return this;
        }
    }

    public void write(Batch b) {
        byte[][] k = b.keys.toArray(new byte[0][]);
        byte[][] v = b.values.toArray(new byte[0][]);
        call(p -> { Native.storeWriteBatch(p, k, v); return null; });
    }

    /** The keys in [lo, hi) of a snapshot taken now; a null bound is open. */
    public StoreCursor scan(byte[] lo, byte[] hi) {
        return new StoreCursor(call(p -> Native.storeCursorOpen(p, lo, hi, false)));
    }

    /** The keys starting with prefix, of a snapshot taken now. */
    public StoreCursor scanPrefix(byte[] prefix) {
        return new StoreCursor(call(p -> Native.storeCursorOpen(p, prefix, null, true)));
    }

    /** Counters, each counted where it happens. */
    public record Stats(long gets, long puts, long removes, long batches, long increments,
            long walRecords, long walBytesWritten, long fsyncs, long commitGroups,
            long commitRequests, long checkpoints, long lastCheckpointMicros, long compactions,
            long currentLsn, long syncedLsn, long keys, long imageBytes, long imageDeadBytes,
            long walBytes, long indexBytes, long replayedRecords, long openMicros) {}

    public Stats stats() {
        long[] s = call(Native::storeStats);
        return new Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10],
                s[11], s[12], s[13], s[14], s[15], s[16], s[17], s[18], s[19], s[20], s[21]);
    }
}
