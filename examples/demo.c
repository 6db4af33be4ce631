/* libdictenstein demo: build a double-array trie from a real word list, save it, reopen it
 * through mmap, and print lookups, a longest-prefix match and a prefix listing.
 *
 * usage: dictenstein-demo [WORDLIST]
 * Without an argument it uses Debian's /usr/share/dict/words when installed, else the list
 * shipped in the repository (data/words.txt). */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dictenstein.h"

#ifndef DICTENSTEIN_DEMO_WORDS
#define DICTENSTEIN_DEMO_WORDS "data/words.txt"
#endif

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Prints the error of a failed call and exits. */
static void die(const char *what, dictenstein_status st, dictenstein_error *err) {
  fprintf(stderr, "%s failed: %s: %s\n", what, dictenstein_status_name(st), dictenstein_error_message(err));
  dictenstein_error_free(err);
  exit(1);
}

int main(int argc, char **argv) {
  const char *list = argc > 1 ? argv[1] : NULL;
  if (!list) list = access("/usr/share/dict/words", R_OK) == 0 ? "/usr/share/dict/words" : DICTENSTEIN_DEMO_WORDS;
  FILE *f = fopen(list, "r");
  if (!f) {
    perror(list);
    return 1;
  }
  printf("libdictenstein %s\n", dictenstein_version(NULL, NULL, NULL));

  dictenstein_error *err = NULL;
  dictenstein_builder *b = NULL;
  dictenstein_status st = dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, &err);
  if (st != DICTENSTEIN_OK) die("builder_new", st, err);
  char line[4096];
  uint64_t n = 0;
  double t0 = now_ms();
  while (fgets(line, sizeof line, f)) {
    size_t len = strcspn(line, "\r\n");
    if (len == 0) continue;
    /* The value of each word is its line number. */
    st = dictenstein_builder_add(b, (const uint8_t *)line, len, n++, &err);
    if (st != DICTENSTEIN_OK) die("builder_add", st, err);
  }
  fclose(f);
  dictenstein_dict *built = NULL;
  st = dictenstein_builder_finish(b, &built, &err);
  if (st != DICTENSTEIN_OK) die("builder_finish", st, err);
  dictenstein_builder_free(b);
  double t1 = now_ms();

  /* mkdtemp replaces the six 'X' that must end its template. */
  char dir[64] = "/tmp/dictenstein-demo-";
  size_t dir_len = strlen(dir);
  memset(dir + dir_len, 'X', 6);
  dir[dir_len + 6] = '\0';
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char path[256];
  snprintf(path, sizeof path, "%s/words.dat", dir);
  st = dictenstein_dict_save(built, path, &err);
  if (st != DICTENSTEIN_OK) die("dict_save", st, err);
  dictenstein_dict_free(built);

  double t2 = now_ms();
  dictenstein_dict *d = NULL;
  st = dictenstein_dict_open(path, 0, &d, &err);
  if (st != DICTENSTEIN_OK) die("dict_open", st, err);
  double t3 = now_ms();
  uint64_t terms = 0, size = 0;
  dictenstein_dict_info(d, NULL, &terms, &size, NULL);
  printf("word list: %s\n", list);
  printf("built %llu terms in %.1f ms; saved to %s (%llu bytes, %.2f bytes/term)\n",
         (unsigned long long)terms, t1 - t0, path, (unsigned long long)size, (double)size / (double)(terms ? terms : 1));
  printf("reopened through mmap in %.3f ms\n\n", t3 - t2);

  const char *queries[] = {"hello", "dictionary", "Zurich", "qwertyuiop", "zebra"};
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
    uint64_t v = 0;
    st = dictenstein_dict_get(d, (const uint8_t *)queries[i], strlen(queries[i]), &v, NULL);
    if (st == DICTENSTEIN_OK)
      printf("lookup %-12s -> found, line %llu\n", queries[i], (unsigned long long)v + 1);
    else
      printf("lookup %-12s -> %s\n", queries[i], dictenstein_status_name(st));
  }

  const char *text = "dictionaryless";
  size_t plen = 0;
  uint64_t v = 0;
  if (dictenstein_dict_longest_prefix(d, (const uint8_t *)text, strlen(text), &plen, &v, NULL) == DICTENSTEIN_OK)
    printf("\nlongest word that prefixes \"%s\": \"%.*s\"\n", text, (int)plen, text);

  const char *prefix = "dictat";
  printf("\nwords starting with \"%s\":\n", prefix);
  dictenstein_cursor *c = NULL;
  st = dictenstein_dict_prefix_cursor(d, (const uint8_t *)prefix, strlen(prefix), &c, &err);
  if (st != DICTENSTEIN_OK) die("prefix_cursor", st, err);
  const uint8_t *term;
  size_t term_len;
  int shown = 0;
  while (dictenstein_cursor_next(c, &term, &term_len, &v, NULL) == DICTENSTEIN_OK) {
    if (shown++ < 12) printf("  %.*s\n", (int)term_len, (const char *)term);
  }
  if (shown > 12) printf("  ... %d in all\n", shown);
  dictenstein_cursor_free(c);
  dictenstein_dict_free(d);
  unlink(path);
  rmdir(dir);
  return shown > 0 ? 0 : 1;
}
