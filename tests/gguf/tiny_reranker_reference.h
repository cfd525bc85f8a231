// The numpy reference of the tiny cross-encoder's scores (tests/gguf/tiny_reranker.py), for the
// gguf reranker's tests and the served-reranker test: each pair's score and its float32 error
// bound (see tiny_reranker.py and gguf_reranker_test.cpp for the derivation of eps).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gguf/tiny_model_fixture.h"

namespace embeval::testing_gguf {

struct ReferenceScore {
  double score = 0;
  double bound = 0;
};

// tiny_reranker.py reference on `pairs` (token ids, specials included).
inline std::vector<ReferenceScore> reference_scores(
    const fs::path& model, const std::vector<std::vector<std::int32_t>>& pairs, double eps) {
  static int counter = 0;
  const fs::path in = work_dir() / ("rerank-tokens-" + std::to_string(counter) + ".txt");
  const fs::path out = work_dir() / ("rerank-ref-" + std::to_string(counter++) + ".txt");
  {
    std::ofstream f(in);
    for (const auto& p : pairs) {
      for (std::size_t i = 0; i < p.size(); ++i) f << (i ? " " : "") << p[i];
      f << "\n";
    }
  }
  std::ostringstream cmd;
  cmd.precision(17);
  cmd << "PYTHONPATH='" << (kLlamaSource / "gguf-py").string() << ":"
      << fs::path(EMBEVAL_RERANKER_SCRIPT).parent_path().string() << "' " << EMBEVAL_PYTHON << " '"
      << EMBEVAL_RERANKER_SCRIPT << "' reference '" << model.string() << "' '" << in.string()
      << "' '" << out.string() << "' " << eps;
  EXPECT_EQ(std::system(cmd.str().c_str()), 0) << cmd.str();
  std::vector<ReferenceScore> rows;
  std::ifstream f(out);
  for (ReferenceScore r; f >> r.score >> r.bound;) rows.push_back(r);
  return rows;
}

// eps for reference_scores(): gguf_reranker_test.cpp opens with its derivation.
inline double score_epsilon() { return forward_tolerance() + 2 * (2 * 0x1p-11); }

}  // namespace embeval::testing_gguf
