import dictenstein.Dict;
import dictenstein.FuzzyMatch;
import dictenstein.FuzzyOptions;
import dictenstein.Kind;
import dictenstein.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a trie, looks a word up, lists the words within distance 1 of "helo", and keeps a
 *  counter in a durable store in a temporary directory. */
public class Example {
    public static void main(String[] args) throws Exception {
        try (Dict dict = Dict.build(Kind.DOUBLE_ARRAY, "hell", "hello", "help", "world", "yellow")) {
            System.out.println("libdictenstein " + Dict.version() + ": help -> " + dict.get("help").getAsLong());
            for (FuzzyMatch m : dict.fuzzySearch("helo", new FuzzyOptions().maxDistance(1))) {
                System.out.println("  " + m.termString() + " (distance " + m.distance() + ")");
            }
        }
        Path dir = Files.createTempDirectory("dictenstein-example");
        try (Store store = Store.open(dir)) {
            long visits = store.increment("visits".getBytes(StandardCharsets.UTF_8), 1);
            System.out.println("visits -> " + visits);
        }
    }
}
