/* The durable store through the C API: every function, bad input included, reopen,
 * snapshot cursors, sync handles, checkpoints, stats, and writers on several threads. */
#define _XOPEN_SOURCE 700
#include <pthread.h>
#include <stdint.h>

#include "check.h"

static dictenstein_store *open_store(const char *dir, uint32_t policy) {
  dictenstein_store_options o;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_options_default(&o));
  o.durability = policy;
  dictenstein_store *s = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_open(dir, &o, &s, NULL));
  return s;
}

static void put(dictenstein_store *s, const char *k, const char *v) {
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_put(s, (const uint8_t *)k, strlen(k),
                                                     (const uint8_t *)v, strlen(v), NULL));
}

/* Checks that key k holds v (NULL = absent). */
static void expect(dictenstein_store *s, const char *k, const char *v) {
  char buf[64];
  size_t len = 0;
  dictenstein_status st =
      dictenstein_store_get(s, (const uint8_t *)k, strlen(k), (uint8_t *)buf, sizeof buf, &len, NULL);
  if (!v) {
    CHECK(st == DICTENSTEIN_NOT_FOUND);
    return;
  }
  CHECK(st == DICTENSTEIN_OK);
  CHECK(len == strlen(v) && memcmp(buf, v, len) == 0);
}

static void basics(const char *dir) {
  dictenstein_store *s = open_store(dir, DICTENSTEIN_DURABILITY_IMMEDIATE);
  put(s, "apple", "1");
  put(s, "apricot", "2");
  put(s, "banana", "3");
  put(s, "", "empty key");
  expect(s, "apple", "1");
  expect(s, "", "empty key");
  expect(s, "cherry", NULL);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_contains(s, (const uint8_t *)"banana", 6, NULL));
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_store_contains(s, (const uint8_t *)"b", 1, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_remove(s, (const uint8_t *)"banana", 6, NULL));
  expect(s, "banana", NULL);

  /* A buffer too small reports the size and copies nothing; a NULL buffer asks for it. */
  char small[2] = {'x', 'x'};
  size_t len = 0;
  dictenstein_error *err = NULL;
  CHECK_STATUS(DICTENSTEIN_BUFFER_TOO_SMALL,
               dictenstein_store_get(s, (const uint8_t *)"", 0, (uint8_t *)small, 2, &len, &err));
  check_error_object(DICTENSTEIN_BUFFER_TOO_SMALL, err, "needed");
  CHECK(len == 9 && small[0] == 'x');
  CHECK_STATUS(DICTENSTEIN_BUFFER_TOO_SMALL,
               dictenstein_store_get(s, (const uint8_t *)"", 0, NULL, 0, &len, NULL));

  uint64_t n = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, (const uint8_t *)"n", 1, 40, &n, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, (const uint8_t *)"n", 1, 2, &n, NULL));
  CHECK(n == 42);
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT,
               dictenstein_store_increment(s, (const uint8_t *)"apple", 5, 1, &n, NULL));

  dictenstein_batch *b = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_batch_new(&b));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_batch_put(b, (const uint8_t *)"b1", 2, (const uint8_t *)"x", 1, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_batch_put(b, (const uint8_t *)"b2", 2, (const uint8_t *)"y", 1, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_batch_remove(b, (const uint8_t *)"apricot", 7, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_write_batch(s, b, NULL));
  /* The batch was emptied: writing it again changes nothing. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_write_batch(s, b, NULL));
  dictenstein_batch_free(b);
  expect(s, "b1", "x");
  expect(s, "apricot", NULL);

  uint64_t keys = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_len(s, &keys, NULL));
  CHECK(keys == 5); /* "", apple, n, b1, b2 */

  /* A cursor sees its snapshot while the store changes under it. */
  dictenstein_store_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_cursor_open(s, (const uint8_t *)"b", 1, NULL, 0, 1, &c, NULL));
  put(s, "b3", "z");
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_checkpoint(s, 0, NULL));
  const uint8_t *k = NULL, *v = NULL;
  size_t kl = 0, vl = 0;
  int seen = 0;
  while (dictenstein_store_cursor_next(c, &k, &kl, &v, &vl, NULL) == DICTENSTEIN_OK) {
    CHECK(kl == 2 && k[0] == 'b');
    seen++;
  }
  CHECK(seen == 2);
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_store_cursor_next(c, &k, &kl, &v, &vl, NULL));
  dictenstein_store_cursor_free(c);

  /* Range [apple, b2): apple, b1. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_cursor_open(s, (const uint8_t *)"apple", 5,
                                                             (const uint8_t *)"b2", 2, 0, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_cursor_next(c, &k, &kl, &v, &vl, NULL));
  CHECK(kl == 5 && memcmp(k, "apple", 5) == 0 && vl == 1 && v[0] == '1');
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_cursor_next(c, &k, &kl, NULL, NULL, NULL));
  CHECK(kl == 2 && memcmp(k, "b1", 2) == 0);
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_store_cursor_next(c, NULL, NULL, NULL, NULL, NULL));

  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_sync(s, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_set_durability(s, DICTENSTEIN_DURABILITY_NONE, 0, NULL));
  put(s, "lazy", "1");
  dictenstein_sync_handle *h = NULL;
  uint64_t lsn = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_sync_async(s, &h, &lsn, NULL));
  uint32_t done = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_sync_handle_wait(h, 10000, &done, NULL));
  CHECK(done == 1);
  dictenstein_sync_handle_free(h);
  /* Freeing a handle at once does not cancel its sync. */
  put(s, "lazy2", "1");
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_sync_async(s, &h, NULL, NULL));
  dictenstein_sync_handle_free(h);

  dictenstein_store_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_stats_get(s, &st, NULL));
  /* 7 puts; the empty batch is not counted; the refused increment is. */
  CHECK(st.puts == 7 && st.removes == 1 && st.batches == 1 && st.increments == 3);
  CHECK(st.checkpoints == 1 && st.current_lsn >= lsn && st.synced_lsn >= lsn && st.fsyncs > 0);
  CHECK(st.keys == 8);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_checkpoint(s, 1, NULL));

  /* Another open of the same directory is refused while this one holds the lock. */
  dictenstein_store *other = NULL;
  err = NULL;
  CHECK_STATUS(DICTENSTEIN_LOCKED, dictenstein_store_open(dir, NULL, &other, &err));
  check_error_object(DICTENSTEIN_LOCKED, err, "dictenstein.lock");
  CHECK(other == NULL);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));

  /* The cursor outlives the store it came from. */
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_store_cursor_next(c, NULL, NULL, NULL, NULL, NULL));
  dictenstein_store_cursor_free(c);

  s = open_store(dir, DICTENSTEIN_DURABILITY_GROUP_COMMIT);
  expect(s, "apple", "1");
  expect(s, "b3", "z");
  expect(s, "lazy2", "1");
  expect(s, "banana", NULL);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_len(s, &keys, NULL));
  CHECK(keys == 8);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
}

static void bad_input(const char *dir) {
  dictenstein_store_options o;
  dictenstein_store *s = NULL;
  dictenstein_error *err = NULL;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_options_default(NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_options_default(&o));
  o.size = 8;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "size");
  dictenstein_store_options_default(&o);
  o.durability = 9;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, NULL));
  dictenstein_store_options_default(&o);
  o.flags = 0x80;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, NULL));
  dictenstein_store_options_default(&o);
  o.durability = DICTENSTEIN_DURABILITY_PERIODIC;
  o.interval_us = 0;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, NULL));
  dictenstein_store_options_default(&o);
  o.max_key_len = 0;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, NULL));
  dictenstein_store_options_default(&o);
  o.flags = 0; /* no CREATE: a missing store is an I/O error naming the path */
  char missing[512];
  snprintf(missing, sizeof missing, "%s/missing", dir);
  CHECK_STATUS(DICTENSTEIN_IO, dictenstein_store_open(missing, &o, &s, &err));
  check_error_object(DICTENSTEIN_IO, err, "missing");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(NULL, NULL, &s, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open("", NULL, &s, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, NULL, NULL, NULL));

  dictenstein_store_options_default(&o);
  CHECK(o.wal_preallocate_bytes == 64u << 20);
  o.wal_preallocate_bytes = (uint64_t)2 << 30; /* above 1 GiB */
  err = NULL;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "wal_preallocate");

  dictenstein_store_options_default(&o);
  CHECK(o.commit_spin_us == 300);
  o.commit_spin_us = 10001; /* above 10 ms */
  err = NULL;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_open(dir, &o, &s, &err));
  check_error_object(DICTENSTEIN_INVALID_ARGUMENT, err, "commit_spin");

  dictenstein_store_options_default(&o);
  o.wal_preallocate_bytes = 0; /* grow with each append: still correct, only slower */
  o.commit_spin_us = 0;        /* writers sleep at once: only slower */
  o.max_key_len = 4;
  o.max_value_len = 4;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_open(dir, &o, &s, NULL));
  const uint8_t *k = (const uint8_t *)"key";
  size_t len = 0;
  uint64_t u = 0;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_put(NULL, k, 3, k, 3, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_put(s, NULL, 3, k, 3, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_put(s, k, 3, NULL, 3, NULL));
  CHECK_STATUS(DICTENSTEIN_TERM_TOO_LONG, dictenstein_store_put(s, (const uint8_t *)"toolong", 7, k, 1, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_put(s, k, 3, (const uint8_t *)"toolong", 7, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_get(s, k, 3, NULL, 0, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_get(s, k, 3, NULL, 5, &len, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_get(NULL, k, 3, NULL, 0, &len, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_remove(NULL, k, 3, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_contains(s, NULL, 1, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_increment(NULL, k, 3, 1, &u, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_len(s, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_batch_new(NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_batch_put(NULL, k, 3, k, 3, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_batch_remove(NULL, k, 3, NULL));
  dictenstein_batch *b = NULL;
  dictenstein_batch_new(&b);
  dictenstein_batch_put(b, k, 3, k, 3, NULL);
  dictenstein_batch_put(b, (const uint8_t *)"toolong", 7, k, 3, NULL);
  /* One bad operation: nothing of the batch is written. */
  CHECK_STATUS(DICTENSTEIN_TERM_TOO_LONG, dictenstein_store_write_batch(s, b, NULL));
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_store_contains(s, k, 3, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_write_batch(s, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_write_batch(NULL, b, NULL));
  dictenstein_batch_free(b);
  dictenstein_batch_free(NULL);
  dictenstein_store_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_cursor_open(s, NULL, 0, k, 3, 1, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_cursor_open(s, NULL, 0, NULL, 3, 0, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_cursor_open(s, NULL, 0, NULL, 0, 0, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_cursor_next(NULL, NULL, NULL, NULL, NULL, NULL));
  dictenstein_store_cursor_free(NULL);
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_sync(NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_sync_async(s, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_sync_handle_wait(NULL, 0, NULL, NULL));
  dictenstein_sync_handle_free(NULL);
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_checkpoint(s, 2, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_checkpoint(NULL, 0, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_set_durability(s, 7, 0, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT,
               dictenstein_store_set_durability(s, DICTENSTEIN_DURABILITY_GROUP_COMMIT, 5000000, NULL));
  dictenstein_store_stats st;
  st.size = 16;
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_stats_get(s, &st, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_store_stats_get(s, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
}

/* A damaged image is reported as corrupt, never a crash. */
static void corrupt_image(const char *dir) {
  dictenstein_store *s = open_store(dir, DICTENSTEIN_DURABILITY_IMMEDIATE);
  put(s, "k", "v");
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_checkpoint(s, 0, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
  char path[512];
  snprintf(path, sizeof path, "%s/dictenstein.image", dir);
  size_t n = 0;
  unsigned char *img = check_read_file(path, &n);
  CHECK(img != NULL && n > 8192);
  if (!img) return;
  memset(img, 0xAB, 8192); /* both header slots */
  check_write_file(path, img, n);
  free(img);
  dictenstein_error *err = NULL;
  CHECK_STATUS(DICTENSTEIN_WRONG_FORMAT, dictenstein_store_open(dir, NULL, &s, &err));
  check_error_object(DICTENSTEIN_WRONG_FORMAT, err, "dictenstein.image");
}

struct writer {
  dictenstein_store *s;
  int id;
};

static void *write_many(void *arg) {
  struct writer *w = (struct writer *)arg;
  for (int i = 0; i < 200; i++) {
    char k[32];
    int n = snprintf(k, sizeof k, "w%d-%03d", w->id, i);
    if (dictenstein_store_put(w->s, (const uint8_t *)k, (size_t)n, (const uint8_t *)k, (size_t)n, NULL) != DICTENSTEIN_OK)
      return (void *)1;
    if (dictenstein_store_increment(w->s, (const uint8_t *)"total", 5, 1, NULL, NULL) != DICTENSTEIN_OK)
      return (void *)1;
  }
  return NULL;
}

static void threads(const char *dir) {
  dictenstein_store *s = open_store(dir, DICTENSTEIN_DURABILITY_IMMEDIATE);
  pthread_t t[8];
  struct writer w[8];
  for (int i = 0; i < 8; i++) {
    w[i].s = s;
    w[i].id = i;
    pthread_create(&t[i], NULL, write_many, &w[i]);
  }
  for (int i = 0; i < 8; i++) {
    void *r = NULL;
    pthread_join(t[i], &r);
    CHECK(r == NULL);
  }
  uint64_t total = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_increment(s, (const uint8_t *)"total", 5, 0, &total, NULL));
  CHECK(total == 1600);
  dictenstein_store_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_stats_get(s, &st, NULL));
  CHECK(st.commit_requests == 3201 && st.commit_groups <= 3201 && st.keys == 1601);
  printf("8 writer threads: %llu requests in %llu commit groups\n",
         (unsigned long long)st.commit_requests, (unsigned long long)st.commit_groups);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_store_close(s, NULL));
}

int main(void) {
  char d1[256], d2[256], d3[256], d4[256];
  if (check_temp_dir(d1, sizeof d1, "store") || check_temp_dir(d2, sizeof d2, "store") ||
      check_temp_dir(d3, sizeof d3, "store") || check_temp_dir(d4, sizeof d4, "store")) {
    fprintf(stderr, "cannot create temporary directories\n");
    return 1;
  }
  basics(d1);
  bad_input(d2);
  corrupt_image(d3);
  threads(d4);
  return check_finish("test_store");
}
