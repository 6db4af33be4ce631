/* Bad input on every exported function: a clear status, never a crash, abort or hang. */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static const char *WORDS[] = {"alpha", "alphabet", "beta", "gamma", "", "delta", "deltas"};
#define NWORDS (sizeof(WORDS) / sizeof(WORDS[0]))

static dictenstein_dict *build(void) {
  dictenstein_builder *b = NULL;
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, NULL));
  for (size_t i = 0; i < NWORDS; i++)
    dictenstein_builder_add(b, (const uint8_t *)WORDS[i], strlen(WORDS[i]), (uint64_t)i << 40, NULL);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &d, NULL));
  dictenstein_builder_free(b);
  return d;
}

/* The status and message carried by an error object must match the call's return. */
static void null_arguments(dictenstein_dict *d) {
  dictenstein_builder *b = NULL;
  dictenstein_dict *out = NULL;
  dictenstein_cursor *c = NULL;
  dictenstein_error *err = NULL;
  uint64_t v;
  size_t n;

  dictenstein_status st = dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, NULL, &err);
  CHECK(st == DICTENSTEIN_INVALID_ARGUMENT);
  check_error_object(st, err, "builder");
  st = dictenstein_builder_new(99, &b, &err);
  CHECK(st == DICTENSTEIN_INVALID_ARGUMENT && b == NULL);
  check_error_object(st, err, "kind");
  st = dictenstein_builder_new(0, &b, NULL);
  CHECK(st == DICTENSTEIN_INVALID_ARGUMENT && b == NULL);
  /* The suffix automaton holds texts, not terms: no builder; the message says what to use. */
  st = dictenstein_builder_new(DICTENSTEIN_KIND_SUFFIX_AUTOMATON, &b, &err);
  CHECK(st == DICTENSTEIN_UNSUPPORTED && b == NULL);
  check_error_object(st, err, "dictenstein_dict_append_text");

  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_add(NULL, (const uint8_t *)"a", 1, 1, NULL));
  /* Child links are an option of the double-array trie only. */
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_set_child_links(NULL, false, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_ART, &b, NULL));
  st = dictenstein_builder_set_child_links(b, false, &err);
  CHECK(st == DICTENSTEIN_UNSUPPORTED);
  check_error_object(st, err, "double-array");
  /* So is the layout; a NULL builder or an unknown layout is refused first. */
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_set_layout(NULL, DICTENSTEIN_LAYOUT_LEVEL_ORDER, NULL));
  st = dictenstein_builder_set_layout(b, DICTENSTEIN_LAYOUT_LEVEL_ORDER, &err);
  CHECK(st == DICTENSTEIN_UNSUPPORTED);
  check_error_object(st, err, "double-array");
  dictenstein_builder_free(b);
  b = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, NULL));
  st = dictenstein_builder_set_layout(b, 2, &err);
  CHECK(st == DICTENSTEIN_INVALID_ARGUMENT);
  check_error_object(st, err, "layout");
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_add(b, NULL, 3, 1, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_add(b, (const uint8_t *)"a", SIZE_MAX, 1, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, NULL, 0, 5, NULL)); /* the empty term */
  /* Oversize term: rejected with its own status, nothing added. */
  size_t big = DICTENSTEIN_MAX_TERM_LEN + 1;
  uint8_t *long_term = (uint8_t *)calloc(big, 1);
  st = dictenstein_builder_add(b, long_term, big, 1, &err);
  CHECK(st == DICTENSTEIN_TERM_TOO_LONG);
  check_error_object(st, err, "65535");
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, long_term, big - 1, 9, NULL)); /* the maximum */
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_finish(NULL, &out, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_builder_finish(b, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &out, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(out, long_term, big - 1, &v, NULL));
  CHECK(v == 9);
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(out, long_term, big, &v, NULL));
  uint64_t count = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(out, NULL, &count, NULL, NULL));
  CHECK(count == 2);
  dictenstein_dict_free(out);
  free(long_term);
  dictenstein_builder_free(b);

  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_get(NULL, (const uint8_t *)"a", 1, &v, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_get(d, NULL, 1, &v, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, NULL, 0, &v, NULL)); /* "" is a term */
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_info(NULL, NULL, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, NULL, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_longest_prefix(NULL, (const uint8_t *)"a", 1, &n, &v, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_longest_prefix(d, NULL, 4, &n, &v, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_longest_prefix(d, NULL, 0, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_prefix_cursor(NULL, NULL, 0, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_prefix_cursor(d, NULL, 0, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_prefix_cursor(d, NULL, 2, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_cursor_next(NULL, NULL, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_verify(NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_save(NULL, "/tmp/x", NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_save(d, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_save(d, "", NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_open(NULL, 0, &out, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_open("", 0, &out, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_open("/tmp/x", 0x80, &out, NULL));
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_open("/tmp/x", 0, NULL, NULL));
  /* Non-UTF-8 path. */
  CHECK_STATUS(DICTENSTEIN_INVALID_ARGUMENT, dictenstein_dict_open("/tmp/\xff\xfe", 0, &out, NULL));

  CHECK(dictenstein_error_status(NULL) == DICTENSTEIN_INVALID_ARGUMENT);
  CHECK(strcmp(dictenstein_error_message(NULL), "") == 0);
  dictenstein_error_free(NULL);
  dictenstein_builder_free(NULL);
  dictenstein_dict_free(NULL);
  dictenstein_cursor_free(NULL);
}

static void io_errors(dictenstein_dict *d, const char *dir) {
  dictenstein_dict *out = NULL;
  dictenstein_error *err = NULL;
  char path[512];
  snprintf(path, sizeof path, "%s/does-not-exist.dat", dir);
  dictenstein_status st = dictenstein_dict_open(path, 0, &out, &err);
  CHECK(st == DICTENSTEIN_IO && out == NULL);
  check_error_object(st, err, "does-not-exist.dat");
  st = dictenstein_dict_open(dir, 0, &out, &err); /* a directory */
  CHECK(st == DICTENSTEIN_IO && out == NULL);
  check_error_object(st, err, dir);
  snprintf(path, sizeof path, "%s/no-such-dir/x.dat", dir);
  st = dictenstein_dict_save(d, path, &err);
  CHECK(st == DICTENSTEIN_IO);
  check_error_object(st, err, "no-such-dir");
}

/* Opens a damaged copy; whatever open says, using the result must be safe. Returns the
 * status of the open with verification. */
static dictenstein_status try_damaged(const char *path, const unsigned char *img, size_t n) {
  check_write_file(path, img, n);
  dictenstein_dict *d = NULL;
  dictenstein_status plain = dictenstein_dict_open(path, 0, &d, NULL);
  if (plain == DICTENSTEIN_OK) {
    for (size_t i = 0; i < NWORDS; i++) {
      uint64_t v;
      size_t pl;
      dictenstein_dict_get(d, (const uint8_t *)WORDS[i], strlen(WORDS[i]), &v, NULL);
      dictenstein_dict_longest_prefix(d, (const uint8_t *)WORDS[i], strlen(WORDS[i]), &pl, &v, NULL);
    }
    dictenstein_cursor *c = NULL;
    if (dictenstein_dict_prefix_cursor(d, NULL, 0, &c, NULL) == DICTENSTEIN_OK) {
      /* A damaged automaton may list garbage, but the walk is bounded by the stored
       * maximum term length; cap our patience too. */
      for (int k = 0; k < 100000 && dictenstein_cursor_next(c, NULL, NULL, NULL, NULL) == DICTENSTEIN_OK; k++) {
      }
      dictenstein_cursor_free(c);
    }
    dictenstein_dict_free(d);
  } else {
    CHECK(plain >= 10);
  }
  d = NULL;
  dictenstein_status verified = dictenstein_dict_open(path, DICTENSTEIN_OPEN_VERIFY, &d, NULL);
  dictenstein_dict_free(d);
  return verified;
}

static void damaged_files(dictenstein_dict *d, const char *dir) {
  char good[512], bad[512];
  snprintf(good, sizeof good, "%s/good.dat", dir);
  snprintf(bad, sizeof bad, "%s/bad.dat", dir);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_save(d, good, NULL));
  size_t n = 0;
  unsigned char *img = check_read_file(good, &n);
  CHECK(img != NULL && n > 128);
  if (!img) return;

  /* Every truncation is an error. */
  for (size_t len = 0; len < n; len++) {
    dictenstein_status st = try_damaged(bad, img, len);
    CHECK(st == DICTENSTEIN_CORRUPT || st == DICTENSTEIN_WRONG_FORMAT);
  }
  /* Every single-bit flip is detected by open with verification. */
  unsigned char *copy = (unsigned char *)malloc(n);
  size_t undetected = 0;
  for (size_t bit = 0; bit < n * 8; bit++) {
    memcpy(copy, img, n);
    copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    dictenstein_status st = try_damaged(bad, copy, n);
    if (st == DICTENSTEIN_OK) undetected++;
    CHECK(st != DICTENSTEIN_INTERNAL);
  }
  CHECK(undetected == 0);

  /* Wrong magic, another structure kind, another version (header checksum forged valid). */
  dictenstein_error *err = NULL;
  dictenstein_dict *out = NULL;
  memcpy(copy, img, n);
  memcpy(copy, "NOTMAGIC", 8);
  check_write_file(bad, copy, n);
  dictenstein_status st = dictenstein_dict_open(bad, 0, &out, &err);
  CHECK(st == DICTENSTEIN_WRONG_FORMAT);
  check_error_object(st, err, "magic");

  uint32_t fields[][2] = {{8, 7}, {12, 3}, {12, 0}};
  dictenstein_status want[] = {DICTENSTEIN_WRONG_FORMAT, DICTENSTEIN_VERSION_MISMATCH, DICTENSTEIN_VERSION_MISMATCH};
  for (size_t i = 0; i < 3; i++) {
    memcpy(copy, img, n);
    uint32_t off = fields[i][0], val = fields[i][1];
    for (int k = 0; k < 4; k++) copy[off + k] = (unsigned char)(val >> (8 * k));
    uint32_t crc = check_crc32(copy, 124);
    for (int k = 0; k < 4; k++) copy[124 + k] = (unsigned char)(crc >> (8 * k));
    check_write_file(bad, copy, n);
    st = dictenstein_dict_open(bad, 0, &out, &err);
    CHECK(st == want[i] && out == NULL);
    check_error_object(st, err, i == 0 ? "kind" : "version");
  }

  /* A body flip without verification opens, and verify then reports it with both CRCs. */
  memcpy(copy, img, n);
  copy[200] ^= 0x40;
  check_write_file(bad, copy, n);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(bad, 0, &out, NULL));
  st = dictenstein_dict_verify(out, &err);
  CHECK(st == DICTENSTEIN_CORRUPT);
  check_error_object(st, err, "checksum");
  dictenstein_dict_free(out);

  free(copy);
  free(img);
  unlink(good);
  unlink(bad);
}

int main(void) {
  dictenstein_dict *d = build();
  char dir[64];
  CHECK(check_temp_dir(dir, sizeof dir, "bad") == 0);
  null_arguments(d);
  io_errors(d, dir);
  damaged_files(d, dir);
  dictenstein_dict_free(d);
  rmdir(dir);
  return check_finish("test_bad_input");
}
