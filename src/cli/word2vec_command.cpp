// embeval word2vec train|analogy|similarity|neighbours — train Word2Vec on a user's text and
// evaluate word vectors intrinsically. The work is library calls (word2vec.h, analogy.h).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/io/word_vectors.h"
#include "embeval/train/analogy.h"
#include "embeval/train/word2vec.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"
#include "embeval/util/thread_count.h"

namespace embeval::cli {
namespace {

// Counts are read as signed numbers so that "--window -1" is reported as -1, not as the
// unsigned value it would wrap to.
struct TrainArgs {
  std::string corpus;
  std::string out;
  bool cbow = false;
  bool skipgram = false;
  std::string out_format = "auto";
  std::string analyzer = "standard";
  bool quiet = false;
  long long dim = 100, window = 5, negative = 5, min_count = 5, max_vocab = 0, epochs = 5,
            threads = 1;
  Word2VecOptions options;
};

std::size_t non_negative(const char* flag, long long value, const char* hint) {
  if (value < 0) {
    throw InputError(std::string("invalid word2vec option: ") + flag + " is " +
                         std::to_string(value) + ", must not be negative",
                     {}, 0, hint);
  }
  return static_cast<std::size_t>(value);
}

// Every check that needs no corpus, before the corpus is read: a bad flag or --out fails in the
// first second, not after the reading.
Word2VecOptions checked_options(const TrainArgs& args) {
  Word2VecOptions options = args.options;
  if (args.cbow && args.skipgram) {
    throw InputError("--cbow and --skipgram exclude each other", {}, 0, "pick one");
  }
  options.architecture = args.skipgram ? Word2VecOptions::Architecture::kSkipGram
                                       : Word2VecOptions::Architecture::kCbow;
  options.show_progress = !args.quiet;
  options.dim = non_negative("--dim", args.dim, "100-300 is usual");
  options.window = non_negative("--window", args.window, "5 is usual (10 for skip-gram)");
  options.negative = non_negative("--negative", args.negative, "5-20; 0 disables it");
  options.min_count = non_negative("--min-count", args.min_count, "5 is usual");
  options.max_vocab = non_negative("--max-vocab", args.max_vocab, "0 keeps every word");
  options.epochs = non_negative("--epochs", args.epochs, "5 is usual");
  options.threads =
      resolve_thread_count(non_negative("--threads", args.threads, "0 uses the physical cores"));
  check_word2vec_options(options);
  return options;
}

// --out must not be the corpus (or a file inside a corpus directory: it would be overwritten,
// or read as training text by the next run), and its directory must be writable.
void check_output(const TrainArgs& args) {
  namespace fs = std::filesystem;
  const fs::path corpus(args.corpus), out(args.out);
  std::error_code ec;
  if (!fs::exists(corpus, ec)) {
    throw InputError("--corpus " + args.corpus + " does not exist", args.corpus, 0,
                     "a text file, a directory of text files, or a BEIR corpus.jsonl");
  }
  refuse_overwriting_input(corpus, out, "--out");
  if (fs::is_directory(corpus, ec)) {
    const fs::path dir = fs::weakly_canonical(corpus, ec);
    const fs::path target = fs::weakly_canonical(out, ec);
    const auto [d, t] = std::mismatch(dir.begin(), dir.end(), target.begin(), target.end());
    if (!ec && d == dir.end()) {
      throw InputError("--out " + args.out + " lies inside the --corpus directory " + args.corpus,
                       {}, 0, "write the vectors outside the corpus");
    }
  }
  if (fs::is_directory(out, ec)) {
    throw InputError("--out " + args.out + " is a directory", {}, 0,
                     "name a file, e.g. " + (out / "w2v.bin").string());
  }
  const fs::path parent = out.parent_path();
  prepare_output_directory(parent.empty() ? fs::path(".") : parent);
}

void run_train(const TrainArgs& args) {
  const Word2VecOptions options = checked_options(args);
  check_output(args);
  check_output_file(args.out);  // a folder or unwritable --out fails before training
  const Word2VecCorpus corpus = build_word2vec_corpus(
      text_source_from_path(args.corpus), options.min_count, options.max_vocab, args.analyzer);
  std::fprintf(stderr,
               "word2vec: %zu tokens read, vocabulary %zu words (min-count %zu), %llu "
               "training tokens per epoch\n",
               static_cast<std::size_t>(corpus.raw_tokens), corpus.words.size(), options.min_count,
               static_cast<unsigned long long>(corpus.train_words()));
  Word2VecStats stats;
  const WordVectors vectors = train_word2vec(corpus, options, &stats);
  bool binary = std::filesystem::path(args.out).extension() == ".bin";
  if (args.out_format == "binary") binary = true;
  if (args.out_format == "text") binary = false;
  if (binary) {
    write_word2vec_binary(args.out, vectors);
  } else {
    write_word2vec_text(args.out, vectors);
  }
  const double per_cpu_second =
      stats.cpu_seconds > 0 ? static_cast<double>(stats.processed_words) / stats.cpu_seconds : 0;
  std::fprintf(stderr,
               "word2vec: %s, %zu x %zu, %.1fs, %.0f words/s (%.0f per thread, %.0f per "
               "CPU-second) -> %s (%s)\n",
               options.architecture == Word2VecOptions::Architecture::kCbow ? "cbow" : "skip-gram",
               vectors.size(), vectors.dim(), stats.seconds, stats.words_per_second(),
               stats.words_per_second() / static_cast<double>(options.threads), per_cpu_second,
               args.out.c_str(), binary ? "word2vec binary" : "word2vec text");
}

struct ModelArgs {
  std::string model;
  std::string format = "auto";
  std::size_t max_words = 0;
};

WordVectors load_model(const ModelArgs& args) {
  WordVectorLoadReport report;
  WordVectors vectors =
      load_word_vectors(args.model, parse_word_vector_format(args.format), &report, args.max_words);
  if (report.duplicate_words + report.invalid_utf8 + report.empty_words > 0) {
    std::fprintf(stderr, "%s: skipped %zu duplicate, %zu non-UTF-8 and %zu empty words\n",
                 args.model.c_str(), report.duplicate_words, report.invalid_utf8,
                 report.empty_words);
  }
  return vectors;
}

void add_model_options(CLI::App* cmd, ModelArgs& args) {
  cmd->add_option("--model", args.model,
                  "Word vectors (word2vec .bin/.txt, GloVe, .vec, wink .json)")
      ->required();
  cmd->add_option("--format", args.format,
                  "auto, word2vec-text, word2vec-binary, glove, fasttext, wink")
      ->capture_default_str();
  cmd->add_option("--max-words", args.max_words, "Load only the N most frequent words (0 = all)")
      ->capture_default_str();
}

struct AnalogyArgs {
  ModelArgs model;
  std::string questions;
  std::string method = "3cosadd";
  std::size_t restrict_vocab = 30000;
};

void run_analogy(const AnalogyArgs& args) {
  const WordVectors vectors = load_model(args.model);
  const std::vector<AnalogyQuestion> questions = read_analogy_questions(args.questions);
  AnalogyOptions options;
  options.method = args.method == "3cosmul" ? AnalogyMethod::k3CosMul : AnalogyMethod::k3CosAdd;
  options.restrict_vocab = args.restrict_vocab;
  const AnalogyReport report = evaluate_analogies(vectors, questions, options);
  std::printf("%-32s %8s %8s %8s %9s\n", "section", "total", "answered", "correct", "accuracy");
  auto row = [](const AnalogyScore& s, const std::string& name) {
    std::printf("%-32s %8zu %8zu %8zu %8.2f%%\n", name.c_str(), s.total, s.answered, s.correct,
                100.0 * s.accuracy());
  };
  for (const AnalogyScore& s : report.sections) row(s, s.section);
  row(report.overall, "overall (" + args.method + ")");
  std::printf("accuracy counting unanswered questions as wrong: %.2f%% (restrict-vocab %zu)\n",
              100.0 * report.overall.accuracy_all(), args.restrict_vocab);
}

struct SimilarityArgs {
  ModelArgs model;
  std::string pairs;
};

void run_similarity(const SimilarityArgs& args) {
  const WordVectors vectors = load_model(args.model);
  const SimilarityReport report = evaluate_similarity(vectors, read_word_pairs(args.pairs));
  std::printf("pairs %zu, with vectors %zu (%.1f%%), Spearman rho %.4f\n", report.pairs,
              report.used, report.pairs ? 100.0 * report.used / report.pairs : 0.0,
              report.spearman);
}

struct NeighboursArgs {
  ModelArgs model;
  std::vector<std::string> words;
  std::size_t k = 10;
};

void print_neighbours(const std::vector<std::pair<std::string, float>>& list) {
  for (const auto& [word, score] : list) std::printf("  %-24s %.4f\n", word.c_str(), score);
}

// The words as typed: `king - man + woman`, one quoted argument "king - man + woman", or
// operators glued to a word inside the quotes ("king -man +woman") all give the same
// terms. An operator sets the sign of the next word only.
struct Expression {
  std::vector<std::string> positive, negative;
  bool arithmetic = false;
  std::string text;
};

Expression parse_expression(const std::vector<std::string>& args) {
  std::vector<std::string> tokens;
  for (const std::string& arg : args) {
    std::size_t i = 0;
    while (i < arg.size()) {
      while (i < arg.size() && std::isspace(static_cast<unsigned char>(arg[i]))) ++i;
      std::size_t j = i;
      while (j < arg.size() && !std::isspace(static_cast<unsigned char>(arg[j]))) ++j;
      std::string token = arg.substr(i, j - i);
      // A leading operator glued to a word ("-man", "+woman") is split off.
      if (token.size() > 1 && (token[0] == '+' || token[0] == '-')) {
        tokens.emplace_back(1, token[0]);
        token.erase(0, 1);
      }
      if (!token.empty()) tokens.push_back(token);
      i = j;
    }
  }
  Expression e;
  bool minus = false, pending = false;
  for (const std::string& t : tokens) {
    e.text += (e.text.empty() ? "" : " ") + t;
    if (t == "+" || t == "-") {
      if (pending) {
        throw InputError("two operators in a row in '" + e.text + "'", {}, 0,
                         "write words joined by single + and -, e.g. king - man + woman");
      }
      e.arithmetic = true;
      minus = t == "-";
      pending = true;
      continue;
    }
    (minus ? e.negative : e.positive).push_back(t);
    minus = pending = false;
  }
  if (pending) {
    throw InputError("the expression '" + e.text + "' ends with an operator", {}, 0,
                     "add the word it applies to, e.g. king - man + woman");
  }
  if (e.positive.empty() && e.negative.empty()) {
    throw InputError("no words given", {}, 0, "e.g. king - man + woman");
  }
  return e;
}

void run_neighbours(const NeighboursArgs& args) {
  const Expression e = parse_expression(args.words);
  const WordVectors vectors = load_model(args.model);
  std::vector<std::string> all = e.positive;
  all.insert(all.end(), e.negative.begin(), e.negative.end());
  require_words(vectors, all);  // every missing word at once, before any output
  if (!e.arithmetic) {
    for (const std::string& w : e.positive) {
      std::printf("%s\n", w.c_str());
      print_neighbours(nearest_words(vectors, {w}, {}, args.k));
    }
    return;
  }
  std::printf("%s\n", e.text.c_str());
  print_neighbours(nearest_words(vectors, e.positive, e.negative, args.k));
}

}  // namespace

void add_word2vec_command(CLI::App& app) {
  CLI::App* w2v = app.add_subcommand(
      "word2vec", "Train Word2Vec on your text; analogies, similarity and neighbours of vectors");
  w2v->require_subcommand(1);

  auto train = std::make_shared<TrainArgs>();
  CLI::App* t = w2v->add_subcommand("train", "Train CBOW/skip-gram vectors (word2vec.c semantics)");
  t->add_option("--corpus", train->corpus,
                "Text file (a sentence per line), directory of text files, or BEIR corpus.jsonl")
      ->required();
  t->add_option("--out", train->out, "Output vectors: .bin = word2vec binary, else text")
      ->required();
  t->add_option("--out-format", train->out_format, "auto (by extension), binary or text")
      ->check(CLI::IsMember({"auto", "binary", "text"}))
      ->capture_default_str();
  t->add_flag("--cbow", train->cbow, "Continuous bag of words (the default)");
  t->add_flag("--skipgram", train->skipgram, "Skip-gram");
  t->add_option("--dim", train->dim, "Vector dimension")->capture_default_str();
  t->add_option("--window", train->window, "Max context distance")->capture_default_str();
  t->add_option("--negative", train->negative, "Negative samples (0 = none)")
      ->capture_default_str();
  t->add_flag("--hs", train->options.hierarchical_softmax, "Hierarchical softmax");
  t->add_option("--sample", train->options.sample, "Subsampling threshold (0 = off)")
      ->capture_default_str();
  t->add_option("--min-count", train->min_count, "Drop words rarer than this")
      ->capture_default_str();
  t->add_option("--max-vocab", train->max_vocab, "Keep the N most frequent words (0 = all)")
      ->capture_default_str();
  t->add_option("--epochs", train->epochs, "Passes over the corpus")->capture_default_str();
  t->add_option("--alpha", train->options.alpha,
                "Starting learning rate (0 = 0.05 for CBOW, 0.025 for skip-gram)")
      ->capture_default_str();
  t->add_option("--threads", train->threads,
                "Training threads (lock-free updates; 0 = physical cores)")
      ->capture_default_str();
  t->add_option("--seed", train->options.seed, "Random seed (1 thread + seed = reproducible)")
      ->capture_default_str();
  t->add_option("--analyzer", train->analyzer, "Tokenizer (analyzer.h), as static:?analyzer=")
      ->capture_default_str();
  t->add_flag("--quiet", train->quiet, "No progress line");
  t->callback([train] { run_train(*train); });

  auto analogy = std::make_shared<AnalogyArgs>();
  CLI::App* a = w2v->add_subcommand("analogy", "Accuracy on ': section' / 'a b c d' questions");
  add_model_options(a, analogy->model);
  a->add_option("--questions", analogy->questions, "Questions file")->required();
  a->add_option("--method", analogy->method, "3cosadd or 3cosmul")
      ->check(CLI::IsMember({"3cosadd", "3cosmul"}))
      ->capture_default_str();
  a->add_option("--restrict-vocab", analogy->restrict_vocab,
                "Only the N most frequent words take part (0 = all)")
      ->capture_default_str();
  a->callback([analogy] { run_analogy(*analogy); });

  auto similarity = std::make_shared<SimilarityArgs>();
  CLI::App* s = w2v->add_subcommand("similarity", "Spearman rho on 'word1 word2 score' pairs");
  add_model_options(s, similarity->model);
  s->add_option("--pairs", similarity->pairs, "Word-pair file")->required();
  s->callback([similarity] { run_similarity(*similarity); });

  auto neighbours = std::make_shared<NeighboursArgs>();
  CLI::App* n = w2v->add_subcommand("neighbours",
                                    "Nearest words; 'king - man + woman' does vector arithmetic");
  add_model_options(n, neighbours->model);
  n->add_option("--k", neighbours->k, "Neighbours to show")->capture_default_str();
  n->add_option("words", neighbours->words,
                "Words, optionally joined by + and - (spaced, or the expression quoted)")
      ->required();
  n->callback([neighbours] { run_neighbours(*neighbours); });
}

}  // namespace embeval::cli
