#include "embeval/io/npy.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/util/atomic_file.h"

namespace embeval {
namespace {

// We copy raw little-endian bytes straight into host floats.
static_assert(std::endian::native == std::endian::little, "npy I/O assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;
constexpr const char* kAcceptedDtypes = "accepted dtypes: float32 ('<f4') and float16 ('<f2')";

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

// Parses the Python dict literal of an .npy header, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// Only the three keys numpy writes are understood; anything else is an error.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  NpyHeader parse() {
    NpyHeader header;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        header.descr = string_literal();
        seen_descr = true;
      } else if (key == "fortran_order") {
        header.fortran_order = bool_literal();
        seen_order = true;
      } else if (key == "shape") {
        header.shape = shape_tuple();
        seen_shape = true;
      } else {
        fail("unknown header key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}'");
    }
    if (!seen_descr || !seen_order || !seen_shape) {
      fail("header lacks one of 'descr', 'fortran_order', 'shape'");
    }
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("malformed .npy header: " + what + " in: " + std::string(text_), file_, 0,
                     "write the file with numpy.save");
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    ++pos_;
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string value(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return value;
  }
  bool bool_literal() {
    skip_space();
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<std::size_t> shape_tuple() {
    std::vector<std::size_t> shape;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') {
        ++pos_;
        return shape;
      }
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a dimension");
      std::size_t value = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const std::size_t digit = static_cast<std::size_t>(text_[pos_] - '0');
        if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("huge dimension");
        value = value * 10 + digit;
        ++pos_;
      }
      // numpy writes Python ints; tolerate a trailing 'L' from Python 2 files.
      if (peek() == 'L') ++pos_;
      shape.push_back(value);
      skip_space();
      if (peek() == ',') ++pos_;
    }
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
};

std::uint64_t read_le(const unsigned char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) value |= std::uint64_t{p[i]} << (8 * i);
  return value;
}

// Returns the element size (4 or 2) for an accepted descr, else throws.
std::size_t element_bytes(const std::string& descr, const std::string& file) {
  if (descr.size() == 3 && (descr[0] == '<' || descr[0] == '|' || descr[0] == '=') &&
      descr[1] == 'f' && (descr[2] == '4' || descr[2] == '2')) {
    return descr[2] == '4' ? 4 : 2;
  }
  std::string hint = kAcceptedDtypes;
  if (!descr.empty() && descr[0] == '>') {
    hint += "; this file is big-endian: save arr.astype('<f4')";
  } else {
    hint += "; convert with arr.astype(numpy.float32)";
  }
  throw InputError("unsupported dtype '" + descr + "'", file, 0, hint);
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";
  return out + ")";
}

void check_finite(const DenseMatrix& m, const std::string& file) {
  if (const auto at = find_non_finite(m)) {
    const float value = m.row(at->row)[at->col];
    throw InputError("row " + std::to_string(at->row) + " (0-based), column " +
                         std::to_string(at->col) + " holds " +
                         (std::isnan(value) ? "NaN" : "an infinite value"),
                     file, 0, "embeddings must be finite; check the encoder output");
  }
}

std::string make_header(const char* descr, std::size_t rows, std::size_t cols) {
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" +
                     std::to_string(rows) + ", " + std::to_string(cols) + "), }";
  // Version 1.0 has a 2-byte header length; 2.0 a 4-byte one. Total size is padded to 64.
  const bool v2 = dict.size() + 1 + kMagicBytes + 4 > 65535;
  const std::size_t prefix = kMagicBytes + 2 + (v2 ? 4 : 2);
  std::size_t total = prefix + dict.size() + 1;
  total = (total + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict.push_back('\n');
  std::string out(kMagic, kMagicBytes);
  out.push_back(static_cast<char>(v2 ? 2 : 1));
  out.push_back(0);
  const std::size_t len = dict.size();
  for (std::size_t i = 0; i < (v2 ? 4u : 2u); ++i) out.push_back(static_cast<char>(len >> (8 * i)));
  return out + dict;
}

void write_npy_raw(const std::filesystem::path& path, const char* descr, const void* data,
                   std::size_t rows, std::size_t cols, std::size_t element_size) {
  AtomicFileWriter writer(path);
  writer.write(make_header(descr, rows, cols));
  if (rows * cols > 0) writer.write(data, rows * cols * element_size);
  writer.commit();
}

}  // namespace

float half_to_float(std::uint16_t bits) {
  const std::uint32_t sign = (bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1Fu;
  const std::uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0) {
    // Zero or subnormal: value = mantissa * 2^-24, exact in float32.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  std::uint32_t out;
  if (exponent == 0x1F) {
    out = sign | 0x7F800000u | (mantissa << 13);  // inf or NaN
  } else {
    out = sign | ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 -> 127
  }
  return std::bit_cast<float>(out);
}

DenseMatrix read_npy_matrix(const std::filesystem::path& path, const NpyReadOptions& options) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open file", file, 0, "check the path");
  std::error_code ec;
  const std::uintmax_t file_size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError("cannot read file size: " + ec.message(), file);

  unsigned char prefix[12] = {};
  in.read(reinterpret_cast<char*>(prefix), 10);
  if (in.gcount() < 10 || std::memcmp(prefix, kMagic, kMagicBytes) != 0) {
    throw InputError("not a .npy file (bad magic)", file, 0,
                     "expected a file written by numpy.save (starts with \\x93NUMPY)");
  }
  const int major = prefix[6];
  const int minor = prefix[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw InputError(
        "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor), file, 0,
        "versions 1.0, 2.0 and 3.0 are supported");
  }
  std::size_t header_len;
  std::size_t data_offset;
  if (major == 1) {
    header_len = read_le(prefix + 8, 2);
    data_offset = 10 + header_len;
  } else {
    in.read(reinterpret_cast<char*>(prefix + 10), 2);
    if (in.gcount() < 2) throw InputError("truncated .npy header", file);
    header_len = read_le(prefix + 8, 4);
    data_offset = 12 + header_len;
  }
  if (data_offset > file_size) {
    throw InputError("truncated .npy header (" + std::to_string(header_len) + " bytes promised)",
                     file);
  }
  std::string header_text(header_len, '\0');
  in.read(header_text.data(), static_cast<std::streamsize>(header_len));
  if (static_cast<std::size_t>(in.gcount()) != header_len) {
    throw InputError("truncated .npy header", file);
  }
  const NpyHeader header = HeaderParser(header_text, file).parse();

  const std::size_t elem = element_bytes(header.descr, file);
  if (header.fortran_order) {
    throw InputError("fortran_order is True (column-major array)", file, 0,
                     "save a C-order array: numpy.save(f, numpy.ascontiguousarray(arr))");
  }
  if (header.shape.size() != 2) {
    throw InputError("expected a 2-D array (rows x dim), got shape " + shape_text(header.shape),
                     file, 0,
                     header.shape.size() == 1 ? "reshape a single vector with arr.reshape(1, -1)"
                                              : "save one embedding per row");
  }
  const std::size_t rows = header.shape[0];
  const std::size_t cols = header.shape[1];
  if (cols == 0)
    throw InputError("array has 0 columns (shape " + shape_text(header.shape) + ")", file);
  if (rows > std::numeric_limits<std::size_t>::max() / cols / elem) {
    throw InputError("shape " + shape_text(header.shape) + " is too large", file);
  }
  const std::size_t data_bytes = rows * cols * elem;
  if (file_size - data_offset != data_bytes) {
    const bool shorter = file_size - data_offset < data_bytes;
    throw InputError(
        std::string(shorter ? "truncated data: " : "trailing bytes: ") + "shape " +
            shape_text(header.shape) + " " + header.descr + " needs " + std::to_string(data_bytes) +
            " data bytes, file has " + std::to_string(file_size - data_offset),
        file, 0, shorter ? "the file was cut short; write it again" : "the file is corrupt");
  }

  DenseMatrix matrix(rows, cols);
  if (elem == 4) {
    in.read(reinterpret_cast<char*>(matrix.data.data()), static_cast<std::streamsize>(data_bytes));
    if (static_cast<std::size_t>(in.gcount()) != data_bytes) {
      throw InputError("read error in data section", file);
    }
  } else {
    // float16: convert in chunks so the extra buffer stays small.
    constexpr std::size_t kChunk = 1 << 16;
    std::vector<std::uint16_t> buffer(kChunk);
    const std::size_t total = rows * cols;
    for (std::size_t done = 0; done < total;) {
      const std::size_t n = std::min(kChunk, total - done);
      in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(n * 2));
      if (static_cast<std::size_t>(in.gcount()) != n * 2) {
        throw InputError("read error in data section", file);
      }
      for (std::size_t i = 0; i < n; ++i) matrix.data[done + i] = half_to_float(buffer[i]);
      done += n;
    }
  }
  if (options.require_finite) check_finite(matrix, file);
  return matrix;
}

void write_npy_f32(const std::filesystem::path& path, const float* data, std::size_t rows,
                   std::size_t cols) {
  write_npy_raw(path, "<f4", data, rows, cols, sizeof(float));
}

void write_npy_i64(const std::filesystem::path& path, const std::int64_t* data, std::size_t rows,
                   std::size_t cols) {
  write_npy_raw(path, "<i8", data, rows, cols, sizeof(std::int64_t));
}

}  // namespace embeval
