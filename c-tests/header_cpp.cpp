// The header must compile as C++17 with strict warnings and be callable from C++.
#include "dictenstein.h"

#include <cstdio>
#include <cstring>
#include <memory>

int main() {
  dictenstein_builder *b = nullptr;
  if (dictenstein_builder_new(DICTENSTEIN_KIND_DOUBLE_ARRAY, &b, nullptr) != DICTENSTEIN_OK) return 1;
  std::unique_ptr<dictenstein_builder, decltype(&dictenstein_builder_free)> guard(b, dictenstein_builder_free);
  const char word[] = "c++";
  if (dictenstein_builder_add(b, reinterpret_cast<const uint8_t *>(word), 3, 17, nullptr) != DICTENSTEIN_OK) return 1;
  dictenstein_dict *d = nullptr;
  if (dictenstein_builder_finish(b, &d, nullptr) != DICTENSTEIN_OK) return 1;
  std::unique_ptr<dictenstein_dict, decltype(&dictenstein_dict_free)> dguard(d, dictenstein_dict_free);
  uint64_t v = 0;
  if (dictenstein_dict_get(d, reinterpret_cast<const uint8_t *>(word), 3, &v, nullptr) != DICTENSTEIN_OK || v != 17) return 1;
  if (std::strcmp(dictenstein_version(nullptr, nullptr, nullptr), DICTENSTEIN_VERSION_STRING) != 0) return 1;
  std::puts("header_cpp: ok");
  return 0;
}
