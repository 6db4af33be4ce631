package dictenstein;

/** A libdictenstein status code, as {@code DICTENSTEIN_*} in dictenstein.h. */
public enum Status {
    OK(0), NOT_FOUND(1), END(2), INVALID_ARGUMENT(10), TERM_TOO_LONG(11), UNSUPPORTED(12),
    IO(13), CORRUPT(14), WRONG_FORMAT(15), VERSION_MISMATCH(16), TOO_LARGE(17), INTERNAL(18),
    LOCKED(19), POISONED(20), BUFFER_TOO_SMALL(21), VALUE_NOT_U64(22), UNKNOWN(-1);

    /** The C value. */
    public final int code;

    Status(int code) {
        this.code = code;
    }

    /** The status with this C value, or {@link #UNKNOWN}. */
    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
