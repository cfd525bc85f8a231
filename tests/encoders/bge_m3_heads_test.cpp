// BGE-M3's heads against an independent reference: random heads saved by the real torch.save
// (Debian's python3-torch) and FlagEmbedding's formulas evaluated in torch float64 on the same
// random hidden states. Tolerances follow from the arithmetic: embeval sums in double and rounds
// once (sparse weights: within 1 float ulp of the float64 value); a ColBERT row is rounded to
// float before normalising, so each component carries <= 3 float roundings (3 eps relative),
// and a dot of two such unit vectors differs by <= 6 eps from the exact one: 8 eps is asserted.
#include "embeval/encoders/bge_m3_heads.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

// Writes OUT/heads/{sparse,colbert}_linear.pt and OUT/reference.txt: for the query ("q") and the
// document ("d"): ids, hidden (hex floats), dense, sparse id:weight pairs, colbert rows; then the
// two scores. XLM-R ids: <s> 0, <pad> 1, </s> 2, <unk> 3.
constexpr const char* kReference = R"PY(
import os, sys, torch
out = sys.argv[1]
torch.manual_seed(11)
hidden = 16
os.makedirs(os.path.join(out, "heads"))
sparse = torch.nn.Linear(hidden, 1)
colbert = torch.nn.Linear(hidden, hidden).half()  # fp16 as some checkpoints ship it
torch.save(sparse.state_dict(), os.path.join(out, "heads", "sparse_linear.pt"))
torch.save(colbert.state_dict(), os.path.join(out, "heads", "colbert_linear.pt"))
Ws, bs = sparse.weight.double(), sparse.bias.double()
Wc, bc = colbert.weight.double(), colbert.bias.double()
unused = {0, 1, 2, 3}
hx = lambda v: float(v).hex()
def encode(tag, ids, f):
    h = torch.randn(len(ids), hidden).float()
    hd = h.double()
    dense = torch.nn.functional.normalize(hd[0], dim=-1)
    w = torch.relu(hd @ Ws.t() + bs).squeeze(-1)
    weights = {}
    for idx, wt in zip(ids, w.tolist()):
        if idx not in unused and wt > 0:
            weights[idx] = max(weights.get(idx, 0.0), wt)
    col = torch.nn.functional.normalize(hd[1:] @ Wc.t() + bc, dim=-1)
    f.write(tag + " ids " + " ".join(map(str, ids)) + "\n")
    f.write(tag + " hidden " + " ".join(hx(v) for v in h.reshape(-1).tolist()) + "\n")
    f.write(tag + " dense " + " ".join(hx(v) for v in dense.tolist()) + "\n")
    f.write(tag + " sparse " + " ".join("%d:%s" % (k, hx(weights[k])) for k in sorted(weights)) + "\n")
    f.write(tag + " colbert " + " ".join(hx(v) for v in col.reshape(-1).tolist()) + "\n")
    return weights, col
with open(os.path.join(out, "reference.txt"), "w") as f:
    qw, qc = encode("q", [0, 17, 40, 17, 3, 9, 2], f)
    dw, dc = encode("d", [0, 40, 9, 9, 55, 17, 81, 1, 2], f)
    sparse_score = sum(w * dw[k] for k, w in qw.items() if k in dw)
    colbert_score = (qc @ dc.t()).max(-1).values.sum() / qc.size(0)
    f.write("scores " + hx(sparse_score) + " " + hx(colbert_score.item()) + "\n")
)PY";

std::vector<float> floats(std::istringstream& in) {
  std::vector<float> values;
  for (std::string hex; in >> hex;)
    values.push_back(static_cast<float>(std::strtod(hex.c_str(), nullptr)));
  return values;
}

struct Side {
  std::vector<std::int32_t> ids;
  std::vector<float> hidden, dense, colbert;
  std::map<std::uint32_t, double> sparse;
};

class BgeM3HeadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path script = dir_.write("reference.py", kReference);
    const std::string command = "/usr/bin/python3 " + script.string() + " " + dir_.string();
    ASSERT_EQ(std::system(command.c_str()), 0)
        << "python3-torch (Debian) must be installed: scripts/setup.sh does it";
    std::ifstream in(dir_ / "reference.txt");
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string tag, what;
      fields >> tag;
      if (tag == "scores") {
        std::string a, b;
        fields >> a >> b;
        sparse_score_ = std::strtod(a.c_str(), nullptr);
        colbert_score_ = std::strtod(b.c_str(), nullptr);
        continue;
      }
      Side& side = sides_[tag];
      fields >> what;
      if (what == "ids") {
        for (std::int32_t id; fields >> id;) side.ids.push_back(id);
      } else if (what == "hidden") {
        side.hidden = floats(fields);
      } else if (what == "dense") {
        side.dense = floats(fields);
      } else if (what == "colbert") {
        side.colbert = floats(fields);
      } else if (what == "sparse") {
        for (std::string pair; fields >> pair;) {
          const std::size_t colon = pair.find(':');
          side.sparse[static_cast<std::uint32_t>(std::stoul(pair.substr(0, colon)))] =
              std::strtod(pair.substr(colon + 1).c_str(), nullptr);
        }
      }
    }
  }

  testing::TempDir dir_{"embeval-bge-m3"};
  std::map<std::string, Side> sides_;
  double sparse_score_ = 0;
  double colbert_score_ = 0;
  const std::unordered_set<std::int32_t> special_{0, 1, 2, 3};
};

TEST_F(BgeM3HeadsTest, MatchesFlagEmbeddingsFormulasInFloat64) {
  const BgeM3Heads heads(dir_ / "heads");
  ASSERT_EQ(heads.hidden_size(), 16u);
  ASSERT_EQ(heads.colbert_dimension(), 16u);
  std::map<std::string, BgeM3Output> outputs;
  for (const auto& [tag, side] : sides_) {
    SCOPED_TRACE(tag);
    const BgeM3Output out = heads.apply(side.hidden, side.ids, special_);
    ASSERT_EQ(out.dense.size(), side.dense.size());
    for (std::size_t i = 0; i < out.dense.size(); ++i) {
      EXPECT_NEAR(out.dense[i], side.dense[i], 8 * FLT_EPSILON) << i;
    }
    ASSERT_EQ(out.sparse.size(), side.sparse.size());
    auto expected = side.sparse.begin();
    for (const auto& [id, weight] : out.sparse) {
      EXPECT_EQ(id, expected->first);
      EXPECT_NEAR(weight, expected->second, FLT_EPSILON * std::abs(expected->second)) << id;
      ++expected;
    }
    ASSERT_EQ(out.multi.rows, side.ids.size() - 1);  // every token after CLS, </s> and pad too
    ASSERT_EQ(out.multi.data.size(), side.colbert.size());
    for (std::size_t i = 0; i < side.colbert.size(); ++i) {
      EXPECT_NEAR(out.multi.data[i], side.colbert[i], 8 * FLT_EPSILON) << i;
    }
    outputs[tag] = out;
  }
  // Token 17 repeats in the query and 9 in the document: one weight each, their maximum.
  EXPECT_NEAR(bge_m3_sparse_score(outputs["q"], outputs["d"]), sparse_score_,
              4 * FLT_EPSILON * std::abs(sparse_score_));
  EXPECT_NEAR(bge_m3_colbert_score(outputs["q"], outputs["d"]), colbert_score_, 8 * FLT_EPSILON);
  EXPECT_GT(outputs["q"].sparse.size(), 0u);  // the case must exercise shared ids
}

TEST_F(BgeM3HeadsTest, RefusesHeadsOfTheWrongShapeOrAMissingFile) {
  fs::rename(dir_ / "heads" / "sparse_linear.pt", dir_ / "heads" / "tmp.pt");
  fs::rename(dir_ / "heads" / "colbert_linear.pt", dir_ / "heads" / "sparse_linear.pt");
  fs::rename(dir_ / "heads" / "tmp.pt", dir_ / "heads" / "colbert_linear.pt");
  try {
    const BgeM3Heads heads(dir_ / "heads");
    FAIL() << "swapped heads were accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sparse_linear must map the hidden state to 1 weight"),
              std::string::npos)
        << e.what();
  }
  fs::remove(dir_ / "heads" / "colbert_linear.pt");
  EXPECT_THROW(BgeM3Heads(dir_ / "heads"), InputError);
}

}  // namespace
}  // namespace embeval
