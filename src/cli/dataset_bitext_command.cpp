// embeval dataset bitext manpages --lang de --out PAIRS.tsv    man-page NAME lines, English first
// embeval dataset bitext freedict eng-deu --out PAIRS.tsv      FreeDict headword and translation
// Both write the file `probe alignment --pairs` reads (io/bitext_pairs.h) and print what they
// kept and skipped, by reason.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "embeval/dataset/freedict.h"
#include "embeval/dataset/manpage_bitext.h"
#include "embeval/io/bitext_pairs.h"
#include "embeval/util/atomic_file.h"

namespace embeval::cli {
namespace {

struct ManPageBitextArgs {
  ManPageBitextOptions options;
  std::string out;
};

struct FreeDictArgs {
  FreeDictOptions options;
  std::string out;
};

void run_manpages(const ManPageBitextArgs& args) {
  check_output_file(args.out);  // fail now, not after parsing every page
  const ManPageBitext bitext = build_manpage_bitext(args.options);
  write_bitext_tsv(args.out, bitext.pairs);
  const ManPageBitextReport& r = bitext.report;
  std::printf("man pages: %zu in %s, %zu in English\n", r.translated_pages,
              args.options.lang.c_str(), r.english_pages);
  std::printf(
      "  skipped: %zu without an English page, %zu without an English NAME description, "
      "%zu without a translated one, %zu identical (untranslated), %zu repeated, %zu ambiguous",
      r.no_english_page, r.no_english_name, r.no_translated_name, r.identical, r.repeated,
      r.ambiguous);
  if (r.sampled_out > 0) std::printf(", %zu over --max-pairs", r.sampled_out);
  std::printf("\nwrote %zu pairs (English<TAB>%s) to %s\n", r.pairs, args.options.lang.c_str(),
              args.out.c_str());
}

void run_freedict(const FreeDictArgs& args) {
  check_output_file(args.out);
  const FreeDictBitext bitext = read_freedict_bitext(args.options);
  write_bitext_tsv(args.out, bitext.pairs);
  const FreeDictReport& r = bitext.report;
  std::printf("freedict-%s: %zu index entries\n", args.options.name.c_str(), r.index_lines);
  std::printf(
      "  skipped: %zu metadata or repeated, %zu without a translation, %zu identical to the "
      "headword, %zu of headwords with several entries, %zu with a translation an earlier "
      "headword has",
      r.metadata, r.no_translation, r.identical, r.ambiguous_headword, r.shared_translation);
  if (r.sampled_out > 0) std::printf(", %zu over --max-pairs", r.sampled_out);
  std::printf("\nwrote %zu pairs (headword<TAB>first translation) to %s\n", r.pairs,
              args.out.c_str());
}

}  // namespace

void add_dataset_bitext_command(CLI::App* dataset) {
  CLI::App* bitext = dataset->add_subcommand(
      "bitext", "Write translated pairs (source<TAB>target) for `probe alignment --pairs`");
  bitext->require_subcommand(1);

  auto man = std::make_shared<ManPageBitextArgs>();
  CLI::App* manpages = bitext->add_subcommand(
      "manpages",
      "Pair the NAME descriptions of translated man pages with the English ones (same page "
      "name and section); English first");
  manpages->add_option("--lang", man->options.lang, "Translated side: de, fr, es, ja, ...")
      ->required();
  manpages->add_option("--out", man->out, "Pairs file to write (TSV)")->required();
  manpages->add_option("--man-dir", man->options.man_dir, "Man page root")->capture_default_str();
  manpages->add_option("--sections", man->options.sections, "Sections to read")
      ->delimiter(',')
      ->capture_default_str();
  manpages
      ->add_option("--max-pairs", man->options.max_pairs,
                   "Keep at most N pairs, evenly spread (0 = all)")
      ->capture_default_str();
  manpages->add_option("--threads", man->options.threads, "Parsing threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  manpages->callback([man] { run_manpages(*man); });

  auto dict = std::make_shared<FreeDictArgs>();
  CLI::App* freedict = bitext->add_subcommand(
      "freedict",
      "Headword and first translation of each entry of a FreeDict dictionary (Debian "
      "dict-freedict-NAME)");
  freedict->add_option("name", dict->options.name, "Dictionary, e.g. eng-deu, eng-fra, eng-spa")
      ->required();
  freedict->add_option("--out", dict->out, "Pairs file to write (TSV)")->required();
  freedict->add_option("--dict-dir", dict->options.dict_dir, "Where the dictd files are")
      ->capture_default_str();
  freedict
      ->add_option("--max-pairs", dict->options.max_pairs,
                   "Keep at most N pairs, evenly spread (0 = all)")
      ->capture_default_str();
  freedict->callback([dict] { run_freedict(*dict); });
}

}  // namespace embeval::cli
