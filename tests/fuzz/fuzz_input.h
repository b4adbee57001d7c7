#pragma once

// What the fuzz targets share: a reader of fuzz input as typed values, the writer that makes seed
// inputs of the same layout, the property check that fails a run, and the seed-writing mode.
//
// Every target also accepts `--write-seeds=DIR` (libFuzzer ignores flags that start with "--"): it
// writes its hand-made seed inputs into DIR and exits, so the seeds in tests/fuzz/corpus/ are made
// by the same code that reads them.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// Fails the run (libFuzzer saves the input as a crash) unless `cond` holds.
#define FHV_FUZZ_CHECK(cond, what)                                                  \
  do {                                                                              \
    if (!(cond)) ::fhv::fuzz::Fail(__FILE__, __LINE__, #cond, ::std::string(what)); \
  } while (false)

namespace fhv::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* cond,
                              const std::string& what) {
  std::fprintf(stderr, "\nPROPERTY VIOLATED at %s:%d: %s\n  %s\n", file, line, cond, what.c_str());
  std::abort();
}

// Reads fuzz input front to back. Past the end every read gives its lowest value (lo, false, the
// empty string), so every input decodes to something and short inputs stay meaningful.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }

  // An integer in [lo, hi] from the next sizeof(T) bytes (little-endian, modulo the range).
  template <typename T>
  T Int(T lo, T hi) {
    static_assert(std::is_integral_v<T> && sizeof(T) <= 8);
    uint64_t raw = 0;
    for (size_t i = 0; i < sizeof(T); ++i) raw |= static_cast<uint64_t>(Byte()) << (8 * i);
    const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    const uint64_t offset = range == std::numeric_limits<uint64_t>::max() ? raw : raw % (range + 1);
    return static_cast<T>(static_cast<uint64_t>(lo) + offset);
  }
  template <typename T>
  T Int() {
    return Int<T>(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  }

  bool Bool() { return (Byte() & 1) != 0; }

  // A string of at most `max` (< 65536) bytes: a 2-byte length, then the bytes.
  std::string String(size_t max) {
    const size_t n = Int<uint16_t>(0, static_cast<uint16_t>(max));
    std::string out;
    while (out.size() < n && !empty()) out.push_back(static_cast<char>(Byte()));
    return out;
  }

  // Every byte not read yet.
  std::string Rest() {
    std::string out(reinterpret_cast<const char*>(data_) + std::min(pos_, size_),
                    size_ - std::min(pos_, size_));
    pos_ = size_;
    return out;
  }

 private:
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Writes values so that a Reader reading the same types and ranges gives them back.
class Writer {
 public:
  template <typename T>
  Writer& Int(T value, T lo) {
    const uint64_t offset = static_cast<uint64_t>(value) - static_cast<uint64_t>(lo);
    for (size_t i = 0; i < sizeof(T); ++i) bytes_.push_back(static_cast<char>(offset >> (8 * i)));
    return *this;
  }
  template <typename T>
  Writer& Int(T value) {
    return Int<T>(value, std::numeric_limits<T>::min());
  }
  Writer& Bool(bool value) {
    bytes_.push_back(value ? 1 : 0);
    return *this;
  }
  Writer& String(std::string_view s) {
    Int<uint16_t>(static_cast<uint16_t>(s.size()), 0);
    bytes_.append(s);
    return *this;
  }
  Writer& Rest(std::string_view s) {
    bytes_.append(s);
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// If the arguments hold `--write-seeds=DIR`, writes `make_seeds()` (name -> bytes) into DIR and
// exits; DIR must exist. Call from LLVMFuzzerInitialize.
template <typename MakeSeeds>
void MaybeWriteSeeds(int argc, char** argv, MakeSeeds make_seeds) {
  constexpr std::string_view kFlag = "--write-seeds=";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.substr(0, kFlag.size()) != kFlag) continue;
    const std::string dir(arg.substr(kFlag.size()));
    const std::vector<std::pair<std::string, std::string>> seeds = make_seeds();
    for (const auto& [name, bytes] : seeds) {
      std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
      out << bytes;
      if (!out) {
        std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
        std::exit(1);
      }
    }
    std::fprintf(stderr, "wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
    std::exit(0);
  }
}

}  // namespace fhv::fuzz
