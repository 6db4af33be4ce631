package dictenstein;

/** A dictionary's structure, as {@code DICTENSTEIN_KIND_*} in dictenstein.h. */
public enum Kind {
    /** Static double-array trie: the fastest lookups; made with {@link Dict#build}. */
    DOUBLE_ARRAY(1),
    /** Minimal DAWG: shares suffixes; insert and remove keep it minimal. */
    DAWG(2),
    /** Adaptive radix trie: mutable, readers never block. */
    ART(3),
    /** Suffix automaton over texts: substring search. */
    SUFFIX_AUTOMATON(4),
    /** A durable store read through the dictionary API ({@link Store#dict}). */
    STORE(5);

    /** The C value. */
    public final int code;

    Kind(int code) {
        this.code = code;
    }

    static Kind of(int code) {
        for (Kind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind " + code);
    }
}
