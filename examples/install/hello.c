/* Builds a double-array trie from five words, looks one up and lists the words within edit
 * distance 1 of "helo". Build against an installed libdictenstein with find_package or pkg-config. */
#include <dictenstein.h>
#include <stdio.h>
#include <string.h>

static int fail(dictenstein_status st, dictenstein_error *err) {
  fprintf(stderr, "%s: %s\n", dictenstein_status_name(st), dictenstein_error_message(err));
  dictenstein_error_free(err);
  return 1;
}

int main(void) {
  const char *words[] = {"hell", "hello", "help", "world", "yellow"}; /* sorted */
  dictenstein_error *err = NULL;
  dictenstein_builder *b = NULL;
  dictenstein_dict *dict = NULL;
  dictenstein_status st = dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, &err);
  for (uint64_t i = 0; st == DICTENSTEIN_OK && i < 5; i++)
    st = dictenstein_builder_add(b, (const uint8_t *)words[i], strlen(words[i]), i, &err);
  if (st == DICTENSTEIN_OK) st = dictenstein_builder_finish(b, &dict, &err);
  dictenstein_builder_free(b);
  if (st != DICTENSTEIN_OK) return fail(st, err);

  uint64_t value = 0;
  st = dictenstein_dict_get(dict, (const uint8_t *)"help", 4, &value, &err);
  if (st != DICTENSTEIN_OK) return fail(st, err);
  printf("libdictenstein %s: help -> %llu\n", dictenstein_version(NULL, NULL, NULL),
         (unsigned long long)value);

  dictenstein_fuzzy_options opts;
  dictenstein_fuzzy_options_default(&opts);
  opts.max_distance = 1;
  dictenstein_fuzzy_cursor *cur = NULL;
  st = dictenstein_dict_fuzzy_cursor(dict, (const uint8_t *)"helo", 4, &opts, &cur, &err);
  if (st != DICTENSTEIN_OK) return fail(st, err);
  const uint8_t *term;
  size_t len;
  uint32_t dist;
  while ((st = dictenstein_fuzzy_cursor_next(cur, &term, &len, &dist, &value, &err)) == DICTENSTEIN_OK)
    printf("  %.*s (distance %u)\n", (int)len, (const char *)term, dist);
  dictenstein_fuzzy_cursor_free(cur);
  dictenstein_dict_free(dict);
  return st == DICTENSTEIN_END ? 0 : fail(st, err);
}
