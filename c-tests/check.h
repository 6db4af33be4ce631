/* Minimal assertion helpers shared by the C tests: a failed check prints where and why and
 * makes the program exit non-zero at the end (all checks still run). */
#ifndef DICTENSTEIN_CHECK_H
#define DICTENSTEIN_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dictenstein.h"

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    check_count++;                                                                   \
    if (!(cond)) {                                                                   \
      check_failures++;                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                \
  } while (0)

/* Checks that a call returns `expected`, printing both names and the error message. */
#define CHECK_STATUS(expected, call)                                                 \
  do {                                                                               \
    dictenstein_error *check_err_ = NULL;                                            \
    dictenstein_status check_got_ = (call);                                          \
    (void)check_err_;                                                                \
    check_count++;                                                                   \
    if (check_got_ != (expected)) {                                                  \
      check_failures++;                                                              \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__,    \
              #call, dictenstein_status_name(check_got_),                            \
              dictenstein_status_name(expected));                                    \
    }                                                                                \
  } while (0)

/* Checks an error object: present, carrying status `st` and a non-empty message that
 * contains `needle` (when given); then frees it. */
static inline void check_error_object(dictenstein_status st, dictenstein_error *err, const char *needle) {
  CHECK(err != NULL);
  if (!err) return;
  CHECK(dictenstein_error_status(err) == st);
  const char *msg = dictenstein_error_message(err);
  CHECK(msg != NULL && msg[0] != '\0');
  if (needle && msg && !strstr(msg, needle)) {
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", msg, needle);
    CHECK(0);
  }
  dictenstein_error_free(err);
}

static inline int check_finish(const char *name) {
  if (check_failures) {
    fprintf(stderr, "%s: %d of %d checks failed\n", name, check_failures, check_count);
    return 1;
  }
  printf("%s: all %d checks passed\n", name, check_count);
  return 0;
}

/* Standard CRC-32 (IEEE, reflected), used to forge valid header checksums in tests. */
static inline uint32_t check_crc32(const unsigned char *p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

/* Creates a new private directory /tmp/dictenstein-NAME-<random> in buf; 0 on success.
 * mkdtemp requires its template to end in six 'X' characters, which it replaces; they are
 * written with memset. Test programs define _XOPEN_SOURCE before including this header,
 * which mkdtemp needs under -std=c11. */
static inline int check_temp_dir(char *buf, size_t cap, const char *name) {
  int n = snprintf(buf, cap, "/tmp/dictenstein-%s-", name);
  if (n < 0 || (size_t)n + 6 >= cap) return -1;
  memset(buf + n, 'X', 6);
  buf[n + 6] = '\0';
  return mkdtemp(buf) ? 0 : -1;
}

static inline unsigned char *check_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = (unsigned char *)malloc(n > 0 ? (size_t)n : 1);
  if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static inline int check_write_file(const char *path, const unsigned char *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = n ? fwrite(p, 1, n, f) : 0;
  fclose(f);
  return w == n ? 0 : -1;
}

#endif
