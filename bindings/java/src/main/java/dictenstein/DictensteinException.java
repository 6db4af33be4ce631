package dictenstein;

/**
 * A failed libdictenstein call: the library's status and its message (the operation, the
 * path, the OS error or what was damaged). Unchecked, so iterators can report it too.
 */
public class DictensteinException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status status;

    /** Made by the native glue; {@code code} is the C status. */
    public DictensteinException(int code, String message) {
        super("DICTENSTEIN_" + Status.of(code) + ": " + message);
        this.status = Status.of(code);
    }

    /** The status, such as {@link Status#CORRUPT}. */
    public Status status() {
        return status;
    }
}
