/* Fuzzy search through the C API: options and their defaults, cursors one result at a time
 * and in batches on every kind that supports them, the ordered and prefix modes, a limit,
 * code points, snapshots across writes, the exported edit distances, and bad input on every
 * function. */
#define _XOPEN_SOURCE 700
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"

#define T(s) (const uint8_t *)(s), strlen(s)

static const char *WORDS[] = {"help", "hello", "helps", "yelp", "held", "kelp", "he", "whelp", "café", "cafe"};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

static dictenstein_dict *build(uint32_t kind) {
  dictenstein_builder *b = NULL;
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(kind, &b, NULL));
  for (size_t i = 0; i < NWORDS; i++)
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, T(WORDS[i]), 100 + i, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &d, NULL));
  dictenstein_builder_free(b);
  return d;
}

/* Runs a search and writes "term:distance:value," for each result into out. */
static void results(const dictenstein_dict *d, const char *q, const dictenstein_fuzzy_options *o, char *out, size_t cap) {
  dictenstein_fuzzy_cursor *c = NULL;
  out[0] = '\0';
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, T(q), o, &c, NULL));
  if (!c) return;
  const uint8_t *term;
  size_t len;
  uint32_t dist;
  uint64_t value;
  while (dictenstein_fuzzy_cursor_next(c, &term, &len, &dist, &value, NULL) == DICTENSTEIN_OK) {
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%.*s:%u:%llu,", (int)len, (const char *)term, dist, (unsigned long long)value);
  }
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_fuzzy_cursor_next(c, &term, &len, &dist, &value, NULL));
  dictenstein_fuzzy_cursor_free(c);
}

/* The same search through next_batch with a small capacity, formatted the same way. */
static void results_batched(const dictenstein_dict *d, const char *q, const dictenstein_fuzzy_options *o, char *out, size_t cap) {
  dictenstein_fuzzy_cursor *c = NULL;
  out[0] = '\0';
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, T(q), o, &c, NULL));
  if (!c) return;
  dictenstein_fuzzy_match batch[3];
  size_t n = 99;
  while (dictenstein_fuzzy_cursor_next_batch(c, batch, 3, &n, NULL) == DICTENSTEIN_OK) {
    CHECK(n >= 1 && n <= 3);
    for (size_t i = 0; i < n; i++) {
      size_t used = strlen(out);
      snprintf(out + used, cap - used, "%.*s:%u:%llu,", (int)batch[i].term_len, (const char *)batch[i].term,
               batch[i].distance, (unsigned long long)batch[i].value);
    }
  }
  CHECK(n == 0);
  dictenstein_fuzzy_cursor_free(c);
}

static void test_modes(uint32_t kind) {
  dictenstein_dict *d = build(kind);
  dictenstein_fuzzy_options o;
  memset(&o, 0xAB, sizeof o);
  dictenstein_fuzzy_options_default(&o);
  CHECK(o.size == sizeof o && o.max_distance == 1 && o.flags == 0 && o.limit == 0);
  char got[1024], again[1024];

  /* All matches within 1 of "help", in byte order of terms. */
  results(d, "help", &o, got, sizeof got);
  CHECK(strcmp(got, "held:1:104,help:0:100,helps:1:102,kelp:1:105,whelp:1:107,yelp:1:103,") == 0);
  results_batched(d, "help", &o, again, sizeof again);
  CHECK(strcmp(got, again) == 0);

  /* Ordered with a limit: the best three by (distance, term). */
  o.flags = DICTENSTEIN_FUZZY_ORDERED;
  o.limit = 3;
  results(d, "help", &o, got, sizeof got);
  CHECK(strcmp(got, "help:0:100,held:1:104,helps:1:102,") == 0);

  /* Prefix mode: "hel" is a prefix of hello, help, helps, held; "he" is one deletion away. */
  o.flags = DICTENSTEIN_FUZZY_ORDERED | DICTENSTEIN_FUZZY_PREFIX;
  o.limit = 0;
  o.max_distance = 1;
  results(d, "hel", &o, got, sizeof got);
  CHECK(strncmp(got, "held:0:104,hello:0:101,help:0:100,helps:0:102,he:1:106,", 55) == 0);

  /* Transposition: "hlep" is one swap from "help". */
  dictenstein_fuzzy_options_default(&o);
  results(d, "hlep", &o, got, sizeof got);
  CHECK(strstr(got, "help:") == NULL);
  o.metric = DICTENSTEIN_METRIC_TRANSPOSITION;
  results(d, "hlep", &o, got, sizeof got);
  CHECK(strstr(got, "help:1:100,") != NULL);

  /* Code points: é is one unit, two bytes. */
  dictenstein_fuzzy_options_default(&o);
  o.units = DICTENSTEIN_UNITS_CODE_POINTS;
  o.flags = DICTENSTEIN_FUZZY_ORDERED;
  results(d, "cafe", &o, got, sizeof got);
  CHECK(strcmp(got, "cafe:0:109,café:1:108,") == 0);
  o.units = DICTENSTEIN_UNITS_BYTES;
  results(d, "cafe", &o, got, sizeof got);
  CHECK(strcmp(got, "cafe:0:109,") == 0);

  /* Distance 0 is an exact lookup; a query with no neighbours ends at once. */
  dictenstein_fuzzy_options_default(&o);
  o.max_distance = 0;
  results(d, "kelp", &o, got, sizeof got);
  CHECK(strcmp(got, "kelp:0:105,") == 0);
  o.max_distance = 2;
  results(d, "zzzzzzzz", &o, got, sizeof got);
  CHECK(got[0] == '\0');
  dictenstein_dict_free(d);
}

/* A DAWG or ART cursor reads the version it was opened on; a suffix automaton is searched by
 * substrings. */
static void test_snapshots_and_kinds(void) {
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(DICTENSTEIN_KIND_DAWG, &d, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("cat"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("cart"), 2, NULL, NULL));
  dictenstein_fuzzy_options o;
  dictenstein_fuzzy_options_default(&o);
  dictenstein_fuzzy_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, T("car"), &o, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("car"), 3, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_remove(d, T("cat"), NULL, NULL));
  dictenstein_dict_free(d); /* the cursor keeps its version alive */
  const uint8_t *term;
  size_t len;
  uint32_t dist;
  uint64_t value;
  char got[256] = "";
  while (dictenstein_fuzzy_cursor_next(c, &term, &len, NULL, &value, NULL) == DICTENSTEIN_OK) {
    size_t used = strlen(got);
    snprintf(got + used, sizeof got - used, "%.*s=%llu,", (int)len, (const char *)term, (unsigned long long)value);
  }
  CHECK(strcmp(got, "cart=2,cat=1,") == 0);
  dictenstein_fuzzy_cursor_free(c);

  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(DICTENSTEIN_KIND_SUFFIX_AUTOMATON, &d, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_append_text(d, T("the quick brown fox"), NULL, NULL));
  c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, T("quack"), &o, &c, NULL));
  bool found = false;
  while (dictenstein_fuzzy_cursor_next(c, &term, &len, &dist, &value, NULL) == DICTENSTEIN_OK)
    if (len == 5 && memcmp(term, "quick", 5) == 0) found = (dist == 1 && value == 1);
  CHECK(found);
  dictenstein_fuzzy_cursor_free(c);
  dictenstein_dict_free(d);

  /* An ART cursor collects its matches from the trie of the moment it opens: writes after
   * that, and freeing the handle, do not change what it returns. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(DICTENSTEIN_KIND_ART, &d, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("cat"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("cart"), 2, NULL, NULL));
  c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, T("car"), &o, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("car"), 3, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_remove(d, T("cat"), NULL, NULL));
  dictenstein_dict_free(d);
  got[0] = '\0';
  while (dictenstein_fuzzy_cursor_next(c, &term, &len, NULL, &value, NULL) == DICTENSTEIN_OK) {
    size_t used = strlen(got);
    snprintf(got + used, sizeof got - used, "%.*s=%llu,", (int)len, (const char *)term, (unsigned long long)value);
  }
  CHECK(strcmp(got, "cart=2,cat=1,") == 0);
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_fuzzy_cursor_next(c, &term, &len, NULL, &value, NULL));
  dictenstein_fuzzy_cursor_free(c);

  /* Bad options are refused on an ART as on the other kinds, before any search. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(DICTENSTEIN_KIND_ART, &d, NULL));
  dictenstein_error *err = NULL;
  o.max_distance = DICTENSTEIN_FUZZY_MAX_DISTANCE + 1;
  c = (dictenstein_fuzzy_cursor *)1;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &o, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "max_distance");
  CHECK(c == (dictenstein_fuzzy_cursor *)1);
  dictenstein_dict_free(d);
}

/* A saved and reopened (mapped) DAWG and double-array trie give the same results. */
static void test_files(void) {
  char dir[256], path[300];
  CHECK(check_temp_dir(dir, sizeof dir, "fuzzy") == 0);
  dictenstein_fuzzy_options o;
  dictenstein_fuzzy_options_default(&o);
  o.max_distance = 2;
  uint32_t kinds[] = {DICTENSTEIN_KIND_DOUBLE_ARRAY, DICTENSTEIN_KIND_DAWG};
  for (int i = 0; i < 2; i++) {
    dictenstein_dict *d = build(kinds[i]), *m = NULL;
    snprintf(path, sizeof path, "%s/d%d", dir, i);
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_save(d, path, NULL));
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(path, DICTENSTEIN_OPEN_VERIFY, &m, NULL));
    char a[1024], b[1024];
    results(d, "helo", &o, a, sizeof a);
    results(m, "helo", &o, b, sizeof b);
    CHECK(strcmp(a, b) == 0 && strlen(a) > 0);
    dictenstein_dict_free(d);
    dictenstein_dict_free(m);
    unlink(path);
  }
  rmdir(dir);
}

static void test_edit_distance(void) {
  uint64_t d = 99;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_edit_distance(DICTENSTEIN_METRIC_LEVENSHTEIN, DICTENSTEIN_UNITS_BYTES, T("kitten"), T("sitting"), &d, NULL));
  CHECK(d == 3);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_edit_distance(DICTENSTEIN_METRIC_TRANSPOSITION, DICTENSTEIN_UNITS_BYTES, T("ab"), T("ba"), &d, NULL));
  CHECK(d == 1);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_edit_distance(DICTENSTEIN_METRIC_MERGE_SPLIT, DICTENSTEIN_UNITS_BYTES, T("rn"), T("m"), &d, NULL));
  CHECK(d == 1);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_edit_distance(DICTENSTEIN_METRIC_LEVENSHTEIN, DICTENSTEIN_UNITS_CODE_POINTS, T("café"), T("cafe"), &d, NULL));
  CHECK(d == 1);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_edit_distance(DICTENSTEIN_METRIC_LEVENSHTEIN, DICTENSTEIN_UNITS_BYTES, NULL, 0, T("abc"), &d, NULL));
  CHECK(d == 3);
}

static void test_bad_input(void) {
  dictenstein_dict *d = build(DICTENSTEIN_KIND_DOUBLE_ARRAY);
  dictenstein_fuzzy_options o;
  dictenstein_fuzzy_options_default(&o);
  dictenstein_fuzzy_cursor *c = NULL;
  dictenstein_error *err = NULL;

  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(NULL, T("a"), &o, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "dict");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, NULL, 3, &o, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "query");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), NULL, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "options");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &o, NULL, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "cursor");

  dictenstein_fuzzy_options bad = o;
  bad.size = sizeof bad - 8;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &bad, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "size");
  bad = o;
  bad.max_distance = DICTENSTEIN_FUZZY_MAX_DISTANCE + 1;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &bad, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "max_distance");
  bad = o;
  bad.metric = 7;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &bad, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "metric");
  bad = o;
  bad.units = 9;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &bad, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "units");
  bad = o;
  bad.flags = 0x100;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, T("a"), &bad, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "flags");
  bad = o;
  bad.units = DICTENSTEIN_UNITS_CODE_POINTS;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_fuzzy_cursor(d, (const uint8_t *)"ab\xff", 3, &bad, &c, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "UTF-8");
  CHECK(c == NULL);

  size_t big = DICTENSTEIN_MAX_TERM_LEN + 1;
  uint8_t *longq = calloc(big, 1);
  CHECK_STATUS(DICTENSTEIN_TERM_TOO_LONG, dictenstein_dict_fuzzy_cursor(d, longq, big, &o, &c, &err));
  check_error_object(DICTENSTEIN_TERM_TOO_LONG, err, NULL);
  uint64_t dist;
  CHECK_STATUS(DICTENSTEIN_TERM_TOO_LONG, dictenstein_edit_distance(0, 0, longq, big, T("a"), &dist, NULL));
  free(longq);

  /* Cursor functions. */
  dictenstein_fuzzy_match m[2];
  size_t n;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_fuzzy_cursor_next(NULL, NULL, NULL, NULL, NULL, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "cursor");
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, T("help"), &o, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_fuzzy_cursor_next_batch(NULL, m, 2, &n, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_fuzzy_cursor_next_batch(c, NULL, 2, &n, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_fuzzy_cursor_next_batch(c, m, 0, &n, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_fuzzy_cursor_next_batch(c, m, 2, NULL, NULL));
  /* All outputs optional on next. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_fuzzy_cursor_next(c, NULL, NULL, NULL, NULL, NULL));
  dictenstein_fuzzy_cursor_free(c);
  dictenstein_fuzzy_cursor_free(NULL);
  dictenstein_fuzzy_options_default(NULL);

  /* Edit distance. */
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_edit_distance(5, 0, T("a"), T("b"), &dist, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "metric");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_edit_distance(0, 5, T("a"), T("b"), &dist, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "units");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_edit_distance(0, 0, NULL, 2, T("b"), &dist, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "`a`");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_edit_distance(0, 0, T("a"), T("b"), NULL, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "distance");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_edit_distance(0, DICTENSTEIN_UNITS_CODE_POINTS, T("a"), (const uint8_t *)"\xc3", 1, &dist, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "UTF-8");
  dictenstein_dict_free(d);
}

int main(void) {
  test_modes(DICTENSTEIN_KIND_DOUBLE_ARRAY);
  test_modes(DICTENSTEIN_KIND_DAWG);
  test_modes(DICTENSTEIN_KIND_ART);
  test_snapshots_and_kinds();
  test_files();
  test_edit_distance();
  test_bad_input();
  return check_finish("test_fuzzy");
}
