// .npy reading and writing: round trips, byte-exact headers, float16, and every rejected input.
#include "embeval/io/npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class NpyTest : public ::testing::Test {
 protected:
  // Writes an .npy by hand: version byte, header dict (padded to 64 like numpy), raw data.
  fs::path write_raw(const std::string& name, const std::string& dict, const std::string& data,
                     int major = 1) {
    std::string header = dict;
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0) header.push_back(' ');
    header.push_back('\n');
    std::string bytes = "\x93NUMPY";
    bytes.push_back(static_cast<char>(major));
    bytes.push_back(0);
    const std::size_t len = header.size();
    for (std::size_t i = 0; i < prefix - 8; ++i) bytes.push_back(static_cast<char>(len >> (8 * i)));
    bytes += header + data;
    return dir_.write(name, bytes);
  }

  static std::string floats(const std::vector<float>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
  }

  static std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // The InputError message of reading `path`, or "" when it reads fine.
  static std::string read_error(const fs::path& path) {
    try {
      (void)read_npy_matrix(path);
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), path.string());
      return e.what();
    }
    return "";
  }

  testing::TempDir dir_{"embeval-npy"};
};

constexpr const char* kF4x2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

TEST_F(NpyTest, ReadsFloat32Matrix) {
  const fs::path p = write_raw("a.npy", kF4x2x3, floats({1, 2, 3, 4, 5, -6.5f}));
  const DenseMatrix m = read_npy_matrix(p);
  ASSERT_EQ(m.rows, 2u);
  ASSERT_EQ(m.cols, 3u);
  EXPECT_EQ(m.data, (std::vector<float>{1, 2, 3, 4, 5, -6.5f}));
}

TEST_F(NpyTest, ReadsVersion2And3Headers) {
  for (const int major : {2, 3}) {
    // (A name built with std::to_string trips a GCC 12 -Wrestrict false positive.)
    const fs::path p =
        write_raw(major == 2 ? "v2.npy" : "v3.npy", kF4x2x3, floats({1, 2, 3, 4, 5, 6}), major);
    const DenseMatrix m = read_npy_matrix(p);
    EXPECT_EQ(m.rows, 2u);
    EXPECT_EQ(m.data[5], 6.0f);
  }
}

TEST_F(NpyTest, ReadsFloat16AndConvertsExactly) {
  // binary16: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, 65504 (max) = 0x7BFF,
  // smallest subnormal 2^-24 = 0x0001, -0.0 = 0x8000.
  const std::vector<std::uint16_t> halves = {0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000};
  const std::string data(reinterpret_cast<const char*>(halves.data()), halves.size() * 2);
  const fs::path p =
      write_raw("h.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 2), }", data);
  const DenseMatrix m = read_npy_matrix(p);
  ASSERT_EQ(m.rows, 3u);
  ASSERT_EQ(m.cols, 2u);
  EXPECT_EQ(m.data[0], 1.0f);
  EXPECT_EQ(m.data[1], -2.0f);
  EXPECT_EQ(m.data[2], 0.5f);
  EXPECT_EQ(m.data[3], 65504.0f);
  EXPECT_EQ(m.data[4], std::ldexp(1.0f, -24));
  EXPECT_EQ(m.data[5], 0.0f);
  EXPECT_TRUE(std::signbit(m.data[5]));
}

TEST_F(NpyTest, HalfToFloatSpecialValues) {
  EXPECT_EQ(half_to_float(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(half_to_float(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(half_to_float(0x7E00)));
  EXPECT_EQ(half_to_float(0x03FF), 1023.0f * std::ldexp(1.0f, -24));  // largest subnormal
  EXPECT_EQ(half_to_float(0x0400), std::ldexp(1.0f, -14));            // smallest normal
}

TEST_F(NpyTest, AcceptsPipeByteOrderAndEmptyRows) {
  const fs::path p =
      write_raw("z.npy", "{'descr': '|f4', 'fortran_order': False, 'shape': (0, 7), }", "");
  const DenseMatrix m = read_npy_matrix(p);
  EXPECT_EQ(m.rows, 0u);
  EXPECT_EQ(m.cols, 7u);
}

TEST_F(NpyTest, WriteFloat32IsByteExactNumpyLayout) {
  const std::vector<float> values = {1.5f, -2.0f, 0.25f, 8.0f};
  write_npy_f32(dir_ / "w.npy", values.data(), 2, 2);
  const std::string bytes = slurp(dir_ / "w.npy");
  // numpy.save(np.array([[1.5,-2],[0.25,8]], dtype='<f4')) writes exactly this 128-byte header.
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header.push_back('\n');
  const std::string expected_prefix = std::string("\x93NUMPY\x01\x00", 8) + "\x76" + '\0' + header;
  ASSERT_EQ(bytes.size(), 128u + 16u);
  EXPECT_EQ(bytes.substr(0, 128), expected_prefix);
  EXPECT_EQ(bytes.substr(128), floats(values));
  const DenseMatrix back = read_npy_matrix(dir_ / "w.npy");
  EXPECT_EQ(back.data, values);
}

TEST_F(NpyTest, WriteInt64Ids) {
  const std::vector<std::int64_t> ids = {0, -1, 1234567890123LL};
  write_npy_i64(dir_ / "ids.npy", ids.data(), 1, 3);
  const std::string bytes = slurp(dir_ / "ids.npy");
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_NE(bytes.find("'descr': '<i8'"), std::string::npos);
  EXPECT_NE(bytes.find("'shape': (1, 3)"), std::string::npos);
  std::int64_t back[3];
  std::memcpy(back, bytes.data() + 128, 24);
  EXPECT_EQ(back[2], 1234567890123LL);
  EXPECT_EQ(back[1], -1);
  // Reading it as embeddings is refused with the accepted dtypes named.
  EXPECT_NE(read_error(dir_ / "ids.npy").find("unsupported dtype '<i8'"), std::string::npos);
}

TEST_F(NpyTest, RejectsBadMagic) {
  const fs::path p = dir_ / "bad.npy";
  std::ofstream(p) << "not numpy at all, just text";
  EXPECT_NE(read_error(p).find("not a .npy file (bad magic)"), std::string::npos);
  std::ofstream(dir_ / "short.npy") << "\x93NU";
  EXPECT_NE(read_error(dir_ / "short.npy").find("bad magic"), std::string::npos);
}

TEST_F(NpyTest, RejectsMissingFile) {
  EXPECT_NE(read_error(dir_ / "absent.npy").find("cannot open file"), std::string::npos);
}

TEST_F(NpyTest, RejectsUnsupportedVersion) {
  const fs::path p = write_raw("v4.npy", kF4x2x3, floats({1, 2, 3, 4, 5, 6}), 4);
  EXPECT_NE(read_error(p).find("unsupported .npy version 4.0"), std::string::npos);
}

TEST_F(NpyTest, RejectsFortranOrder) {
  const fs::path p =
      write_raw("f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
                floats({1, 2, 3, 4, 5, 6}));
  const std::string error = read_error(p);
  EXPECT_NE(error.find("fortran_order is True"), std::string::npos) << error;
  EXPECT_NE(error.find("ascontiguousarray"), std::string::npos) << error;
}

TEST_F(NpyTest, RejectsOtherDtypesNamingTheAcceptedOnes) {
  const fs::path p = write_raw(
      "d.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", std::string(8, 0));
  const std::string error = read_error(p);
  EXPECT_NE(error.find("unsupported dtype '<f8'"), std::string::npos) << error;
  EXPECT_NE(error.find("float32 ('<f4') and float16 ('<f2')"), std::string::npos) << error;
  const fs::path big = write_raw(
      "b.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", std::string(4, 0));
  EXPECT_NE(read_error(big).find("big-endian"), std::string::npos);
}

TEST_F(NpyTest, RejectsShapesThatAreNotTwoDimensional) {
  const fs::path one = write_raw(
      "1d.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", floats({1, 2, 3}));
  std::string error = read_error(one);
  EXPECT_NE(error.find("expected a 2-D array (rows x dim), got shape (3,)"), std::string::npos)
      << error;
  EXPECT_NE(error.find("reshape(1, -1)"), std::string::npos) << error;
  const fs::path three = write_raw(
      "3d.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }", floats({1, 2}));
  EXPECT_NE(read_error(three).find("got shape (1, 1, 2)"), std::string::npos);
  const fs::path no_cols =
      write_raw("0c.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 0), }", "");
  EXPECT_NE(read_error(no_cols).find("0 columns"), std::string::npos);
}

TEST_F(NpyTest, RejectsTruncatedAndOverlongData) {
  const fs::path cut = write_raw("cut.npy", kF4x2x3, floats({1, 2, 3, 4, 5}));
  std::string error = read_error(cut);
  EXPECT_NE(error.find("truncated data"), std::string::npos) << error;
  EXPECT_NE(error.find("needs 24 data bytes, file has 20"), std::string::npos) << error;
  const fs::path longer = write_raw("long.npy", kF4x2x3, floats({1, 2, 3, 4, 5, 6, 7}));
  EXPECT_NE(read_error(longer).find("trailing bytes"), std::string::npos);
  // Header length promising more bytes than the file has.
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + "\xff\x00" + "{'descr'";
  std::ofstream(dir_ / "hdr.npy", std::ios::binary) << bytes;
  EXPECT_NE(read_error(dir_ / "hdr.npy").find("truncated .npy header"), std::string::npos);
}

TEST_F(NpyTest, RejectsMalformedHeader) {
  const fs::path p = write_raw("m.npy", "{'descr': '<f4', 'shape': (2, 3), }", floats({1}));
  EXPECT_NE(read_error(p).find("malformed .npy header"), std::string::npos);
}

TEST_F(NpyTest, RejectsNonFiniteValuesNamingTheRow) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const fs::path p = write_raw("nan.npy", kF4x2x3, floats({1, 2, 3, 4, nan, 6}));
  std::string error = read_error(p);
  EXPECT_NE(error.find("row 1 (0-based), column 1 holds NaN"), std::string::npos) << error;
  const fs::path inf = write_raw("inf.npy", kF4x2x3,
                                 floats({std::numeric_limits<float>::infinity(), 2, 3, 4, 5, 6}));
  EXPECT_NE(read_error(inf).find("row 0 (0-based), column 0 holds an infinite value"),
            std::string::npos);
  // Opting out keeps the values.
  NpyReadOptions lenient;
  lenient.require_finite = false;
  EXPECT_TRUE(std::isnan(read_npy_matrix(p, lenient).data[4]));
}

}  // namespace
}  // namespace embeval
