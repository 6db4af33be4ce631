package dictenstein

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

var words = []string{"hell", "hello", "help", "world", "yellow", "naïve"}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func collect(t *testing.T, c *Cursor, err error) []string {
	t.Helper()
	must(t, err)
	defer c.Close()
	var out []string
	for c.Next() {
		out = append(out, fmt.Sprintf("%s=%d", c.Term(), c.Value()))
	}
	must(t, c.Err())
	return out
}

func TestVersionMatchesCargoToml(t *testing.T) {
	manifest, err := os.ReadFile("../../Cargo.toml")
	must(t, err)
	want := regexp.MustCompile(`(?m)^version = "([^"]+)"`).FindSubmatch(manifest)
	if want == nil || Version() != string(want[1]) {
		t.Fatalf("library %q, Cargo.toml %q", Version(), want)
	}
	if StatusCorrupt.String() != "DICTENSTEIN_CORRUPT" {
		t.Fatal(StatusCorrupt.String())
	}
}

func TestEveryBuildableKind(t *testing.T) {
	list := func(c *Cursor, err error) []string { return collect(t, c, err) }
	for _, kind := range []Kind{KindDoubleArray, KindDAWG, KindART} {
		d, err := Build(kind, words)
		must(t, err)
		v, ok, err := d.GetString("help")
		must(t, err)
		if !ok || v != 2 {
			t.Fatalf("kind %d: help = %d, %v", kind, v, ok)
		}
		if _, ok, _ := d.GetString("nope"); ok {
			t.Fatal("found a missing term")
		}
		has, err := d.Contains([]byte("world"))
		must(t, err)
		if !has {
			t.Fatal("world missing")
		}
		n, v, ok, err := d.LongestPrefix([]byte("helloworld"))
		must(t, err)
		if !ok || n != 5 || v != 1 {
			t.Fatalf("longest prefix %d %d %v", n, v, ok)
		}
		got := list(d.Prefix([]byte("hel")))
		if fmt.Sprint(got) != "[hell=0 hello=1 help=2]" {
			t.Fatalf("kind %d prefix: %v", kind, got)
		}
		got = list(d.Range([]byte("hell"), []byte("help")))
		if fmt.Sprint(got) != "[hell=0 hello=1]" {
			t.Fatalf("kind %d range: %v", kind, got)
		}
		info, err := d.Info()
		must(t, err)
		if info.Kind != kind || info.Len != uint64(len(words)) {
			t.Fatalf("info %+v", info)
		}
		m, err := d.FuzzySearch([]byte("helo"), FuzzyOptions{MaxDistance: 1, Ordered: true})
		must(t, err)
		if len(m) != 3 || string(m[0].Term) != "hell" || m[0].Distance != 1 || m[1].Value != 1 {
			t.Fatalf("kind %d fuzzy %+v", kind, m)
		}
		m, err = d.FuzzySearch([]byte("naive"), FuzzyOptions{MaxDistance: 1, CodePoints: true})
		must(t, err)
		if len(m) != 1 || string(m[0].Term) != "naïve" {
			t.Fatalf("kind %d code points %+v", kind, m)
		}
		must(t, d.Close())
		must(t, d.Close())
		if _, _, err := d.GetString("help"); err != ErrClosed {
			t.Fatalf("after close: %v", err)
		}
	}
}

// A double-array trie built without child links answers the same and is smaller; other
// kinds refuse the option.
func TestChildLinksOption(t *testing.T) {
	build := func(links bool) *Dict {
		b, err := NewBuilder(KindDoubleArray)
		must(t, err)
		defer b.Close()
		must(t, b.SetChildLinks(links))
		for i, w := range words {
			must(t, b.Add([]byte(w), uint64(i)))
		}
		d, err := b.Finish()
		must(t, err)
		return d
	}
	full, compact := build(true), build(false)
	defer full.Close()
	defer compact.Close()
	fi, err := full.Info()
	must(t, err)
	ci, err := compact.Info()
	must(t, err)
	if ci.SizeBytes >= fi.SizeBytes {
		t.Fatalf("without links %d bytes, with %d", ci.SizeBytes, fi.SizeBytes)
	}
	c1, err := full.Prefix([]byte("hel"))
	a := collect(t, c1, err)
	c2, err := compact.Prefix([]byte("hel"))
	c := collect(t, c2, err)
	if fmt.Sprint(a) != fmt.Sprint(c) || len(a) != 3 {
		t.Fatalf("prefix listings differ: %v vs %v", a, c)
	}
	art, err := NewBuilder(KindART)
	must(t, err)
	defer art.Close()
	if err := art.SetChildLinks(false); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("ART builder accepted child links: %v", err)
	}
}

// A double-array trie laid out level by level lists and finds the same terms; other kinds
// refuse the option, and an unknown layout is an invalid argument.
func TestLayoutOption(t *testing.T) {
	b, err := NewBuilder(KindDoubleArray)
	must(t, err)
	defer b.Close()
	must(t, b.SetLayout(LayoutLevelOrder))
	if err := b.SetLayout(Layout(7)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("layout 7 accepted: %v", err)
	}
	for i, w := range words {
		must(t, b.Add([]byte(w), uint64(i)))
	}
	d, err := b.Finish()
	must(t, err)
	defer d.Close()
	c, err := d.Prefix([]byte("hel"))
	if got := collect(t, c, err); len(got) != 3 {
		t.Fatalf("prefix listing in level order: %v", got)
	}
	art, err := NewBuilder(KindART)
	must(t, err)
	defer art.Close()
	if err := art.SetLayout(LayoutLevelOrder); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("ART builder accepted a layout: %v", err)
	}
}

func TestMutableKindsAndRanges(t *testing.T) {
	list := func(c *Cursor, err error) []string { return collect(t, c, err) }
	d, err := New(KindART)
	must(t, err)
	defer d.Close()
	for i, w := range words {
		ok, err := d.Insert([]byte(w), uint64(i))
		must(t, err)
		if !ok {
			t.Fatal("not inserted")
		}
	}
	if ok, _ := d.Insert([]byte("hell"), 9); ok {
		t.Fatal("inserted twice")
	}
	prev, replaced, err := d.Upsert([]byte("hell"), 9)
	must(t, err)
	if !replaced || prev != 0 {
		t.Fatal("upsert", prev, replaced)
	}
	v, removed, err := d.Remove([]byte("help"))
	must(t, err)
	if !removed || v != 2 {
		t.Fatal("remove", v, removed)
	}
	if _, removed, _ := d.Remove([]byte("help")); removed {
		t.Fatal("removed twice")
	}
	got := list(d.Range([]byte("hello"), []byte("x")))
	if fmt.Sprint(got) != "[hello=1 naïve=5 world=3]" {
		t.Fatal(got)
	}
	got = list(d.Range(nil, []byte("hello")))
	if fmt.Sprint(got) != "[hell=9]" {
		t.Fatal(got)
	}
	// A static trie refuses writes with a clear error.
	dat, err := Build(KindDoubleArray, words)
	must(t, err)
	defer dat.Close()
	if _, err := dat.Insert([]byte("x"), 1); !errors.Is(err, ErrUnsupported) {
		t.Fatal(err)
	}
	var e *Error
	if _, err := dat.Insert([]byte("x"), 1); !errors.As(err, &e) || e.Status != StatusUnsupported || e.Message == "" {
		t.Fatalf("%#v", err)
	}
}

func TestSaveOpenAndDamage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.dat")
	d, err := Build(KindDoubleArray, words)
	must(t, err)
	must(t, d.Save(path))
	d.Close()
	o, err := Open(path, true)
	must(t, err)
	v, ok, err := o.GetString("yellow")
	must(t, err)
	if !ok || v != 4 {
		t.Fatal(v, ok)
	}
	must(t, o.Verify())
	o.Close()

	data, err := os.ReadFile(path)
	must(t, err)
	data[len(data)-1] ^= 0xff
	bad := filepath.Join(dir, "bad.dat")
	must(t, os.WriteFile(bad, data, 0o644))
	if _, err := Open(bad, true); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged file: %v", err)
	}
	must(t, os.WriteFile(bad, []byte("not a dictionary, just text"), 0o644))
	if _, err := Open(bad, false); !errors.Is(err, ErrWrongFormat) {
		t.Fatalf("foreign file: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing"), false); !errors.Is(err, ErrIO) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Open("a\x00b", false); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("NUL in path: %v", err)
	}
	if _, err := Build(KindDoubleArray, []string{string(make([]byte, 70000))}); !errors.Is(err, ErrTermTooLong) {
		t.Fatalf("long term: %v", err)
	}
	if _, err := New(Kind(99)); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("bad kind: %v", err)
	}
	// Every error carries the library's message, not only its status.
	_, err = Build(KindDoubleArray, []string{string(make([]byte, 70000))})
	var e *Error
	if !errors.As(err, &e) || len(e.Message) < 10 {
		t.Fatalf("no detailed message: %#v", err)
	}
}

func TestSuffixAutomaton(t *testing.T) {
	d, err := New(KindSuffixAutomaton)
	must(t, err)
	defer d.Close()
	for _, text := range []string{"banana", "bandana"} {
		_, err := d.AppendText([]byte(text))
		must(t, err)
	}
	n, err := d.CountOccurrences([]byte("ana"))
	must(t, err)
	if n != 3 {
		t.Fatal(n)
	}
	occ, err := d.Occurrences([]byte("ana"), 0)
	must(t, err)
	sort.Slice(occ, func(i, j int) bool {
		return occ[i].Text < occ[j].Text || occ[i].Text == occ[j].Text && occ[i].Offset < occ[j].Offset
	})
	if fmt.Sprint(occ) != "[{0 1} {0 3} {1 4}]" {
		t.Fatal(occ)
	}
	if occ, _ := d.Occurrences([]byte("a"), 2); len(occ) != 2 {
		t.Fatal(occ)
	}
}

func TestStore(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, nil)
	must(t, err)
	must(t, s.Put([]byte("apple"), []byte("red")))
	big := bytes.Repeat([]byte("x"), 1000) // larger than Get's first buffer
	must(t, s.Put([]byte("big"), big))
	v, ok, err := s.Get([]byte("big"))
	must(t, err)
	if !ok || !bytes.Equal(v, big) {
		t.Fatal("big value")
	}
	if _, ok, _ := s.Get([]byte("none")); ok {
		t.Fatal("found none")
	}
	n, err := s.Increment([]byte("count"), 5)
	must(t, err)
	if n != 5 {
		t.Fatal(n)
	}
	var b Batch
	b.Put([]byte("b1"), []byte("one"))
	b.Put([]byte("b2"), []byte("two"))
	b.Remove([]byte("apple"))
	must(t, s.WriteBatch(&b))
	if has, _ := s.Contains([]byte("apple")); has {
		t.Fatal("batch remove")
	}
	if l, _ := s.Len(); l != 4 {
		t.Fatal(l)
	}
	c, err := s.ScanPrefix([]byte("b"))
	must(t, err)
	var keys []string
	for c.Next() {
		keys = append(keys, string(c.Key())+"="+string(c.Value()[:2]))
	}
	must(t, c.Err())
	if fmt.Sprint(keys) != "[b1=on b2=tw big=xx]" {
		t.Fatal(keys)
	}
	c.Close()
	c.Close()

	// The dictionary view: the counter is a uint64; other values are reported as not u64.
	d, err := s.Dict()
	must(t, err)
	cv, ok, err := d.GetString("count")
	must(t, err)
	if !ok || cv != 5 {
		t.Fatal(cv)
	}
	if _, _, err := d.GetString("b1"); !errors.Is(err, ErrValueNotU64) {
		t.Fatal(err)
	}
	m, err := d.FuzzySearch([]byte("b3"), FuzzyOptions{MaxDistance: 1})
	must(t, err)
	if len(m) != 2 || m[0].ValueErr == nil || string(m[1].Term) != "b2" {
		t.Fatalf("%+v", m)
	}
	dc, err := d.Prefix([]byte("co"))
	must(t, err)
	if !dc.Next() || dc.Value() != 5 || dc.ValueErr() != nil {
		t.Fatal("store dict cursor")
	}
	dc.Close()
	d.Close()

	must(t, s.Sync())
	must(t, s.Checkpoint(false))
	must(t, s.Checkpoint(true))
	st, err := s.Stats()
	must(t, err)
	if st.Keys != 4 || st.Puts < 2 || st.Checkpoints < 1 || st.Increments != 1 {
		t.Fatalf("%+v", st)
	}
	// A second handle on the same directory is refused while the first is open.
	if _, err := OpenStore(dir, nil); !errors.Is(err, ErrLocked) {
		t.Fatal(err)
	}
	must(t, s.SetDurability(DurabilityNone, 0))
	must(t, s.Put([]byte("late"), []byte("v")))
	must(t, s.Close())
	must(t, s.Close())
	if err := s.Put([]byte("x"), nil); err != ErrClosed {
		t.Fatal(err)
	}
	// Everything is there after reopening.
	s2, err := OpenStore(dir, nil)
	must(t, err)
	defer s2.Close()
	if v, ok, _ := s2.Get([]byte("late")); !ok || string(v) != "v" {
		t.Fatal("lost a write")
	}
	opts := DefaultStoreOptions()
	opts.Create = false
	if _, err := OpenStore(filepath.Join(dir, "missing"), &opts); err == nil {
		t.Fatal("opened a missing store without Create")
	}
	opts = DefaultStoreOptions()
	opts.MaxKeyLen = 0
	if _, err := OpenStore(t.TempDir(), &opts); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
	opts = DefaultStoreOptions()
	if opts.CommitSpin != 300*time.Microsecond {
		t.Fatalf("default commit spin %v", opts.CommitSpin)
	}
	opts.CommitSpin = 11 * time.Millisecond
	if _, err := OpenStore(t.TempDir(), &opts); !errors.Is(err, ErrInvalidArgument) {
		t.Fatal(err)
	}
	if err := s2.Put(make([]byte, 5000), nil); !errors.Is(err, ErrTermTooLong) {
		t.Fatalf("long key: %v", err)
	}
}

// Many goroutines share one dictionary and one store; Close waits for calls in progress.
func TestManyGoroutines(t *testing.T) {
	d, err := New(KindART)
	must(t, err)
	s, err := OpenStore(t.TempDir(), nil)
	must(t, err)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				key := []byte(fmt.Sprintf("g%02d-%04d", g, i))
				if _, err := d.Insert(key, uint64(i)); err != nil {
					t.Error(err)
					return
				}
				if v, ok, err := d.Get(key); err != nil || !ok || v != uint64(i) {
					t.Error("read back", v, ok, err)
					return
				}
				if i%20 == 0 {
					if err := s.Put(key, key); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	info, _ := d.Info()
	if info.Len != 16*200 {
		t.Fatal(info.Len)
	}
	if n, _ := s.Len(); n != 16*10 {
		t.Fatal(n)
	}
	// Close while other goroutines keep calling: they see ErrClosed, never a crash.
	var stop sync.WaitGroup
	for g := 0; g < 8; g++ {
		stop.Add(1)
		go func() {
			defer stop.Done()
			for {
				_, _, err := d.Get([]byte("g00-0001"))
				_, _, serr := s.Get([]byte("g00-0000"))
				if err == ErrClosed && serr == ErrClosed {
					return
				}
				if err != nil && err != ErrClosed || serr != nil && serr != ErrClosed {
					t.Error(err, serr)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	must(t, d.Close())
	must(t, s.Close())
	stop.Wait()
}

// Handles dropped without Close are freed by their finalizers.
func TestFinalizerBackstop(t *testing.T) {
	before := finalized.Load()
	for i := 0; i < 20; i++ {
		if _, err := Build(KindDoubleArray, words); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for finalized.Load()-before < 20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := finalized.Load() - before; got < 20 {
		t.Fatalf("%d of 20 dropped dictionaries finalized", got)
	}
}

func TestEditDistance(t *testing.T) {
	d, err := EditDistance(Transposition, false, []byte("ab"), []byte("ba"))
	must(t, err)
	if d != 1 {
		t.Fatal(d)
	}
	d, _ = EditDistance(Levenshtein, false, []byte("ab"), []byte("ba"))
	if d != 2 {
		t.Fatal(d)
	}
}

// BenchmarkDictGet measures one lookup through cgo (go test -bench DictGet).
func BenchmarkDictGet(b *testing.B) {
	terms := make([]string, 100000)
	for i := range terms {
		terms[i] = fmt.Sprintf("term%06d", i)
	}
	d, err := Build(KindDoubleArray, terms)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	keys := make([][]byte, len(terms))
	for i, t := range terms {
		keys[i] = []byte(t)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, _ := d.Get(keys[(i*7919)%len(keys)]); !ok {
			b.Fatal("missing")
		}
	}
}
