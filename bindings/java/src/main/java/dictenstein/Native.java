package dictenstein;

/**
 * The JNI glue (src/main/c/dictenstein_jni.c). Handles are C pointers carried as longs; every
 * failure throws {@link DictensteinException}. Byte arrays are copied in and out.
 */
final class Native {
    static {
        String path = System.getProperty("dictenstein.jni.path");
        if (path != null) {
            System.load(path);
        } else {
            System.loadLibrary("dictenstein_jni");
        }
    }

    private Native() {}

    static native String version();

    static native long builderNew(int kind);
    static native void builderAdd(long b, byte[] term, long value);
    static native void builderSetChildLinks(long b, boolean enabled);
    static native void builderSetLayout(long b, int layout);
    static native long builderFinish(long b);
    static native void builderFree(long b);

    static native long dictOpen(String path, boolean verify);
    static native long dictNew(int kind);
    static native void dictFree(long d);
    static native void dictSave(long d, String path);
    static native void dictVerify(long d);
    /** {kind, terms, bytes}. */
    static native long[] dictInfo(long d);
    /** Found: out[0] is the value. */
    static native boolean dictGet(long d, byte[] term, long[] out);
    static native boolean dictContains(long d, byte[] term);
    /** -1 when no term is a prefix; else its length, and out[0] its value. */
    static native int dictLongestPrefix(long d, byte[] text, long[] out);
    static native boolean dictInsert(long d, byte[] term, long value);
    /** Replaced: out[0] is the previous value. */
    static native boolean dictUpsert(long d, byte[] term, long value, long[] out);
    /** Removed: out[0] is the value. */
    static native boolean dictRemove(long d, byte[] term, long[] out);

    static native long cursorPrefix(long d, byte[] prefix);
    /** A null bound is open. */
    static native long cursorRange(long d, byte[] lo, byte[] hi);
    /** The next term, or null at the end; out[0] the value, out[1] 1 when it is no u64. */
    static native byte[] cursorNext(long c, long[] out);
    static native void cursorFree(long c);

    static native long fuzzyOpen(long d, byte[] query, int metric, int units, int maxDistance,
            int flags, long limit);
    /** Fills up to terms.length results; 0 at the end. flags[i] 1: value is no u64. */
    static native int fuzzyNextBatch(long c, byte[][] terms, int[] distances, long[] values,
            int[] flags);
    static native void fuzzyFree(long c);
    static native long editDistance(int metric, int units, byte[] a, byte[] b);

    static native int appendText(long d, byte[] text);
    static native long countOccurrences(long d, byte[] pattern);
    /** Pairs of (text, offset), at most limit of them (0: all). */
    static native long[] occurrences(long d, byte[] pattern, int limit);

    /** options: {create, durability, interval_us, checkpoint_wal_bytes,
     *  checkpoint_interval_ms, max_key_len, max_value_len, wal_preallocate_bytes, commit_spin_us}. */
    static native long[] storeDefaults();
    static native long storeOpen(String path, long[] options);
    static native void storeClose(long s);
    static native void storePut(long s, byte[] key, byte[] value);
    static native void storeRemove(long s, byte[] key);
    /** The value, or null when absent. */
    static native byte[] storeGet(long s, byte[] key);
    static native boolean storeContains(long s, byte[] key);
    static native long storeIncrement(long s, byte[] key, long delta);
    static native long storeLen(long s);
    static native void storeSync(long s);
    static native void storeCheckpoint(long s, boolean compact);
    static native void storeSetDurability(long s, int durability, long intervalMicros);
    static native long storeDict(long s);
    /** A null value is a removal. */
    static native void storeWriteBatch(long s, byte[][] keys, byte[][] values);
    static native long[] storeStats(long s);
    static native long storeCursorOpen(long s, byte[] lo, byte[] hi, boolean prefix);
    /** {key, value}, or null at the end. */
    static native byte[][] storeCursorNext(long c);
    static native void storeCursorFree(long c);
}
