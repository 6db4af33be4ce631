/* A durable store read through the common dictionary handle: lookups, longest prefix,
 * prefix/range cursors and fuzzy cursors over image + memtable, one snapshot per cursor,
 * values that are not u64s, the operations a handle refuses, verify and a damaged image. */
#define _XOPEN_SOURCE 700
#include <stdint.h>

#include "check.h"

#define S(x) (const uint8_t *)(x), strlen(x)

static dictenstein_store *open_store(const char *dir) {
  dictenstein_store *s = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_open(dir, NULL, &s, NULL));
  return s;
}

static void put_u64(dictenstein_store *s, const char *k, uint64_t v) {
  uint8_t le[8];
  for (int i = 0; i < 8; i++) le[i] = (uint8_t)(v >> (8 * i));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_put(s, S(k), le, 8, NULL));
}

static int term_is(const uint8_t *t, size_t n, const char *want) {
  return t && n == strlen(want) && memcmp(t, want, n) == 0;
}

/* Reads a cursor to the end into "term=value;" (or "term=!;" for VALUE_NOT_U64). */
static void drain(dictenstein_cursor *c, char *out, size_t cap) {
  out[0] = '\0';
  for (;;) {
    const uint8_t *t = NULL;
    size_t n = 0;
    uint64_t v = 0;
    dictenstein_error *err = NULL;
    dictenstein_status st = dictenstein_cursor_next(c, &t, &n, &v, &err);
    if (st == DICTENSTEIN_END) break;
    char item[96];
    if (st == DICTENSTEIN_VALUE_NOT_U64) {
      check_error_object(DICTENSTEIN_VALUE_NOT_U64, err, "5 bytes");
      snprintf(item, sizeof item, "%.*s=!;", (int)n, (const char *)t);
    } else {
      CHECK(st == DICTENSTEIN_OK);
      if (st != DICTENSTEIN_OK) break;
      snprintf(item, sizeof item, "%.*s=%llu;", (int)n, (const char *)t, (unsigned long long)v);
    }
    strncat(out, item, cap - strlen(out) - 1);
  }
  const uint8_t *t = NULL;
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, &t, NULL, NULL, NULL));
  dictenstein_cursor_free(c);
}

static void lookups_and_cursors(const char *dir) {
  dictenstein_store *s = open_store(dir);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("apple"), 3, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("apply"), 5, NULL, NULL));
  put_u64(s, "banana", 42);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_put(s, S("note"), S("hello"), NULL));
  /* The image holds these; the memtable gets the next writes. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_checkpoint(s, 0, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("apples"), 7, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("apply"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_remove(s, S("banana"), NULL));

  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_dict(NULL, &d, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_dict(s, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_dict(s, &d, NULL));

  uint32_t kind = 0;
  uint64_t count = 0, size = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, &kind, &count, &size, NULL));
  CHECK(kind == DICTENSTEIN_KIND_STORE && count == 4 && size > 0);

  uint64_t v = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, S("apple"), &v, NULL));
  CHECK(v == 3);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, S("apply"), &v, NULL));
  CHECK(v == 6);
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(d, S("banana"), &v, NULL));
  dictenstein_error *err = NULL;
  CHECK_STATUS(DICTENSTEIN_VALUE_NOT_U64, dictenstein_dict_get(d, S("note"), &v, &err));
  check_error_object(DICTENSTEIN_VALUE_NOT_U64, err, "5 bytes");
  bool found = false;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_contains(d, S("note"), &found, NULL));
  CHECK(found);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_contains(d, S("banana"), &found, NULL));
  CHECK(!found);

  size_t plen = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_longest_prefix(d, S("applesauce"), &plen, &v, NULL));
  CHECK(plen == 6 && v == 7);
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_longest_prefix(d, S("bananas"), &plen, &v, NULL));
  CHECK_STATUS(DICTENSTEIN_VALUE_NOT_U64, dictenstein_dict_longest_prefix(d, S("notebook"), &plen, &v, NULL));

  /* Cursors read one snapshot: the write after opening is not seen. */
  dictenstein_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, S("app"), &c, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("appz"), 1, NULL, NULL));
  char got[512];
  drain(c, got, sizeof got);
  CHECK(strcmp(got, "apple=3;apples=7;apply=6;") == 0);
  if (strcmp(got, "apple=3;apples=7;apply=6;") != 0) fprintf(stderr, "prefix: %s\n", got);

  CHECK_STATUS(DICTENSTEIN_OK,
               dictenstein_dict_range_cursor(d, S("apple"), S("apply"), 0, &c, NULL));
  drain(c, got, sizeof got);
  CHECK(strcmp(got, "apple=3;apples=7;") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, NULL, 0, NULL, 0,
                                                             DICTENSTEIN_RANGE_NO_LO | DICTENSTEIN_RANGE_NO_HI,
                                                             &c, NULL));
  drain(c, got, sizeof got);
  CHECK(strcmp(got, "apple=3;apples=7;apply=6;appz=1;note=!;") == 0);
  if (strcmp(got, "apple=3;apples=7;apply=6;appz=1;note=!;") != 0) fprintf(stderr, "all: %s\n", got);

  /* What a dictionary handle does not do to a store. */
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_insert(d, S("x"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_upsert(d, S("x"), 1, NULL, NULL, NULL));
  err = NULL;
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_remove(d, S("apple"), NULL, &err));
  check_error_object(DICTENSTEIN_UNSUPPORTED, err, "dictenstein_store_put");
  char path[512];
  snprintf(path, sizeof path, "%s/copy.dict", dir);
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_save(d, path, NULL));
  dictenstein_dict *none = NULL;
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_new(DICTENSTEIN_KIND_STORE, &none, NULL));
  dictenstein_builder *b = NULL;
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_builder_new(DICTENSTEIN_KIND_STORE, &b, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_verify(d, NULL));

  /* The handle outlives the store handle and reads what the close left. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, S("appz"), &v, NULL));
  CHECK(v == 1);
  dictenstein_dict_free(d);
}

static void fuzzy(const char *dir) {
  dictenstein_store *s = open_store(dir);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("apple"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("ample"), 2, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("maple"), 3, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_put(s, S("apples"), S("12345"), NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_checkpoint(s, 0, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("apply"), 4, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_remove(s, S("ample"), NULL));
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_dict(s, &d, NULL));

  dictenstein_fuzzy_options o;
  dictenstein_fuzzy_options_default(&o);
  o.max_distance = 2;
  o.flags = DICTENSTEIN_FUZZY_ORDERED;
  dictenstein_fuzzy_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, S("appel"), &o, &c, NULL));
  /* Written after the cursor opened: not seen by it. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, S("appel"), 9, NULL, NULL));
  /* All at distance 2, so in byte order; "apples" holds 5 bytes, not a u64. */
  const char *want[] = {"apple", "apples", "apply"};
  uint32_t want_d[] = {2, 2, 2};
  uint64_t want_v[] = {1, 0, 4};
  for (int i = 0; i < 3; i++) {
    const uint8_t *t = NULL;
    size_t n = 0;
    uint32_t dist = 99;
    uint64_t v = 0;
    dictenstein_error *err = NULL;
    dictenstein_status st = dictenstein_fuzzy_cursor_next(c, &t, &n, &dist, &v, &err);
    CHECK(term_is(t, n, want[i]) && dist == want_d[i]);
    if (i != 1) {
      CHECK(st == DICTENSTEIN_OK && v == want_v[i]);
    } else {
      CHECK(st == DICTENSTEIN_VALUE_NOT_U64);
      check_error_object(DICTENSTEIN_VALUE_NOT_U64, err, "5 bytes");
    }
  }
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_fuzzy_cursor_next(c, NULL, NULL, NULL, NULL, NULL));
  dictenstein_fuzzy_cursor_free(c);

  /* Batches stop before a value that is not a u64; the next call reports it alone. */
  o.flags = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, S("apple"), &o, &c, NULL));
  dictenstein_fuzzy_match m[8];
  size_t n = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_fuzzy_cursor_next_batch(c, m, 8, &n, NULL));
  CHECK(n == 2 && term_is(m[0].term, m[0].term_len, "appel") && m[0].value == 9 &&
        m[0].distance == 2 && term_is(m[1].term, m[1].term_len, "apple") && m[1].value == 1 &&
        m[1].distance == 0);
  dictenstein_error *err = NULL;
  CHECK_STATUS(DICTENSTEIN_VALUE_NOT_U64, dictenstein_fuzzy_cursor_next_batch(c, m, 8, &n, &err));
  check_error_object(DICTENSTEIN_VALUE_NOT_U64, err, NULL);
  CHECK(n == 1 && term_is(m[0].term, m[0].term_len, "apples") && m[0].distance == 1);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_fuzzy_cursor_next_batch(c, m, 8, &n, NULL));
  CHECK(n == 2 && term_is(m[0].term, m[0].term_len, "apply") && m[0].value == 4 &&
        term_is(m[1].term, m[1].term_len, "maple") && m[1].value == 3);
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_fuzzy_cursor_next_batch(c, m, 8, &n, NULL));
  CHECK(n == 0);
  dictenstein_fuzzy_cursor_free(c);
  dictenstein_dict_free(d);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
}

/* A flipped byte inside an image node: verify reports it, and so does a fuzzy cursor that
 * walks every node; neither crashes. */
static void damaged(const char *dir) {
  dictenstein_store *s = open_store(dir);
  for (int i = 0; i < 200; i++) {
    char k[16];
    snprintf(k, sizeof k, "k%03d", i);
    put_u64(s, k, (uint64_t)i);
  }
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_checkpoint(s, 0, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
  char path[512];
  snprintf(path, sizeof path, "%s/dictenstein.image", dir);
  size_t len = 0;
  unsigned char *img = check_read_file(path, &len);
  CHECK(img != NULL && len > 8192 + 64);
  if (!img) return;
  img[8192 + 20] ^= 0x10; /* inside the first node written: a leaf */
  check_write_file(path, img, len);
  free(img);
  s = open_store(dir);
  if (!s) return;
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_dict(s, &d, NULL));
  dictenstein_error *err = NULL;
  CHECK_STATUS(DICTENSTEIN_CORRUPT, dictenstein_dict_verify(d, &err));
  check_error_object(DICTENSTEIN_CORRUPT, err, "dictenstein.image");
  dictenstein_fuzzy_options o;
  dictenstein_fuzzy_options_default(&o);
  o.max_distance = 4;
  dictenstein_fuzzy_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_fuzzy_cursor(d, S("k"), &o, &c, NULL));
  dictenstein_fuzzy_match m[64];
  size_t n = 0, total = 0;
  dictenstein_status st;
  while ((st = dictenstein_fuzzy_cursor_next_batch(c, m, 64, &n, NULL)) == DICTENSTEIN_OK) total += n;
  CHECK(st == DICTENSTEIN_CORRUPT && total < 200);
  dictenstein_fuzzy_cursor_free(c);
  dictenstein_dict_free(d);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
}

int main(void) {
  char d1[256], d2[256], d3[256];
  if (check_temp_dir(d1, sizeof d1, "sdict") || check_temp_dir(d2, sizeof d2, "sdict") ||
      check_temp_dir(d3, sizeof d3, "sdict")) {
    fprintf(stderr, "cannot create temporary directories\n");
    return 1;
  }
  lookups_and_cursors(d1);
  fuzzy(d2);
  damaged(d3);
  return check_finish("test_store_dict");
}
