/* JNI glue between the Java classes in package `dictenstein` and libdictenstein's C API.
 *
 * Handles travel as jlong (the C pointer). Every failed call throws
 * dictenstein.DictensteinException(status, message) and returns a dummy value the Java side
 * never reads. Byte arrays are copied in (GetByteArrayRegion) rather than pinned: a store
 * call may block on an fsync, and a pinned array would hold up the garbage collector. */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dictenstein.h"
#include "dictenstein_Native.h"

static jclass exception_class;   /* dictenstein.DictensteinException, a global ref */
static jmethodID exception_init; /* its (int, String) constructor */

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_10) != JNI_OK) return JNI_ERR;
  jclass local = (*env)->FindClass(env, "dictenstein/DictensteinException");
  if (local == NULL) return JNI_ERR;
  exception_class = (*env)->NewGlobalRef(env, local);
  exception_init = (*env)->GetMethodID(env, local, "<init>", "(ILjava/lang/String;)V");
  if (exception_class == NULL || exception_init == NULL) return JNI_ERR;
  return JNI_VERSION_10;
}

/* Throws for a status with an optional message; frees the error object. */
static void throw_status(JNIEnv *env, dictenstein_status st, dictenstein_error *err, const char *fallback) {
  const char *msg = err ? dictenstein_error_message(err) : fallback;
  jstring jmsg = (*env)->NewStringUTF(env, msg ? msg : "");
  dictenstein_error_free(err);
  if (jmsg == NULL) return; /* OutOfMemoryError already pending */
  jobject ex = (*env)->NewObject(env, exception_class, exception_init, (jint)st, jmsg);
  if (ex != NULL) (*env)->Throw(env, (jthrowable)ex);
}

/* True when the call succeeded (OK); otherwise throws and returns false. The error object is
 * passed by address and read here, after the call: `ok(env, f(&err), &err)` would read `err`
 * in an order C leaves unspecified, possibly before `f` set it. */
static int ok(JNIEnv *env, dictenstein_status st, dictenstein_error **err) {
  if (st == DICTENSTEIN_OK) return 1;
  throw_status(env, st, err ? *err : NULL, dictenstein_status_name(st));
  return 0;
}

static void throw_npe(JNIEnv *env, const char *what) {
  jclass npe = (*env)->FindClass(env, "java/lang/NullPointerException");
  if (npe != NULL) (*env)->ThrowNew(env, npe, what);
}

/* A Java byte[] copied into C memory for one call. */
typedef struct {
  uint8_t *p;
  size_t n;
  uint8_t small[256];
} bytes;

/* Copies `a`; a NULL array gives p == NULL. Returns 0 (with an exception pending) on failure. */
static int bytes_in(JNIEnv *env, jbyteArray a, bytes *b) {
  b->p = NULL;
  b->n = 0;
  if (a == NULL) return 1;
  jsize n = (*env)->GetArrayLength(env, a);
  b->n = (size_t)n;
  b->p = n <= (jsize)sizeof b->small ? b->small : malloc((size_t)n);
  if (b->p == NULL) {
    throw_status(env, DICTENSTEIN_INTERNAL, NULL, "out of memory copying a byte array");
    return 0;
  }
  (*env)->GetByteArrayRegion(env, a, 0, n, (jbyte *)b->p);
  return 1;
}

/* As bytes_in, but a NULL array is refused with a NullPointerException. */
static int bytes_required(JNIEnv *env, jbyteArray a, bytes *b, const char *what) {
  if (a == NULL) {
    throw_npe(env, what);
    return 0;
  }
  return bytes_in(env, a, b);
}

static void bytes_free(bytes *b) {
  if (b->p != b->small) free(b->p);
}

/* A new byte[] holding a copy of C memory; NULL with an exception pending on failure. */
static jbyteArray bytes_out(JNIEnv *env, const uint8_t *p, size_t n) {
  jbyteArray a = (*env)->NewByteArray(env, (jsize)n);
  if (a != NULL && n > 0) (*env)->SetByteArrayRegion(env, a, 0, (jsize)n, (const jbyte *)p);
  return a;
}

/* A path as modified UTF-8 from Java; release with path_free. */
static const char *path_in(JNIEnv *env, jstring s) {
  if (s == NULL) {
    throw_npe(env, "path");
    return NULL;
  }
  return (*env)->GetStringUTFChars(env, s, NULL);
}

static void path_free(JNIEnv *env, jstring s, const char *p) {
  if (p != NULL) (*env)->ReleaseStringUTFChars(env, s, p);
}

#define PTR(type, j) ((type *)(intptr_t)(j))
#define HANDLE(p) ((jlong)(intptr_t)(p))
#define UNUSED (void)cls

/* ---- version, builders, dictionaries ---- */

JNIEXPORT jstring JNICALL Java_dictenstein_Native_version(JNIEnv *env, jclass cls) {
  UNUSED;
  return (*env)->NewStringUTF(env, dictenstein_version(NULL, NULL, NULL));
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_builderNew(JNIEnv *env, jclass cls, jint kind) {
  UNUSED;
  dictenstein_builder *b = NULL;
  dictenstein_error *err = NULL;
  return ok(env, dictenstein_builder_new((uint32_t)kind, &b, &err), &err) ? HANDLE(b) : 0;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_builderAdd(JNIEnv *env, jclass cls, jlong b, jbyteArray term, jlong value) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, term, &t, "term")) return;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_builder_add(PTR(dictenstein_builder, b), t.p, t.n, (uint64_t)value, &err), &err);
  bytes_free(&t);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_builderSetChildLinks(JNIEnv *env, jclass cls, jlong b, jboolean enabled) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_builder_set_child_links(PTR(dictenstein_builder, b), enabled == JNI_TRUE, &err), &err);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_builderSetLayout(JNIEnv *env, jclass cls, jlong b, jint layout) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_builder_set_layout(PTR(dictenstein_builder, b), (uint32_t)layout, &err), &err);
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_builderFinish(JNIEnv *env, jclass cls, jlong b) {
  UNUSED;
  dictenstein_dict *d = NULL;
  dictenstein_error *err = NULL;
  return ok(env, dictenstein_builder_finish(PTR(dictenstein_builder, b), &d, &err), &err) ? HANDLE(d) : 0;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_builderFree(JNIEnv *env, jclass cls, jlong b) {
  UNUSED;
  (void)env;
  dictenstein_builder_free(PTR(dictenstein_builder, b));
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_dictOpen(JNIEnv *env, jclass cls, jstring path, jboolean verify) {
  UNUSED;
  const char *p = path_in(env, path);
  if (p == NULL) return 0;
  dictenstein_dict *d = NULL;
  dictenstein_error *err = NULL;
  dictenstein_status st = dictenstein_dict_open(p, verify ? DICTENSTEIN_OPEN_VERIFY : 0, &d, &err);
  path_free(env, path, p);
  return ok(env, st, &err) ? HANDLE(d) : 0;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_dictNew(JNIEnv *env, jclass cls, jint kind) {
  UNUSED;
  dictenstein_dict *d = NULL;
  dictenstein_error *err = NULL;
  return ok(env, dictenstein_dict_new((uint32_t)kind, &d, &err), &err) ? HANDLE(d) : 0;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_dictFree(JNIEnv *env, jclass cls, jlong d) {
  UNUSED;
  (void)env;
  dictenstein_dict_free(PTR(dictenstein_dict, d));
}

JNIEXPORT void JNICALL Java_dictenstein_Native_dictSave(JNIEnv *env, jclass cls, jlong d, jstring path) {
  UNUSED;
  const char *p = path_in(env, path);
  if (p == NULL) return;
  dictenstein_error *err = NULL;
  dictenstein_status st = dictenstein_dict_save(PTR(dictenstein_dict, d), p, &err);
  path_free(env, path, p);
  ok(env, st, &err);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_dictVerify(JNIEnv *env, jclass cls, jlong d) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_dict_verify(PTR(dictenstein_dict, d), &err), &err);
}

JNIEXPORT jlongArray JNICALL Java_dictenstein_Native_dictInfo(JNIEnv *env, jclass cls, jlong d) {
  UNUSED;
  uint32_t kind = 0;
  uint64_t n = 0, size = 0;
  dictenstein_error *err = NULL;
  if (!ok(env, dictenstein_dict_info(PTR(dictenstein_dict, d), &kind, &n, &size, &err), &err)) return NULL;
  jlong v[3] = {(jlong)kind, (jlong)n, (jlong)size};
  jlongArray a = (*env)->NewLongArray(env, 3);
  if (a != NULL) (*env)->SetLongArrayRegion(env, a, 0, 3, v);
  return a;
}

/* Stores one long into out[0]. */
static void set_out(JNIEnv *env, jlongArray out, uint64_t v) {
  jlong j = (jlong)v;
  (*env)->SetLongArrayRegion(env, out, 0, 1, &j);
}

/* OK -> true (value stored), NOT_FOUND -> false, anything else throws. */
static jboolean found_or_throw(JNIEnv *env, dictenstein_status st, dictenstein_error **err) {
  if (st == DICTENSTEIN_OK) return JNI_TRUE;
  if (st != DICTENSTEIN_NOT_FOUND) ok(env, st, err);
  return JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dictenstein_Native_dictGet(JNIEnv *env, jclass cls, jlong d, jbyteArray term, jlongArray out) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, term, &t, "term")) return JNI_FALSE;
  uint64_t v = 0;
  dictenstein_error *err = NULL;
  jboolean found = found_or_throw(env, dictenstein_dict_get(PTR(dictenstein_dict, d), t.p, t.n, &v, &err), &err);
  bytes_free(&t);
  if (found) set_out(env, out, v);
  return found;
}

JNIEXPORT jboolean JNICALL Java_dictenstein_Native_dictContains(JNIEnv *env, jclass cls, jlong d, jbyteArray term) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, term, &t, "term")) return JNI_FALSE;
  bool found = false;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_dict_contains(PTR(dictenstein_dict, d), t.p, t.n, &found, &err), &err);
  bytes_free(&t);
  return found ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jint JNICALL Java_dictenstein_Native_dictLongestPrefix(JNIEnv *env, jclass cls, jlong d, jbyteArray text, jlongArray out) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, text, &t, "text")) return -1;
  size_t len = 0;
  uint64_t v = 0;
  dictenstein_error *err = NULL;
  jboolean found = found_or_throw(env, dictenstein_dict_longest_prefix(PTR(dictenstein_dict, d), t.p, t.n, &len, &v, &err), &err);
  bytes_free(&t);
  if (!found) return -1;
  set_out(env, out, v);
  return (jint)len;
}

JNIEXPORT jboolean JNICALL Java_dictenstein_Native_dictInsert(JNIEnv *env, jclass cls, jlong d, jbyteArray term, jlong value) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, term, &t, "term")) return JNI_FALSE;
  bool inserted = false;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_dict_insert(PTR(dictenstein_dict, d), t.p, t.n, (uint64_t)value, &inserted, &err), &err);
  bytes_free(&t);
  return inserted ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dictenstein_Native_dictUpsert(JNIEnv *env, jclass cls, jlong d, jbyteArray term, jlong value, jlongArray out) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, term, &t, "term")) return JNI_FALSE;
  uint64_t prev = 0;
  bool replaced = false;
  dictenstein_error *err = NULL;
  int good = ok(env, dictenstein_dict_upsert(PTR(dictenstein_dict, d), t.p, t.n, (uint64_t)value, &prev, &replaced, &err), &err);
  bytes_free(&t);
  if (good && replaced) set_out(env, out, prev);
  return good && replaced ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jboolean JNICALL Java_dictenstein_Native_dictRemove(JNIEnv *env, jclass cls, jlong d, jbyteArray term, jlongArray out) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, term, &t, "term")) return JNI_FALSE;
  uint64_t v = 0;
  dictenstein_error *err = NULL;
  jboolean removed = found_or_throw(env, dictenstein_dict_remove(PTR(dictenstein_dict, d), t.p, t.n, &v, &err), &err);
  bytes_free(&t);
  if (removed) set_out(env, out, v);
  return removed;
}

/* ---- cursors ---- */

JNIEXPORT jlong JNICALL Java_dictenstein_Native_cursorPrefix(JNIEnv *env, jclass cls, jlong d, jbyteArray prefix) {
  UNUSED;
  bytes p;
  if (!bytes_required(env, prefix, &p, "prefix")) return 0;
  dictenstein_cursor *c = NULL;
  dictenstein_error *err = NULL;
  int good = ok(env, dictenstein_dict_prefix_cursor(PTR(dictenstein_dict, d), p.p, p.n, &c, &err), &err);
  bytes_free(&p);
  return good ? HANDLE(c) : 0;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_cursorRange(JNIEnv *env, jclass cls, jlong d, jbyteArray lo, jbyteArray hi) {
  UNUSED;
  bytes l, h;
  if (!bytes_in(env, lo, &l)) return 0;
  if (!bytes_in(env, hi, &h)) {
    bytes_free(&l);
    return 0;
  }
  uint32_t flags = (lo == NULL ? DICTENSTEIN_RANGE_NO_LO : 0) | (hi == NULL ? DICTENSTEIN_RANGE_NO_HI : 0);
  dictenstein_cursor *c = NULL;
  dictenstein_error *err = NULL;
  int good = ok(env, dictenstein_dict_range_cursor(PTR(dictenstein_dict, d), l.p, l.n, h.p, h.n, flags, &c, &err), &err);
  bytes_free(&l);
  bytes_free(&h);
  return good ? HANDLE(c) : 0;
}

JNIEXPORT jbyteArray JNICALL Java_dictenstein_Native_cursorNext(JNIEnv *env, jclass cls, jlong c, jlongArray out) {
  UNUSED;
  const uint8_t *term = NULL;
  size_t len = 0;
  uint64_t v = 0;
  dictenstein_error *err = NULL;
  dictenstein_status st = dictenstein_cursor_next(PTR(dictenstein_cursor, c), &term, &len, &v, &err);
  if (st == DICTENSTEIN_END) return NULL;
  jlong not_u64 = st == DICTENSTEIN_VALUE_NOT_U64;
  if (not_u64) {
    dictenstein_error_free(err); /* the term is still reported; Java sees valueIsU64 false */
  } else if (!ok(env, st, &err)) {
    return NULL;
  }
  jlong vals[2] = {(jlong)v, not_u64};
  (*env)->SetLongArrayRegion(env, out, 0, 2, vals);
  return bytes_out(env, term, len);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_cursorFree(JNIEnv *env, jclass cls, jlong c) {
  UNUSED;
  (void)env;
  dictenstein_cursor_free(PTR(dictenstein_cursor, c));
}

/* ---- fuzzy search ---- */

JNIEXPORT jlong JNICALL Java_dictenstein_Native_fuzzyOpen(JNIEnv *env, jclass cls, jlong d, jbyteArray query, jint metric,
                                                          jint units, jint max_distance, jint flags, jlong limit) {
  UNUSED;
  bytes q;
  if (!bytes_required(env, query, &q, "query")) return 0;
  dictenstein_fuzzy_options o;
  dictenstein_fuzzy_options_default(&o);
  o.metric = (uint32_t)metric;
  o.units = (uint32_t)units;
  o.max_distance = (uint32_t)max_distance;
  o.flags = (uint32_t)flags;
  o.limit = (uint64_t)limit;
  dictenstein_fuzzy_cursor *c = NULL;
  dictenstein_error *err = NULL;
  int good = ok(env, dictenstein_dict_fuzzy_cursor(PTR(dictenstein_dict, d), q.p, q.n, &o, &c, &err), &err);
  bytes_free(&q);
  return good ? HANDLE(c) : 0;
}

JNIEXPORT jint JNICALL Java_dictenstein_Native_fuzzyNextBatch(JNIEnv *env, jclass cls, jlong c, jobjectArray terms,
                                                              jintArray distances, jlongArray values, jintArray flags) {
  UNUSED;
  enum { CAP = 64 };
  dictenstein_fuzzy_match out[CAP];
  jsize cap = (*env)->GetArrayLength(env, terms);
  if (cap > CAP) cap = CAP;
  size_t written = 0;
  dictenstein_error *err = NULL;
  dictenstein_status st = dictenstein_fuzzy_cursor_next_batch(PTR(dictenstein_fuzzy_cursor, c), out, (size_t)cap, &written, &err);
  if (st == DICTENSTEIN_END) return 0;
  jint not_u64 = st == DICTENSTEIN_VALUE_NOT_U64;
  if (not_u64) {
    dictenstein_error_free(err); /* one term whose store value is not 8 bytes */
  } else if (!ok(env, st, &err)) {
    return 0;
  }
  for (size_t i = 0; i < written; i++) {
    jbyteArray t = bytes_out(env, out[i].term, out[i].term_len);
    if (t == NULL) return 0;
    (*env)->SetObjectArrayElement(env, terms, (jsize)i, t);
    (*env)->DeleteLocalRef(env, t);
    jint dist = (jint)out[i].distance;
    jlong v = (jlong)out[i].value;
    (*env)->SetIntArrayRegion(env, distances, (jsize)i, 1, &dist);
    (*env)->SetLongArrayRegion(env, values, (jsize)i, 1, &v);
    (*env)->SetIntArrayRegion(env, flags, (jsize)i, 1, &not_u64);
  }
  return (jint)written;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_fuzzyFree(JNIEnv *env, jclass cls, jlong c) {
  UNUSED;
  (void)env;
  dictenstein_fuzzy_cursor_free(PTR(dictenstein_fuzzy_cursor, c));
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_editDistance(JNIEnv *env, jclass cls, jint metric, jint units, jbyteArray a,
                                                            jbyteArray b) {
  UNUSED;
  bytes x, y;
  if (!bytes_required(env, a, &x, "a")) return 0;
  if (!bytes_required(env, b, &y, "b")) {
    bytes_free(&x);
    return 0;
  }
  uint64_t dist = 0;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_edit_distance((uint32_t)metric, (uint32_t)units, x.p, x.n, y.p, y.n, &dist, &err), &err);
  bytes_free(&x);
  bytes_free(&y);
  return (jlong)dist;
}

/* ---- suffix automaton ---- */

JNIEXPORT jint JNICALL Java_dictenstein_Native_appendText(JNIEnv *env, jclass cls, jlong d, jbyteArray text) {
  UNUSED;
  bytes t;
  if (!bytes_required(env, text, &t, "text")) return 0;
  uint32_t id = 0;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_dict_append_text(PTR(dictenstein_dict, d), t.p, t.n, &id, &err), &err);
  bytes_free(&t);
  return (jint)id;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_countOccurrences(JNIEnv *env, jclass cls, jlong d, jbyteArray pattern) {
  UNUSED;
  bytes p;
  if (!bytes_required(env, pattern, &p, "pattern")) return 0;
  uint64_t n = 0;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_dict_count_occurrences(PTR(dictenstein_dict, d), p.p, p.n, &n, &err), &err);
  bytes_free(&p);
  return (jlong)n;
}

JNIEXPORT jlongArray JNICALL Java_dictenstein_Native_occurrences(JNIEnv *env, jclass cls, jlong d, jbyteArray pattern, jint limit) {
  UNUSED;
  bytes p;
  if (!bytes_required(env, pattern, &p, "pattern")) return NULL;
  dictenstein_occurrence_cursor *c = NULL;
  dictenstein_error *err = NULL;
  int good = ok(env, dictenstein_dict_occurrence_cursor(PTR(dictenstein_dict, d), p.p, p.n, &c, &err), &err);
  bytes_free(&p);
  if (!good) return NULL;
  size_t cap = 256, n = 0;
  jlong *pairs = malloc(cap * 2 * sizeof *pairs);
  dictenstein_occurrence batch[256];
  dictenstein_status st = DICTENSTEIN_OK;
  while (pairs != NULL && (limit <= 0 || n < (size_t)limit)) {
    size_t written = 0;
    st = dictenstein_occurrence_cursor_next_batch(c, batch, 256, &written, &err);
    if (st != DICTENSTEIN_OK) break;
    for (size_t i = 0; i < written && (limit <= 0 || n < (size_t)limit); i++) {
      if (n == cap) {
        cap *= 2;
        jlong *grown = realloc(pairs, cap * 2 * sizeof *pairs);
        if (grown == NULL) {
          free(pairs);
          pairs = NULL;
          break;
        }
        pairs = grown;
      }
      pairs[2 * n] = (jlong)batch[i].text_id;
      pairs[2 * n + 1] = (jlong)batch[i].offset;
      n++;
    }
  }
  dictenstein_occurrence_cursor_free(c);
  if (pairs == NULL) {
    throw_status(env, DICTENSTEIN_INTERNAL, NULL, "out of memory listing occurrences");
    return NULL;
  }
  jlongArray a = NULL;
  if (st == DICTENSTEIN_OK || st == DICTENSTEIN_END) {
    a = (*env)->NewLongArray(env, (jsize)(2 * n));
    if (a != NULL) (*env)->SetLongArrayRegion(env, a, 0, (jsize)(2 * n), pairs);
  } else {
    ok(env, st, &err);
  }
  free(pairs);
  return a;
}

/* ---- durable store ---- */

JNIEXPORT jlongArray JNICALL Java_dictenstein_Native_storeDefaults(JNIEnv *env, jclass cls) {
  UNUSED;
  dictenstein_store_options o;
  dictenstein_store_options_default(&o);
  jlong v[9] = {(o.flags & DICTENSTEIN_STORE_CREATE) ? 1 : 0, o.durability, (jlong)o.interval_us,
                (jlong)o.checkpoint_wal_bytes, (jlong)o.checkpoint_interval_ms, (jlong)o.max_key_len,
                (jlong)o.max_value_len, (jlong)o.wal_preallocate_bytes, (jlong)o.commit_spin_us};
  jlongArray a = (*env)->NewLongArray(env, 9);
  if (a != NULL) (*env)->SetLongArrayRegion(env, a, 0, 9, v);
  return a;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_storeOpen(JNIEnv *env, jclass cls, jstring path, jlongArray options) {
  UNUSED;
  if (options == NULL || (*env)->GetArrayLength(env, options) != 9) {
    throw_status(env, DICTENSTEIN_INVALID_ARGUMENT, NULL, "store options: expected 9 values");
    return 0;
  }
  jlong v[9];
  (*env)->GetLongArrayRegion(env, options, 0, 9, v);
  dictenstein_store_options o;
  dictenstein_store_options_default(&o);
  o.flags = v[0] ? DICTENSTEIN_STORE_CREATE : 0;
  o.durability = (uint32_t)v[1];
  o.interval_us = (uint64_t)v[2];
  o.checkpoint_wal_bytes = (uint64_t)v[3];
  o.checkpoint_interval_ms = (uint64_t)v[4];
  o.max_key_len = (uint64_t)v[5];
  o.max_value_len = (uint64_t)v[6];
  o.wal_preallocate_bytes = (uint64_t)v[7];
  o.commit_spin_us = (uint64_t)v[8];
  const char *p = path_in(env, path);
  if (p == NULL) return 0;
  dictenstein_store *s = NULL;
  dictenstein_error *err = NULL;
  dictenstein_status st = dictenstein_store_open(p, &o, &s, &err);
  path_free(env, path, p);
  return ok(env, st, &err) ? HANDLE(s) : 0;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeClose(JNIEnv *env, jclass cls, jlong s) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_close(PTR(dictenstein_store, s), &err), &err);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storePut(JNIEnv *env, jclass cls, jlong s, jbyteArray key, jbyteArray value) {
  UNUSED;
  bytes k, v;
  if (!bytes_required(env, key, &k, "key")) return;
  if (!bytes_required(env, value, &v, "value")) {
    bytes_free(&k);
    return;
  }
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_put(PTR(dictenstein_store, s), k.p, k.n, v.p, v.n, &err), &err);
  bytes_free(&k);
  bytes_free(&v);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeRemove(JNIEnv *env, jclass cls, jlong s, jbyteArray key) {
  UNUSED;
  bytes k;
  if (!bytes_required(env, key, &k, "key")) return;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_remove(PTR(dictenstein_store, s), k.p, k.n, &err), &err);
  bytes_free(&k);
}

JNIEXPORT jbyteArray JNICALL Java_dictenstein_Native_storeGet(JNIEnv *env, jclass cls, jlong s, jbyteArray key) {
  UNUSED;
  bytes k;
  if (!bytes_required(env, key, &k, "key")) return NULL;
  uint8_t small[256];
  uint8_t *buf = small;
  size_t cap = sizeof small, len = 0;
  jbyteArray out = NULL;
  for (;;) {
    dictenstein_error *err = NULL;
    dictenstein_status st = dictenstein_store_get(PTR(dictenstein_store, s), k.p, k.n, buf, cap, &len, &err);
    if (st == DICTENSTEIN_BUFFER_TOO_SMALL) {
      /* A writer may grow the value again before the retry: loop until it fits. */
      if (buf != small) free(buf);
      cap = len;
      buf = malloc(cap);
      if (buf == NULL) {
        throw_status(env, DICTENSTEIN_INTERNAL, NULL, "out of memory reading a value");
        break;
      }
      continue;
    }
    if (st == DICTENSTEIN_OK) out = bytes_out(env, buf, len);
    else if (st != DICTENSTEIN_NOT_FOUND) ok(env, st, &err);
    break;
  }
  if (buf != small) free(buf);
  bytes_free(&k);
  return out;
}

JNIEXPORT jboolean JNICALL Java_dictenstein_Native_storeContains(JNIEnv *env, jclass cls, jlong s, jbyteArray key) {
  UNUSED;
  bytes k;
  if (!bytes_required(env, key, &k, "key")) return JNI_FALSE;
  dictenstein_error *err = NULL;
  jboolean found = found_or_throw(env, dictenstein_store_contains(PTR(dictenstein_store, s), k.p, k.n, &err), &err);
  bytes_free(&k);
  return found;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_storeIncrement(JNIEnv *env, jclass cls, jlong s, jbyteArray key, jlong delta) {
  UNUSED;
  bytes k;
  if (!bytes_required(env, key, &k, "key")) return 0;
  uint64_t v = 0;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_increment(PTR(dictenstein_store, s), k.p, k.n, (uint64_t)delta, &v, &err), &err);
  bytes_free(&k);
  return (jlong)v;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_storeLen(JNIEnv *env, jclass cls, jlong s) {
  UNUSED;
  uint64_t n = 0;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_len(PTR(dictenstein_store, s), &n, &err), &err);
  return (jlong)n;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeSync(JNIEnv *env, jclass cls, jlong s) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_sync(PTR(dictenstein_store, s), &err), &err);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeCheckpoint(JNIEnv *env, jclass cls, jlong s, jboolean compact) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_checkpoint(PTR(dictenstein_store, s), compact ? 1 : 0, &err), &err);
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeSetDurability(JNIEnv *env, jclass cls, jlong s, jint durability,
                                                                  jlong interval_us) {
  UNUSED;
  dictenstein_error *err = NULL;
  ok(env, dictenstein_store_set_durability(PTR(dictenstein_store, s), (uint32_t)durability, (uint64_t)interval_us, &err), &err);
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_storeDict(JNIEnv *env, jclass cls, jlong s) {
  UNUSED;
  dictenstein_dict *d = NULL;
  dictenstein_error *err = NULL;
  return ok(env, dictenstein_store_dict(PTR(dictenstein_store, s), &d, &err), &err) ? HANDLE(d) : 0;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeWriteBatch(JNIEnv *env, jclass cls, jlong s, jobjectArray keys,
                                                               jobjectArray values) {
  UNUSED;
  if (keys == NULL || values == NULL) {
    throw_npe(env, "batch");
    return;
  }
  jsize n = (*env)->GetArrayLength(env, keys);
  if ((*env)->GetArrayLength(env, values) != n) {
    throw_status(env, DICTENSTEIN_INVALID_ARGUMENT, NULL, "batch: keys and values differ in length");
    return;
  }
  dictenstein_batch *b = NULL;
  if (!ok(env, dictenstein_batch_new(&b), NULL)) return;
  int good = 1;
  for (jsize i = 0; good && i < n; i++) {
    jbyteArray jk = (jbyteArray)(*env)->GetObjectArrayElement(env, keys, i);
    jbyteArray jv = (jbyteArray)(*env)->GetObjectArrayElement(env, values, i);
    bytes k, v;
    good = bytes_required(env, jk, &k, "batch key");
    if (good) {
      dictenstein_error *err = NULL;
      if (jv == NULL) {
        good = ok(env, dictenstein_batch_remove(b, k.p, k.n, &err), &err);
      } else if ((good = bytes_in(env, jv, &v))) {
        good = ok(env, dictenstein_batch_put(b, k.p, k.n, v.p, v.n, &err), &err);
        bytes_free(&v);
      }
      bytes_free(&k);
    }
    (*env)->DeleteLocalRef(env, jk);
    if (jv != NULL) (*env)->DeleteLocalRef(env, jv);
  }
  if (good) {
    dictenstein_error *err = NULL;
    ok(env, dictenstein_store_write_batch(PTR(dictenstein_store, s), b, &err), &err);
  }
  dictenstein_batch_free(b);
}

JNIEXPORT jlongArray JNICALL Java_dictenstein_Native_storeStats(JNIEnv *env, jclass cls, jlong s) {
  UNUSED;
  dictenstein_store_stats st;
  memset(&st, 0, sizeof st);
  st.size = sizeof st;
  dictenstein_error *err = NULL;
  if (!ok(env, dictenstein_store_stats_get(PTR(dictenstein_store, s), &st, &err), &err)) return NULL;
  jlong v[22] = {
      (jlong)st.gets, (jlong)st.puts, (jlong)st.removes, (jlong)st.batches, (jlong)st.increments,
      (jlong)st.wal_records, (jlong)st.wal_bytes_written, (jlong)st.fsyncs, (jlong)st.commit_groups,
      (jlong)st.commit_requests, (jlong)st.checkpoints, (jlong)st.last_checkpoint_us, (jlong)st.compactions,
      (jlong)st.current_lsn, (jlong)st.synced_lsn, (jlong)st.keys, (jlong)st.image_bytes,
      (jlong)st.image_dead_bytes, (jlong)st.wal_bytes, (jlong)st.index_bytes, (jlong)st.replayed_records,
      (jlong)st.open_us};
  jlongArray a = (*env)->NewLongArray(env, 22);
  if (a != NULL) (*env)->SetLongArrayRegion(env, a, 0, 22, v);
  return a;
}

JNIEXPORT jlong JNICALL Java_dictenstein_Native_storeCursorOpen(JNIEnv *env, jclass cls, jlong s, jbyteArray lo, jbyteArray hi,
                                                               jboolean prefix) {
  UNUSED;
  bytes l, h;
  if (!bytes_in(env, lo, &l)) return 0;
  if (!bytes_in(env, hi, &h)) {
    bytes_free(&l);
    return 0;
  }
  /* An empty, non-NULL hi is an empty upper bound; the C API reads NULL as "none". */
  static const uint8_t empty_bound = 0;
  const uint8_t *hp = hi != NULL && h.p == NULL ? &empty_bound : h.p;
  dictenstein_store_cursor *c = NULL;
  dictenstein_error *err = NULL;
  int good = ok(env, dictenstein_store_cursor_open(PTR(dictenstein_store, s), l.p, l.n, hp, h.n, prefix ? 1 : 0, &c, &err), &err);
  bytes_free(&l);
  bytes_free(&h);
  return good ? HANDLE(c) : 0;
}

JNIEXPORT jobjectArray JNICALL Java_dictenstein_Native_storeCursorNext(JNIEnv *env, jclass cls, jlong c) {
  UNUSED;
  const uint8_t *k = NULL, *v = NULL;
  size_t kn = 0, vn = 0;
  dictenstein_error *err = NULL;
  dictenstein_status st = dictenstein_store_cursor_next(PTR(dictenstein_store_cursor, c), &k, &kn, &v, &vn, &err);
  if (st == DICTENSTEIN_END || !ok(env, st, &err)) return NULL;
  jclass byte_array = (*env)->FindClass(env, "[B");
  if (byte_array == NULL) return NULL;
  jobjectArray pair = (*env)->NewObjectArray(env, 2, byte_array, NULL);
  jbyteArray jk = pair ? bytes_out(env, k, kn) : NULL;
  jbyteArray jv = jk ? bytes_out(env, v, vn) : NULL;
  if (jv == NULL) return NULL;
  (*env)->SetObjectArrayElement(env, pair, 0, jk);
  (*env)->SetObjectArrayElement(env, pair, 1, jv);
  return pair;
}

JNIEXPORT void JNICALL Java_dictenstein_Native_storeCursorFree(JNIEnv *env, jclass cls, jlong c) {
  UNUSED;
  (void)env;
  dictenstein_store_cursor_free(PTR(dictenstein_store_cursor, c));
}
