package dictenstein;

import java.nio.charset.StandardCharsets;

/** One fuzzy result; valueIsU64 is false for a store value that is not 8 bytes. */
public record FuzzyMatch(byte[] term, int distance, long value, boolean valueIsU64) {
    public String termString() {
        return new String(term, StandardCharsets.UTF_8);
    }
}
