package dictenstein;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The Java binding's tests: a plain program (no test framework needed), exit 1 on failure. */
// Explicit close() inside try-with-resources is deliberate: it tests that close is idempotent.
@SuppressWarnings("try")
public final class BindingTest {
    private static int checks;
    private static int failures;

    private static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures++;
            System.err.println("FAIL: " + what);
        }
    }

    private static void equal(Object got, Object want, String what) {
        check(java.util.Objects.equals(got, want), what + ": got " + got + ", want " + want);
    }

    interface Body {
        void run() throws Exception;
    }

    /** Checks that body throws a DictensteinException with this status. */
    private static void throwsStatus(Status want, String what, Body body) {
        try {
            body.run();
            check(false, what + ": no exception");
        } catch (DictensteinException e) {
            equal(e.status(), want, what);
            check(e.getMessage().startsWith("DICTENSTEIN_" + want + ": "), what + ": message " + e.getMessage());
            check(e.getMessage().length() > ("DICTENSTEIN_" + want + ": DICTENSTEIN_" + want).length(), what + ": a detailed message: " + e.getMessage());
        } catch (Exception e) {
            check(false, what + ": threw " + e);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> terms(Cursor c) {
        List<String> out = new ArrayList<>();
        try (c) {
            c.forEachRemaining(e -> out.add(e.termString() + "=" + e.value()));
        }
        return out;
    }

    static final String[] WORDS = {"hell", "hello", "help", "world", "yellow", "naïve"};

    static void dictionaries() {
        for (Kind kind : new Kind[] {Kind.DOUBLE_ARRAY, Kind.DAWG, Kind.ART}) {
            try (Dict d = Dict.build(kind, WORDS)) {
                equal(d.get("help").getAsLong(), 2L, kind + " get");
                check(d.get("nope").isEmpty(), kind + " missing term");
                check(d.contains("world"), kind + " contains");
                equal(d.kind(), kind, "kind");
                equal(d.size(), 6L, kind + " size");
                Dict.Entry lp = d.longestPrefix(b("helloworld"));
                equal(lp.termString() + "=" + lp.value(), "hello=1", kind + " longest prefix");
                check(d.longestPrefix(b("xyz")) == null, kind + " no prefix");
                equal(terms(d.prefix(b("hel"))), List.of("hell=0", "hello=1", "help=2"), kind + " prefix");
                List<FuzzyMatch> m = d.fuzzySearch("helo", new FuzzyOptions().ordered(true));
                equal(m.size(), 3, kind + " fuzzy count");
                equal(m.get(0).termString(), "hell", kind + " fuzzy first");
                List<FuzzyMatch> cp = d.fuzzySearch("naive", new FuzzyOptions().codePoints(true));
                equal(cp.size(), 1, kind + " code points");
                d.close();
                d.close();
                try {
                    d.get("help");
                    check(false, "use after close");
                } catch (IllegalStateException e) {
                    check(true, "use after close");
                }
            }
        }
        try (Dict art = Dict.create(Kind.ART)) {
            check(art.insert(b("a"), 1), "insert");
            check(!art.insert(b("a"), 2), "insert twice");
            equal(art.upsert(b("a"), 3).getAsLong(), 1L, "upsert previous");
            check(art.upsert(b("b"), 4).isEmpty(), "upsert new");
            art.insert(b("c"), 5);
            equal(terms(art.range(b("b"), null)), List.of("b=4", "c=5"), "range to end");
            equal(terms(art.range(null, b("b"))), List.of("a=3"), "range from start");
            equal(art.remove(b("a")).getAsLong(), 3L, "remove");
            check(art.remove(b("a")).isEmpty(), "remove twice");
        }
        try (Dict dat = Dict.build(Kind.DOUBLE_ARRAY, WORDS)) {
            throwsStatus(Status.UNSUPPORTED, "insert into a static trie", () -> dat.insert(b("x"), 1));
        }
        List<byte[]> words = new ArrayList<>();
        long[] values = new long[WORDS.length];
        for (int i = 0; i < WORDS.length; i++) {
            words.add(b(WORDS[i]));
            values[i] = i;
        }
        try (Dict full = Dict.build(Kind.DOUBLE_ARRAY, words, values);
                Dict compact = Dict.build(Kind.DOUBLE_ARRAY, words, values, false)) {
            check(compact.sizeBytes() < full.sizeBytes(), "a trie without child links is smaller");
            equal(terms(compact.prefix(b("hel"))), terms(full.prefix(b("hel"))), "prefix without child links");
            equal(compact.get("help").getAsLong(), 2L, "get without child links");
        }
        try (Dict full = Dict.build(Kind.DOUBLE_ARRAY, words, values);
                Dict level = Dict.build(Kind.DOUBLE_ARRAY, words, values, true, Layout.LEVEL_ORDER)) {
            equal(terms(level.prefix(b("hel"))), terms(full.prefix(b("hel"))), "prefix in level order");
            equal(level.get("help").getAsLong(), 2L, "get in level order");
        }
        throwsStatus(Status.UNSUPPORTED, "child links on a DAWG",
                () -> Dict.build(Kind.DAWG, words, values, false));
        throwsStatus(Status.UNSUPPORTED, "a layout for a DAWG",
                () -> Dict.build(Kind.DAWG, words, values, true, Layout.LEVEL_ORDER));
        throwsStatus(Status.TERM_TOO_LONG, "long term", () -> Dict.build(Kind.DOUBLE_ARRAY, "x".repeat(70_000)));
        throwsStatus(Status.INVALID_ARGUMENT, "fuzzy distance 9",
                () -> Dict.build(Kind.DAWG, WORDS).fuzzy(b("x"), new FuzzyOptions().maxDistance(9)));
        try {
            Dict.build(Kind.DAWG, WORDS).get((byte[]) null);
            check(false, "null term");
        } catch (NullPointerException e) {
            check(true, "null term");
        }
        equal(FuzzyOptions.distance(FuzzyOptions.Metric.TRANSPOSITION, false, b("ab"), b("ba")), 1L, "distance");
    }

    static void files(Path dir) throws Exception {
        Path file = dir.resolve("w.dat");
        try (Dict d = Dict.build(Kind.DOUBLE_ARRAY, WORDS)) {
            d.save(file);
        }
        try (Dict d = Dict.open(file, true)) {
            equal(d.get("yellow").getAsLong(), 4L, "reopened");
            d.verify();
        }
        byte[] data = Files.readAllBytes(file);
        data[data.length - 1] ^= 0x5a;
        Path bad = dir.resolve("bad.dat");
        Files.write(bad, data);
        throwsStatus(Status.CORRUPT, "damaged file", () -> Dict.open(bad, true));
        Files.writeString(bad, "not a dictionary at all, just words");
        throwsStatus(Status.WRONG_FORMAT, "foreign file", () -> Dict.open(bad, false));
        throwsStatus(Status.IO, "missing file", () -> Dict.open(dir.resolve("missing"), false));
    }

    static void suffixAutomaton() {
        try (Dict sam = Dict.create(Kind.SUFFIX_AUTOMATON)) {
            sam.appendText(b("banana"));
            equal(sam.appendText(b("bandana")), 1, "text id");
            equal(sam.countOccurrences(b("ana")), 3L, "count");
            List<Dict.Occurrence> occ = new ArrayList<>(sam.occurrences(b("ana"), 0));
            occ.sort(Comparator.comparingInt(Dict.Occurrence::text).thenComparingLong(Dict.Occurrence::offset));
            equal(occ.toString(), "[Occurrence[text=0, offset=1], Occurrence[text=0, offset=3], Occurrence[text=1, offset=4]]",
                    "occurrences");
            equal(sam.occurrences(b("a"), 2).size(), 2, "occurrence limit");
        }
    }

    static void store(Path dir) throws Exception {
        Path path = dir.resolve("store");
        byte[] big = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
        try (Store s = Store.open(path)) {
            s.put(b("apple"), b("red"));
            s.put(b("big"), big);
            check(java.util.Arrays.equals(s.get(b("big")).orElseThrow(), big), "big value");
            check(s.get(b("none")).isEmpty(), "absent key");
            equal(s.increment(b("count"), 5), 5L, "increment");
            s.write(new Store.Batch().put(b("b1"), b("one")).put(b("b2"), b("two")).remove(b("apple")));
            check(!s.contains(b("apple")), "batch removal");
            equal(s.size(), 4L, "size");
            List<String> keys = new ArrayList<>();
            try (StoreCursor c = s.scanPrefix(b("b"))) {
                c.forEachRemaining(kv -> keys.add(new String(kv.key(), StandardCharsets.UTF_8)));
            }
            equal(keys, List.of("b1", "b2", "big"), "scan prefix");
            List<String> range = new ArrayList<>();
            try (StoreCursor c = s.scan(b("b2"), b("c"))) {
                c.forEachRemaining(kv -> range.add(new String(kv.key(), StandardCharsets.UTF_8)));
            }
            equal(range, List.of("b2", "big"), "scan range");
            try (Dict d = s.dict()) {
                equal(d.get("count").getAsLong(), 5L, "store dict counter");
                throwsStatus(Status.VALUE_NOT_U64, "store dict non-u64", () -> d.get("b1"));
                List<FuzzyMatch> m = d.fuzzySearch("b3", new FuzzyOptions());
                equal(m.size(), 2, "store fuzzy");
                check(!m.get(0).valueIsU64(), "store fuzzy value flag");
            }
            s.sync();
            s.checkpoint(false);
            s.checkpoint(true);
            Store.Stats st = s.stats();
            equal(st.keys(), 4L, "stats keys");
            check(st.checkpoints() >= 1 && st.increments() == 1, "stats " + st);
            throwsStatus(Status.LOCKED, "second handle", () -> Store.open(path));
            s.setDurability(StoreOptions.Durability.NONE, java.time.Duration.ZERO);
            s.put(b("late"), b("v"));
        }
        try (Store s = Store.open(path, new StoreOptions().create(false))) {
            equal(new String(s.get(b("late")).orElseThrow(), StandardCharsets.UTF_8), "v", "durable after close");
            throwsStatus(Status.TERM_TOO_LONG, "oversize key", () -> s.put(new byte[5000], b("v")));
        }
        throwsStatus(Status.INVALID_ARGUMENT, "bad options",
                () -> Store.open(dir.resolve("other"), new StoreOptions().maxKeyLen(0)));
        throwsStatus(Status.INVALID_ARGUMENT, "commit spin above 10 ms",
                () -> Store.open(dir.resolve("spin"),
                        new StoreOptions().commitSpin(java.time.Duration.ofMillis(11))));
        throwsStatus(Status.IO, "missing store without create",
                () -> Store.open(dir.resolve("missing"), new StoreOptions().create(false)));
    }

    /** Many threads share a dictionary and a store; closing while they call never crashes. */
    static void threads(Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Dict d = Dict.create(Kind.ART); Store s = Store.open(dir.resolve("threads"))) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int id = t;
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] key = b("t" + id + "-" + i);
                        d.insert(key, i);
                        if (d.get(key).getAsLong() != i) {
                            throw new AssertionError("read back");
                        }
                        if (i % 50 == 0) {
                            s.put(key, key);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
            equal(d.size(), 4000L, "concurrent inserts");
            equal(s.size(), 80L, "concurrent puts");
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(pool.submit(() -> {
                    int closed = 0;
                    while (closed == 0) {
                        try {
                            d.get("t0-1");
                            s.get(b("t0-0"));
                        } catch (IllegalStateException e) {
                            closed = 1;
                        }
                    }
                    return closed;
                }));
            }
            Thread.sleep(20);
            d.close();
            s.close();
            for (Future<Integer> f : readers) {
                equal(f.get(10, TimeUnit.SECONDS), 1, "reader saw the close");
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Dictionaries dropped without close are freed by the Cleaner; the JVM stays healthy. */
    static void cleaner() {
        for (int i = 0; i < 2000; i++) {
            Dict.build(Kind.DAWG, WORDS);
        }
        System.gc();
        check(true, "dropped handles");
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("dictenstein-java");
        try {
            equal(Dict.version(), cargoVersion(), "version");
            dictionaries();
            files(dir);
            suffixAutomaton();
            store(dir);
            threads(dir);
            cleaner();
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println(checks + " checks, " + failures + " failures");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String cargoVersion() throws Exception {
        String dir = System.getProperty("dictenstein.source.dir", ".");
        for (String line : Files.readAllLines(Path.of(dir, "Cargo.toml"))) {
            if (line.startsWith("version = \"")) {
                return line.substring(11, line.length() - 1);
            }
        }
        return "?";
    }
}
