/* Every exported function on valid input: build, look up, iterate, save, reopen, verify. */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <unistd.h>

#include "check.h"

static const char *WORDS[] = {"car", "card", "care", "cared", "cars", "cat", "dog", "", "do"};
#define NWORDS (sizeof(WORDS) / sizeof(WORDS[0]))

static dictenstein_dict *build_words_with(bool links, uint32_t layout) {
  dictenstein_builder *b = NULL;
  dictenstein_dict *d = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_set_child_links(b, links, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_set_layout(b, layout, NULL));
  for (size_t i = 0; i < NWORDS; i++) {
    CHECK_STATUS(DICTENSTEIN_OK,
                 dictenstein_builder_add(b, (const uint8_t *)WORDS[i], strlen(WORDS[i]), 100 + i, NULL));
  }
  /* A duplicate: the value added last wins. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, (const uint8_t *)"cat", 3, 7, NULL));
  /* Binary bytes, including NUL, and a value needing all 64 bits. */
  const uint8_t bin[] = {0x00, 0xFF, 0x00};
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, bin, sizeof bin, UINT64_MAX, NULL));
  dictenstein_error *err = (dictenstein_error *)1; /* must be overwritten with NULL */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &d, &err));
  CHECK(err == NULL);
  dictenstein_builder_free(b);
  return d;
}

static dictenstein_dict *build_words(void) { return build_words_with(true, DICTENSTEIN_LAYOUT_DEPTH_FIRST); }

static void check_lookups(const dictenstein_dict *d) {
  uint64_t v = 0;
  for (size_t i = 0; i < NWORDS; i++) {
    uint64_t expect = strcmp(WORDS[i], "cat") == 0 ? 7 : 100 + i;
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, (const uint8_t *)WORDS[i], strlen(WORDS[i]), &v, NULL));
    CHECK(v == expect);
  }
  const uint8_t bin[] = {0x00, 0xFF, 0x00};
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, bin, sizeof bin, &v, NULL));
  CHECK(v == UINT64_MAX);
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(d, (const uint8_t *)"ca", 2, &v, NULL));
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(d, bin, 2, NULL, NULL));
  /* NULL value pointer: membership test. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(d, (const uint8_t *)"dog", 3, NULL, NULL));

  uint32_t kind = 0;
  uint64_t count = 0, size = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, &kind, &count, &size, NULL));
  CHECK(kind == DICTENSTEIN_KIND_DOUBLE_ARRAY);
  CHECK(count == NWORDS + 1);
  CHECK(size >= 128);

  size_t plen = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_longest_prefix(d, (const uint8_t *)"careful", 7, &plen, &v, NULL));
  CHECK(plen == 4 && v == 102);
  /* The empty term is a prefix of everything. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_longest_prefix(d, (const uint8_t *)"zebra", 5, &plen, &v, NULL));
  CHECK(plen == 0 && v == 107);

  /* Prefix cursor: "car" -> car, card, care, cared, cars in byte order. */
  const char *expect[] = {"car", "card", "care", "cared", "cars"};
  dictenstein_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, (const uint8_t *)"car", 3, &c, NULL));
  for (size_t i = 0; i < 5; i++) {
    const uint8_t *t = NULL;
    size_t tl = 0;
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
    CHECK(tl == strlen(expect[i]) && memcmp(t, expect[i], tl) == 0);
  }
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, NULL, NULL, NULL, NULL));
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, NULL, NULL, NULL, NULL));
  dictenstein_cursor_free(c);

  /* Whole dictionary in byte order: "" first, the binary term first among non-empty ones. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, NULL, 0, &c, NULL));
  size_t n = 0;
  const uint8_t *prev = NULL;
  size_t prev_len = 0;
  uint8_t prev_buf[64];
  const uint8_t *t;
  size_t tl;
  while (dictenstein_cursor_next(c, &t, &tl, &v, NULL) == DICTENSTEIN_OK) {
    if (prev) {
      size_t m = prev_len < tl ? prev_len : tl;
      int cmp = memcmp(prev, t, m);
      CHECK(cmp < 0 || (cmp == 0 && prev_len < tl));
    }
    CHECK(tl < sizeof prev_buf);
    memcpy(prev_buf, t, tl);
    prev = prev_buf;
    prev_len = tl;
    n++;
  }
  CHECK(n == NWORDS + 1);
  dictenstein_cursor_free(c);

  /* Range cursor: [card, cars) holds card, care, cared; the bound "card" is included. */
  const char *range_expect[] = {"card", "care", "cared"};
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_range_cursor(d, (const uint8_t *)"card", 4, (const uint8_t *)"cars", 4, 0, &c, NULL));
  for (size_t i = 0; i < 3; i++) {
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
    CHECK(tl == strlen(range_expect[i]) && memcmp(t, range_expect[i], tl) == 0);
  }
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
  dictenstein_cursor_free(c);

  /* No match: an empty cursor. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(d, (const uint8_t *)"x", 1, &c, NULL));
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
  dictenstein_cursor_free(c);
}

static uint64_t size_of(const dictenstein_dict *d) {
  uint64_t size = 0;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(d, NULL, NULL, &size, NULL));
  return size;
}

/* Saves `d` as `dir`/`name` (path written to `path`), opens it again with every checksum
   verified, and checks the reopened copy's lookups. */
static dictenstein_dict *save_and_reopen(const dictenstein_dict *d, const char *dir, const char *name,
                                         char *path, size_t path_len) {
  snprintf(path, path_len, "%s/%s", dir, name);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_save(d, path, NULL));
  dictenstein_dict *opened = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(path, DICTENSTEIN_OPEN_VERIFY, &opened, NULL));
  check_lookups(opened);
  return opened;
}

/* A trie built without child links answers the same (its children are listed by probing),
   is smaller, and keeps that form through a save and an open. */
static void test_without_child_links(const dictenstein_dict *with, const char *dir) {
  dictenstein_dict *d = build_words_with(false, DICTENSTEIN_LAYOUT_DEPTH_FIRST);
  check_lookups(d);
  CHECK(size_of(d) < size_of(with));
  char path[256];
  dictenstein_dict *opened = save_and_reopen(d, dir, "compact.dat", path, sizeof path);
  CHECK(size_of(opened) == size_of(d));
  dictenstein_dict_free(opened);
  dictenstein_dict_free(d);
  unlink(path);
}

/* A trie laid out level by level answers the same, lists the same terms in the same order,
   and reads back from its file. */
static void test_level_order(const char *dir) {
  dictenstein_dict *d = build_words_with(true, DICTENSTEIN_LAYOUT_LEVEL_ORDER);
  check_lookups(d);
  char path[256];
  dictenstein_dict *opened = save_and_reopen(d, dir, "level.dat", path, sizeof path);
  dictenstein_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(opened, (const uint8_t *)"car", 3, &c, NULL));
  const char *want[] = {"car", "card", "care", "cared", "cars"};
  const uint8_t *t;
  size_t tl;
  uint64_t v;
  for (size_t i = 0; i < 5; i++) {
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
    CHECK(tl == strlen(want[i]) && memcmp(t, want[i], tl) == 0);
  }
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
  dictenstein_cursor_free(c);
  dictenstein_dict_free(opened);
  dictenstein_dict_free(d);
  unlink(path);
}

int main(void) {
  uint32_t maj = 99, min = 99, pat = 99;
  const char *ver = dictenstein_version(&maj, &min, &pat);
  CHECK(maj == DICTENSTEIN_VERSION_MAJOR && min == DICTENSTEIN_VERSION_MINOR && pat == DICTENSTEIN_VERSION_PATCH);
  CHECK(strcmp(ver, DICTENSTEIN_VERSION_STRING) == 0);
  CHECK(dictenstein_version(NULL, NULL, NULL) == ver);
  CHECK(strcmp(dictenstein_status_name(DICTENSTEIN_CORRUPT), "DICTENSTEIN_CORRUPT") == 0);
  CHECK(strcmp(dictenstein_status_name(-5), "DICTENSTEIN_UNKNOWN_STATUS") == 0);

  dictenstein_dict *d = build_words();
  check_lookups(d);

  char dir[64];
  CHECK(check_temp_dir(dir, sizeof dir, "api") == 0);
  char path[256];
  snprintf(path, sizeof path, "%s/words.dat", dir);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_save(d, path, NULL));
  /* Saving over an existing file replaces it atomically. */
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_save(d, path, NULL));

  dictenstein_dict *opened = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(path, 0, &opened, NULL));
  check_lookups(opened);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_verify(opened, NULL));
  dictenstein_dict *verified = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_open(path, DICTENSTEIN_OPEN_VERIFY, &verified, NULL));

  /* A cursor keeps its dictionary alive after the handle is freed. */
  dictenstein_cursor *c = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_prefix_cursor(verified, (const uint8_t *)"do", 2, &c, NULL));
  dictenstein_dict_free(verified);
  const uint8_t *t;
  size_t tl;
  uint64_t v;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
  CHECK(tl == 2 && memcmp(t, "do", 2) == 0);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
  CHECK(tl == 3 && memcmp(t, "dog", 3) == 0);
  CHECK_STATUS(DICTENSTEIN_END, dictenstein_cursor_next(c, &t, &tl, &v, NULL));
  dictenstein_cursor_free(c);

  /* Builder reuse after finish, and an empty dictionary. */
  dictenstein_builder *b = NULL;
  dictenstein_dict *empty = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &empty, NULL));
  uint64_t count = 1;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_info(empty, NULL, &count, NULL, NULL));
  CHECK(count == 0);
  CHECK_STATUS(DICTENSTEIN_NOT_FOUND, dictenstein_dict_get(empty, NULL, 0, NULL, NULL));
  dictenstein_dict_free(empty);
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, (const uint8_t *)"x", 1, 1, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &empty, NULL));
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_dict_get(empty, (const uint8_t *)"x", 1, NULL, NULL));
  dictenstein_dict_free(empty);
  dictenstein_builder_free(b);

  test_without_child_links(d, dir);
  test_level_order(dir);

  dictenstein_dict_free(opened);
  dictenstein_dict_free(d);
  unlink(path);
  rmdir(dir);
  return check_finish("test_api");
}
