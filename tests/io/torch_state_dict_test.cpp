// State dicts written by the real torch.save (Debian's python3-torch, run once per test process
// into a TempDir) read back bit for bit: torch prints each expected float32 value as hex, so the
// comparison is exact. Hostile files (a pickle calling os.system, legacy format, truncation,
// storages of the wrong size) end in an InputError and never run anything.
#include "embeval/io/torch_state_dict.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

// Each case saves a state dict and writes "KEY DTYPE SHAPE HEX..." lines of what torch holds
// (SHAPE: comma-separated, "-" for a scalar; HEX: float.hex of each value as float32, C order).
constexpr const char* kMakeFiles = R"PY(
import os, sys, zipfile, torch
out = sys.argv[1]
torch.manual_seed(7)

def save(name, sd, **kw):
    torch.save(sd, os.path.join(out, name + ".pt"), **kw)
    with open(os.path.join(out, name + ".expected"), "w") as f:
        for k, t in sd.items():
            shape = ",".join(str(s) for s in t.shape) or "-"
            vals = t.detach().to(torch.float32).contiguous().reshape(-1).tolist()
            f.write(" ".join([k, str(t.dtype).replace("torch.", ""), shape] +
                             [float(v).hex() for v in vals]) + "\n")

# BGE-M3's heads: sparse_linear = Linear(hidden, 1), colbert_linear = Linear(hidden, hidden).
save("sparse_linear", torch.nn.Linear(8, 1).state_dict())
save("colbert_linear_f16", torch.nn.Linear(6, 6).half().state_dict())
base = torch.arange(20, dtype=torch.float32) / 7
save("views", {"transposed": torch.arange(12.).reshape(3, 4).t(),
               "sliced": base[5:11].view(2, 3), "row": base[5:11].view(2, 3)[1],
               "whole": base})
save("dtypes", {"bf16": torch.randn(3, 2).bfloat16(), "f64": torch.randn(4).double(),
                "count": torch.tensor(123456, dtype=torch.long),
                "flags": torch.tensor([True, False, True])})
save("legacy", {"w": torch.ones(2)}, _use_new_zipfile_serialization=False)

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + os.path.join(out, "PWNED"),))
torch.save({"w": Evil()}, os.path.join(out, "evil.pt"))

# A storage one element short: copy the archive, rewriting data/0.
src = zipfile.ZipFile(os.path.join(out, "sparse_linear.pt"))
with zipfile.ZipFile(os.path.join(out, "short_storage.pt"), "w") as dst:
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename.endswith("/data/0"):
            data = data[:-4]
        dst.writestr(info, data)
data = open(os.path.join(out, "sparse_linear.pt"), "rb").read()
open(os.path.join(out, "truncated.pt"), "wb").write(data[: len(data) // 2])
)PY";

struct Expected {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};

std::map<std::string, Expected> read_expected(const fs::path& file) {
  std::map<std::string, Expected> expected;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key, shape, hex;
    Expected e;
    fields >> key >> e.dtype >> shape;
    if (shape != "-") {
      std::istringstream dims(shape);
      for (std::string dim; std::getline(dims, dim, ',');) e.shape.push_back(std::stoll(dim));
    }
    while (fields >> hex) e.values.push_back(static_cast<float>(std::strtod(hex.c_str(), nullptr)));
    expected[key] = e;
  }
  return expected;
}

class TorchStateDictTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("embeval-torch");
    const fs::path script = dir_->write("make_files.py", kMakeFiles);
    const std::string command =
        "/usr/bin/python3 " + script.string() + " " + dir_->string() + " 2>&1";
    made_ = std::system(command.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(made_) << "python3-torch (Debian) must be installed: scripts/setup.sh does it";
  }

  static void expect_same(const std::string& name) {
    const TorchStateDict dict = read_torch_state_dict(*dir_ / (name + ".pt"));
    const auto expected = read_expected(*dir_ / (name + ".expected"));
    ASSERT_EQ(dict.tensors.size(), expected.size()) << name;
    for (const auto& [key, tensor] : dict.tensors) {
      SCOPED_TRACE(name + ": " + key);
      const auto it = expected.find(key);
      ASSERT_NE(it, expected.end());
      EXPECT_EQ(tensor.dtype, it->second.dtype);
      EXPECT_EQ(tensor.shape, it->second.shape);
      ASSERT_EQ(tensor.values.size(), it->second.values.size());
      for (std::size_t i = 0; i < tensor.values.size(); ++i) {
        EXPECT_EQ(tensor.values[i], it->second.values[i]) << "index " << i;
      }
    }
  }

  static std::string error_of(const std::string& file) {
    try {
      (void)read_torch_state_dict(*dir_ / file);
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
      return e.what();
    }
    ADD_FAILURE() << file << " was accepted";
    return {};
  }

  static testing::TempDir* dir_;
  static bool made_;
};

testing::TempDir* TorchStateDictTest::dir_ = nullptr;
bool TorchStateDictTest::made_ = false;

TEST_F(TorchStateDictTest, ReadsBgeM3HeadShapesExactly) {
  expect_same("sparse_linear");
  const TorchStateDict dict = read_torch_state_dict(*dir_ / "sparse_linear.pt");
  EXPECT_EQ(dict.at("weight").shape, (std::vector<std::int64_t>{1, 8}));
  EXPECT_EQ(dict.at("bias").shape, (std::vector<std::int64_t>{1}));
  expect_same("colbert_linear_f16");
}

TEST_F(TorchStateDictTest, AppliesStridesAndOffsetsOfViews) {
  expect_same("views");
  const TorchStateDict dict = read_torch_state_dict(*dir_ / "views.pt");
  // arange(12).reshape(3, 4).t(): row 0 is 0, 4, 8.
  const TorchTensor& t = dict.at("transposed");
  ASSERT_EQ(t.values.size(), 12u);
  EXPECT_EQ(t.values[1], 4.0f);
  EXPECT_EQ(t.values[2], 8.0f);
  EXPECT_EQ(dict.at("row").values.front(), 8.0f / 7.0f);  // base[8]
}

TEST_F(TorchStateDictTest, ConvertsEveryStorageTypeItHolds) { expect_same("dtypes"); }

TEST_F(TorchStateDictTest, NamesTheTensorsItHoldsWhenOneIsMissing) {
  const TorchStateDict dict = read_torch_state_dict(*dir_ / "sparse_linear.pt");
  try {
    (void)dict.at("colbert.weight");
    FAIL() << "a missing tensor was found";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("weight, bias"), std::string::npos) << e.what();
  }
}

TEST_F(TorchStateDictTest, RefusesAPickleThatCallsAFunctionAndRunsNothing) {
  const std::string message = error_of("evil.pt");
  EXPECT_NE(message.find("refusing the global 'posix system'"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(*dir_ / "PWNED"));
}

TEST_F(TorchStateDictTest, RefusesLegacyTruncatedAndMisSizedFiles) {
  EXPECT_NE(error_of("legacy.pt").find("not a readable zip archive"), std::string::npos);
  EXPECT_NE(error_of("truncated.pt").find("not a readable zip archive"), std::string::npos);
  EXPECT_NE(error_of("short_storage.pt").find("holds 28 bytes, its tensor needs 32"),
            std::string::npos);
  EXPECT_NE(error_of("make_files.py").find("not a readable zip archive"), std::string::npos);
  EXPECT_NE(error_of("missing.pt").find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace embeval
