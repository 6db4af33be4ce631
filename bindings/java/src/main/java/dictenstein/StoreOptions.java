package dictenstein;

import java.time.Duration;

/** Options of {@link Store#open}; starts from the library's defaults. See docs/durability.md. */
public final class StoreOptions {
    /** When a write is acknowledged and when the log is fsynced. */
    public enum Durability {
        /** Once its log record is fsynced. */
        IMMEDIATE,
        /** As IMMEDIATE, with concurrent writers sharing one fsync. */
        GROUP_COMMIT,
        /** Once written to the OS; an fsync every interval. */
        PERIODIC,
        /** Once written to the OS; fsync at sync, checkpoint and close only. */
        NONE
    }

    final long[] v = Native.storeDefaults();

    /** Create the directory and an empty store when missing (default true). */
    public StoreOptions create(boolean on) { v[0] = on ? 1 : 0; return this; }
    /** The policy, with its interval (group-commit window or periodic fsync interval). */
    public StoreOptions durability(Durability d, Duration interval) {
        v[1] = d.ordinal();
        v[2] = interval.toNanos() / 1000;
        return this;
    }
    public StoreOptions checkpointWalBytes(long n) { v[3] = n; return this; }
    public StoreOptions checkpointInterval(Duration d) { v[4] = d.toMillis(); return this; }
    public StoreOptions maxKeyLen(long n) { v[5] = n; return this; }
    public StoreOptions maxValueLen(long n) { v[6] = n; return this; }
    public StoreOptions walPreallocateBytes(long n) { v[7] = n; return this; }
    /** How long a writer waiting on a commit yields the CPU before it sleeps (default 300 us;
     *  zero sleeps at once; at most 10 ms). */
    public StoreOptions commitSpin(Duration d) { v[8] = d.toNanos() / 1000; return this; }
}
