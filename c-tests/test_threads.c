/* One dictionary shared by many threads: concurrent lookups and cursors agree with a
 * single-threaded answer, and each thread's error object describes its own failed call. */
#define _XOPEN_SOURCE 700
#include <pthread.h>
#include <stdint.h>

#include "check.h"

#define NTHREADS 8
#define NTERMS 5000

static dictenstein_dict *dict;
static int thread_failures[NTHREADS];

static void term_of(int i, char *buf, size_t cap) { snprintf(buf, cap, "term-%05d-%x", i, i * 2654435761u); }

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  char buf[64];
  for (int round = 0; round < 20; round++) {
    for (int i = id; i < NTERMS; i += NTHREADS) {
      term_of(i, buf, sizeof buf);
      uint64_t v = 0;
      if (dictenstein_dict_get(dict, (const uint8_t *)buf, strlen(buf), &v, NULL) != DICTENSTEIN_OK || v != (uint64_t)i)
        thread_failures[id]++;
    }
    /* Count everything under "term-0" through a private cursor. */
    dictenstein_cursor *c = NULL;
    if (dictenstein_dict_prefix_cursor(dict, (const uint8_t *)"term-0", 6, &c, NULL) != DICTENSTEIN_OK) {
      thread_failures[id]++;
      continue;
    }
    int n = 0;
    while (dictenstein_cursor_next(c, NULL, NULL, NULL, NULL) == DICTENSTEIN_OK) n++;
    dictenstein_cursor_free(c);
    if (n != 5000) thread_failures[id]++;
    /* Error details are per call: the message names this thread's own path. */
    char path[64];
    snprintf(path, sizeof path, "/nonexistent/thread-%d-%d.dat", id, round);
    dictenstein_dict *d = NULL;
    dictenstein_error *err = NULL;
    if (dictenstein_dict_open(path, 0, &d, &err) != DICTENSTEIN_IO || !err ||
        !strstr(dictenstein_error_message(err), path))
      thread_failures[id]++;
    dictenstein_error_free(err);
  }
  return NULL;
}

int main(void) {
  dictenstein_builder *b = NULL;
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, NULL));
  char buf[64];
  for (int i = NTERMS - 1; i >= 0; i--) {
    term_of(i, buf, sizeof buf);
    CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_add(b, (const uint8_t *)buf, strlen(buf), (uint64_t)i, NULL));
  }
  CHECK_STATUS(DICTENSTEIN_OK, dictenstein_builder_finish(b, &dict, NULL));
  dictenstein_builder_free(b);

  pthread_t th[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) CHECK(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t) == 0);
  for (int t = 0; t < NTHREADS; t++) {
    pthread_join(th[t], NULL);
    CHECK(thread_failures[t] == 0);
  }
  dictenstein_dict_free(dict);
  return check_finish("test_threads");
}
