package dictenstein;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A dictionary of any {@link Kind}. Safe for use by many threads at once (what each kind does
 * with concurrent writes is described in docs/c-api.md); close it when done
 * (try-with-resources). Terms are byte arrays; the String overloads use UTF-8.
 */
public final class Dict extends Handle {
    Dict(long ptr) {
        super(ptr, Native::dictFree);
    }

    /** The version of the native library, such as "0.1.0". */
    public static String version() {
        return Native.version();
    }

    /** Builds a dictionary of kind whose terms are {@code terms}, each valued by its index. */
    public static Dict build(Kind kind, String... terms) {
        List<byte[]> bytes = new ArrayList<>(terms.length);
        long[] values = new long[terms.length];
        for (int i = 0; i < terms.length; i++) {
            bytes.add(utf8(terms[i]));
            values[i] = i;
        }
        return build(kind, bytes, values);
    }

    /** Builds a dictionary of kind from terms and values of the same length. */
    public static Dict build(Kind kind, List<byte[]> terms, long[] values) {
        return build(kind, terms, values, true);
    }

    /**
     * Builds a dictionary of kind from terms and values of the same length; with childLinks
     * false, a double-array trie without its child links: a file about a third smaller with
     * lookups as fast, but prefix cursors and fuzzy search probe every byte of the alphabet at
     * each node. Other kinds have no such links: false throws UNSUPPORTED for them.
     */
    public static Dict build(Kind kind, List<byte[]> terms, long[] values, boolean childLinks) {
        return build(kind, terms, values, childLinks, Layout.DEPTH_FIRST);
    }

    /**
     * As {@link #build(Kind, List, long[], boolean)}, with the double-array trie laid out as
     * layout asks (the answers and the file format are the same either way). Other kinds have
     * no layout: anything but DEPTH_FIRST throws UNSUPPORTED for them.
     */
    public static Dict build(Kind kind, List<byte[]> terms, long[] values, boolean childLinks, Layout layout) {
        if (terms.size() != values.length) {
            throw new IllegalArgumentException(terms.size() + " terms but " + values.length + " values");
        }
        long b = Native.builderNew(kind.code);
        try {
            if (!childLinks) {
                Native.builderSetChildLinks(b, false);
            }
            if (layout != Layout.DEPTH_FIRST) {
                Native.builderSetLayout(b, layout.code);
            }
            for (int i = 0; i < values.length; i++) {
                Native.builderAdd(b, terms.get(i), values[i]);
            }
            return new Dict(Native.builderFinish(b));
        } finally {
            Native.builderFree(b);
        }
    }

    /** An empty dictionary of a mutable kind (DAWG, ART, SUFFIX_AUTOMATON). */
    public static Dict create(Kind kind) {
        return new Dict(Native.dictNew(kind.code));
    }

    /** Maps a file written by {@link #save}; with verify, checks every checksum first. */
    public static Dict open(Path path, boolean verify) {
        return new Dict(Native.dictOpen(path.toString(), verify));
    }

    public void save(Path path) {
        call(p -> { Native.dictSave(p, path.toString()); return null; });
    }

    /** Checks the checksums of a dictionary opened from a file (a store: every image node). */
    public void verify() {
        call(p -> { Native.dictVerify(p); return null; });
    }

    public Kind kind() {
        return Kind.of((int) call(Native::dictInfo)[0]);
    }

    /** Number of terms (a suffix automaton: distinct substrings). */
    public long size() {
        return call(Native::dictInfo)[1];
    }

    /** Bytes of its file image or of the memory it holds. */
    public long sizeBytes() {
        return call(Native::dictInfo)[2];
    }

    public OptionalLong get(byte[] term) {
        long[] out = new long[1];
        return call(p -> Native.dictGet(p, term, out)) ? OptionalLong.of(out[0]) : OptionalLong.empty();
    }

    public OptionalLong get(String term) {
        return get(utf8(term));
    }

    public boolean contains(byte[] term) {
        return call(p -> Native.dictContains(p, term));
    }

    public boolean contains(String term) {
        return contains(utf8(term));
    }

    /** The longest term that is a prefix of text, or null. */
    public Entry longestPrefix(byte[] text) {
        long[] out = new long[1];
        int n = call(p -> Native.dictLongestPrefix(p, text, out));
        return n < 0 ? null : new Entry(java.util.Arrays.copyOf(text, n), out[0], true);
    }

    /** Adds term unless present; returns whether it was added. */
    public boolean insert(byte[] term, long value) {
        return call(p -> Native.dictInsert(p, term, value));
    }

    /** Sets term's value; returns the previous one, if any. */
    public OptionalLong upsert(byte[] term, long value) {
        long[] out = new long[1];
        return call(p -> Native.dictUpsert(p, term, value, out)) ? OptionalLong.of(out[0]) : OptionalLong.empty();
    }

    /** Removes term; returns its value, if it was present. */
    public OptionalLong remove(byte[] term) {
        long[] out = new long[1];
        return call(p -> Native.dictRemove(p, term, out)) ? OptionalLong.of(out[0]) : OptionalLong.empty();
    }

    /** The terms starting with prefix, in byte order. Close the cursor when done. */
    public Cursor prefix(byte[] prefix) {
        return new Cursor(call(p -> Native.cursorPrefix(p, prefix)));
    }

    /** The terms in [lo, hi); a null bound is open. */
    public Cursor range(byte[] lo, byte[] hi) {
        return new Cursor(call(p -> Native.cursorRange(p, lo, hi)));
    }

    /** The terms within options' distance of query, over the version current now. */
    public FuzzyCursor fuzzy(byte[] query, FuzzyOptions o) {
        return new FuzzyCursor(call(p -> Native.fuzzyOpen(p, query, o.metric.code,
                o.codePoints ? 1 : 0, o.maxDistance, (o.ordered ? 1 : 0) | (o.prefix ? 2 : 0), o.limit)));
    }

    /** Runs a fuzzy search to the end. */
    public List<FuzzyMatch> fuzzySearch(String query, FuzzyOptions o) {
        List<FuzzyMatch> out = new ArrayList<>();
        try (FuzzyCursor c = fuzzy(utf8(query), o)) {
            c.forEachRemaining(out::add);
        }
        return out;
    }

    /** Adds a text to a suffix automaton; returns its number. */
    public int appendText(byte[] text) {
        return call(p -> Native.appendText(p, text));
    }

    public long countOccurrences(byte[] pattern) {
        return call(p -> Native.countOccurrences(p, pattern));
    }

    /** Where a pattern occurs in a suffix automaton's texts, at most limit (0: all). */
    public List<Occurrence> occurrences(byte[] pattern, int limit) {
        long[] pairs = call(p -> Native.occurrences(p, pattern, limit));
        List<Occurrence> out = new ArrayList<>(pairs.length / 2);
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(new Occurrence((int) pairs[i], pairs[i + 1]));
        }
        return out;
    }

    /** A term and its value; valueIsU64 is false for a store value that is not 8 bytes. */
    public record Entry(byte[] term, long value, boolean valueIsU64) {
        public String termString() {
            return new String(term, StandardCharsets.UTF_8);
        }
    }

    /** A text's number and a byte offset in it. */
    public record Occurrence(int text, long offset) {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
