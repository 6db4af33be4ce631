// Opens (creating) a durable store in the directory given as the first argument, writes a
// key, reads it back and closes the store, with the handles owned by std::unique_ptr.
#include <dictenstein.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

// Turns a failed status into an exception carrying the library's message. `err` is taken by
// address: in check(f(&e), e) C++ may read e before f has set it.
void check(dictenstein_status st, dictenstein_error **err) {
  if (st == DICTENSTEIN_OK) return;
  dictenstein_error *e = err ? *err : nullptr;
  std::string msg = std::string(dictenstein_status_name(st)) + ": " + (e ? dictenstein_error_message(e) : "");
  dictenstein_error_free(e);
  throw std::runtime_error(msg);
}

struct StoreCloser {
  void operator()(dictenstein_store *s) const { dictenstein_store_close(s, nullptr); }
};
using Store = std::unique_ptr<dictenstein_store, StoreCloser>;

const uint8_t *bytes(const std::string &s) { return reinterpret_cast<const uint8_t *>(s.data()); }

}  // namespace

int main(int argc, char **argv) try {
  if (argc != 2) throw std::runtime_error("usage: hello_cpp STORE_DIR");
  dictenstein_store_options opts;
  check(dictenstein_store_options_default(&opts), nullptr);
  opts.flags = DICTENSTEIN_STORE_CREATE;
  opts.durability = DICTENSTEIN_DURABILITY_GROUP_COMMIT;

  dictenstein_error *err = nullptr;
  dictenstein_store *raw = nullptr;
  check(dictenstein_store_open(argv[1], &opts, &raw, &err), &err);
  Store store(raw);

  std::string key = "greeting", value = "hello from C++";
  check(dictenstein_store_put(store.get(), bytes(key), key.size(), bytes(value), value.size(), &err), &err);

  std::string out(64, '\0');
  size_t len = 0;
  check(dictenstein_store_get(store.get(), bytes(key), key.size(),
                              reinterpret_cast<uint8_t *>(&out[0]), out.size(), &len, &err), &err);
  out.resize(len);
  std::printf("%s -> %s\n", key.c_str(), out.c_str());
  // Closing fsyncs and can fail, so do it explicitly rather than only in the deleter.
  check(dictenstein_store_close(store.release(), &err), &err);
  return 0;
} catch (const std::exception &e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 1;
}
