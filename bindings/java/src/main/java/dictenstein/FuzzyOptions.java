package dictenstein;

/** What a fuzzy search looks for; the defaults are Levenshtein over bytes, distance 1. */
public final class FuzzyOptions {
    /** The edit distance. */
    public enum Metric {
        /** Insertions, deletions, substitutions. */
        LEVENSHTEIN(0),
        /** Levenshtein plus swaps of two adjacent units. */
        TRANSPOSITION(1),
        /** Levenshtein plus merging two units into one and splitting one into two. */
        MERGE_SPLIT(2);

        final int code;

        Metric(int code) {
            this.code = code;
        }
    }

    Metric metric = Metric.LEVENSHTEIN;
    int maxDistance = 1;
    boolean codePoints;
    boolean ordered;
    boolean prefix;
    long limit;

    public FuzzyOptions metric(Metric m) { metric = m; return this; }
    /** 0 to 8. */
    public FuzzyOptions maxDistance(int d) { maxDistance = d; return this; }
    /** Count Unicode code points instead of bytes (UTF-8 query and terms). */
    public FuzzyOptions codePoints(boolean on) { codePoints = on; return this; }
    /** Best first: by distance, then term; with a limit, exactly the best. */
    public FuzzyOptions ordered(boolean on) { ordered = on; return this; }
    /** Distance to the closest prefix of each term (autocompletion). */
    public FuzzyOptions prefix(boolean on) { prefix = on; return this; }
    /** Stop after this many results (0: no limit). */
    public FuzzyOptions limit(long n) { limit = n; return this; }

    /** The distance between a and b. */
    public static long distance(Metric m, boolean codePoints, byte[] a, byte[] b) {
        return Native.editDistance(m.code, codePoints ? 1 : 0, a, b);
    }
}
