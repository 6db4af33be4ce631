/* The mutable kinds (adaptive radix trie, DAWG) through the one handle API: create, insert,
 * upsert, remove, lookups, prefix and range cursors, DAWG save/open and snapshot cursors, and
 * bad input on every new function. */
#define _XOPEN_SOURCE 700
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"

#define T(s) (const uint8_t *)(s), strlen(s)

/* Reads a cursor to the end into "a,b,c," form. */
static void drain(dictenstein_cursor *c, char *out, size_t cap) {
  out[0] = '\0';
  const uint8_t *t;
  size_t n;
  uint64_t v;
  dictenstein_status st;
  while ((st = dictenstein_cursor_next(c, &t, &n, &v, NULL)) == DICTENSTEIN_OK) {
    size_t len = strlen(out);
    if (len + n + 2 < cap) {
      memcpy(out + len, t, n);
      out[len + n] = ',';
      out[len + n + 1] = '\0';
    }
  }
  CHECK(st == DICTENSTEIN_END);
  dictenstein_cursor_free(c);
}

static void basic_operations(uint32_t kind) {
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(kind, &d, NULL));
  bool flag = false;
  uint64_t v = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("banana"), 2, &flag, NULL));
  CHECK(flag);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("banana"), 9, &flag, NULL));
  CHECK(!flag);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, T("banana"), &v, NULL));
  CHECK(v == 2);
  const char *words[] = {"apple", "applesauce", "band", "bandana", "", "cherry"};
  for (size_t i = 0; i < 6; i++) CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T(words[i]), i, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_upsert(d, T("band"), 77, &v, &flag, NULL));
  CHECK(flag && v == 2);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_upsert(d, T("date"), 5, NULL, &flag, NULL));
  CHECK(!flag);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_remove(d, T("apple"), &v, NULL));
  CHECK(v == 0);
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_remove(d, T("apple"), &v, NULL));
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(d, T("apple"), &v, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, T(""), &v, NULL));
  CHECK(v == 4);
  size_t plen = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_longest_prefix(d, T("bandanas!"), &plen, &v, NULL));
  CHECK(plen == 7 && v == 3);
  uint32_t k = 0;
  uint64_t terms = 0, size = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, &k, &terms, &size, NULL));
  CHECK(k == kind && terms == 7 && size > 0);

  char buf[256];
  dictenstein_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, T("ban"), &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "banana,band,bandana,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, NULL, 0, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, ",applesauce,banana,band,bandana,cherry,date,") == 0);

  /* Range cursors: bounds of each kind, a bound that is not a term, a reversed range. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, T("band"), T("cherry"), 0, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "band,bandana,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, T("band"), T("cherry"),
                                                             DICTENSTEIN_RANGE_LO_EXCLUSIVE | DICTENSTEIN_RANGE_HI_INCLUSIVE, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "bandana,cherry,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, NULL, 0, T("b"), DICTENSTEIN_RANGE_NO_LO, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, ",applesauce,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, T("c"), NULL, 0, DICTENSTEIN_RANGE_NO_HI, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "cherry,date,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, T("bana"), T("bandz"), 0, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "banana,band,bandana,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, T("date"), T("apple"), 0, &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "") == 0);
  dictenstein_dict_free(d);
}

/* A DAWG saved, reopened (mapped), edited after opening, and a cursor that keeps reading
 * the version it started on while writes go on. */
static void dawg_files_and_snapshots(const char *dir) {
  char path[256];
  snprintf(path, sizeof path, "%s/words.dawg", dir);
  dictenstein_builder *b = NULL;
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DAWG, &b, NULL));
  const char *words[] = {"tap", "taps", "top", "tops", "stop", "stops", "tap"};
  for (size_t i = 0; i < 7; i++) CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, T(words[i]), i * 10, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &d, NULL));
  dictenstein_builder_free(b);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_save(d, path, NULL));
  dictenstein_dict_free(d);

  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(path, DICTENSTEIN_OPEN_VERIFY, &d, NULL));
  uint32_t kind = 0;
  uint64_t terms = 0, v = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, &kind, &terms, NULL, NULL));
  CHECK(kind == DICTENSTEIN_KIND_DAWG && terms == 6);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, T("tap"), &v, NULL));
  CHECK(v == 60); /* the last duplicate wins */

  dictenstein_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, T("t"), &c, NULL));
  const uint8_t *t;
  size_t n;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_cursor_next(c, &t, &n, &v, NULL));
  CHECK(n == 3 && memcmp(t, "tap", 3) == 0);
  /* Writes while the cursor is open: it keeps its version. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, T("tapas"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_remove(d, T("tops"), NULL, NULL));
  char buf[128] = "tap,";
  drain(c, buf + 4, sizeof buf - 4);
  CHECK(strcmp(buf, "tap,taps,top,tops,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, T("t"), &c, NULL));
  drain(c, buf, sizeof buf);
  CHECK(strcmp(buf, "tap,tapas,taps,top,") == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_verify(d, NULL));
  dictenstein_dict_free(d);

  /* The file itself was not changed by the writes. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(path, 0, &d, NULL));
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(d, T("tapas"), &v, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, T("tops"), &v, NULL));
  dictenstein_dict_free(d);
  unlink(path);
}

static void bad_input(const char *dir) {
  dictenstein_error *err = NULL;
  dictenstein_dict *d = NULL;
  dictenstein_status st;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_new(DICTENSTEIN_KIND_ART, NULL, NULL));
  st = dictenstein_dict_new(42, &d, &err);
  CHECK(st == DICTENSTEIN_INVALID_ARGUMENT && d == NULL);
  check_error_object(st, err, "kind");
  st = dictenstein_dict_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &d, &err);
  CHECK(st == DICTENSTEIN_UNSUPPORTED && d == NULL);
  check_error_object(st, err, "builder");

  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_insert(NULL, T("a"), 1, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_upsert(NULL, T("a"), 1, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_remove(NULL, T("a"), NULL, NULL));

  uint32_t kinds[] = {DICTENSTEIN_KIND_ART, DICTENSTEIN_KIND_DAWG};
  size_t big = DICTENSTEIN_MAX_TERM_LEN + 1;
  uint8_t *long_term = calloc(big, 1);
  for (size_t i = 0; i < 2; i++) {
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(kinds[i], &d, NULL));
    CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_insert(d, NULL, 3, 1, NULL, NULL));
    CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_upsert(d, NULL, 3, 1, NULL, NULL, NULL));
    CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_remove(d, NULL, 3, NULL, NULL));
    st = dictenstein_dict_insert(d, long_term, big, 1, NULL, &err);
    CHECK(st == DICTENSTEIN_TERM_TOO_LONG);
    check_error_object(st, err, NULL);
    CHECK_STATUS(DICTENSTEIN_TERM_TOO_LONG, dictenstein_dict_upsert(d, long_term, big, 1, NULL, NULL, NULL));
    CHECK_STATUS(DICTENSTEIN_TERM_TOO_LONG, dictenstein_dict_remove(d, long_term, big, NULL, NULL));
    /* The longest allowed term works, including the byte 0x00 everywhere. */
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_insert(d, long_term, big - 1, 9, NULL, NULL));
    uint64_t v = 0;
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, long_term, big - 1, &v, NULL));
    CHECK(v == 9);
    uint64_t terms = 0;
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, NULL, &terms, NULL, NULL));
    CHECK(terms == 1);
    dictenstein_cursor *c = NULL;
    CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_range_cursor(d, NULL, 0, NULL, 0, 16, &c, NULL));
    CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_range_cursor(d, NULL, 0, NULL, 0, 0, NULL, NULL));
    if (kinds[i] == DICTENSTEIN_KIND_ART) {
      CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_range_cursor(d, NULL, 2, NULL, 0, 0, &c, NULL));
      char path[256];
      snprintf(path, sizeof path, "%s/art.bin", dir);
      st = dictenstein_dict_save(d, path, &err);
      CHECK(st == DICTENSTEIN_UNSUPPORTED);
      check_error_object(st, err, "adaptive radix trie");
      CHECK(access(path, F_OK) != 0);
    }
    dictenstein_dict_free(d);
  }
  free(long_term);
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_range_cursor(NULL, NULL, 0, NULL, 0, 0, NULL, NULL));

  /* Writes to the static kind are refused and change nothing. */
  dictenstein_builder *b = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, T("x"), 1, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &d, NULL));
  dictenstein_builder_free(b);
  st = dictenstein_dict_insert(d, T("y"), 2, NULL, &err);
  CHECK(st == DICTENSTEIN_UNSUPPORTED);
  check_error_object(st, err, "static");
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_upsert(d, T("x"), 2, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_UNSUPPORTED, dictenstein_dict_remove(d, T("x"), NULL, NULL));
  uint64_t v = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, T("x"), &v, NULL));
  CHECK(v == 1);
  dictenstein_dict_free(d);
}

/* Several threads write and read one adaptive radix trie through the C API. */
#define THREADS 4
#define PER_THREAD 2000
struct job {
  dictenstein_dict *d;
  int id;
  int failures;
};

static void *art_worker(void *arg) {
  struct job *j = arg;
  char key[32];
  for (int i = 0; i < PER_THREAD; i++) {
    int n = snprintf(key, sizeof key, "t%d-%05d", j->id, i);
    if (dictenstein_dict_upsert(j->d, (const uint8_t *)key, (size_t)n, (uint64_t)i, NULL, NULL, NULL) != DICTENSTEIN_OK) j->failures++;
    uint64_t v = 0;
    if (dictenstein_dict_get(j->d, (const uint8_t *)key, (size_t)n, &v, NULL) != DICTENSTEIN_OK || v != (uint64_t)i) j->failures++;
    if (i % 2 && dictenstein_dict_remove(j->d, (const uint8_t *)key, (size_t)n, NULL, NULL) != DICTENSTEIN_OK) j->failures++;
  }
  return NULL;
}

static void art_threads(void) {
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_new(DICTENSTEIN_KIND_ART, &d, NULL));
  pthread_t th[THREADS];
  struct job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (struct job){d, i, 0};
    pthread_create(&th[i], NULL, art_worker, &jobs[i]);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    CHECK(jobs[i].failures == 0);
  }
  uint64_t terms = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, NULL, &terms, NULL, NULL));
  CHECK(terms == THREADS * PER_THREAD / 2);
  dictenstein_dict_free(d);
}

int main(void) {
  char dir[64];
  CHECK(check_temp_dir(dir, sizeof dir, "mutable") == 0);
  basic_operations(DICTENSTEIN_KIND_ART);
  basic_operations(DICTENSTEIN_KIND_DAWG);
  dawg_files_and_snapshots(dir);
  bad_input(dir);
  art_threads();
  rmdir(dir);
  return check_finish("test_mutable");
}
