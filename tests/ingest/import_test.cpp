// dataset import on real files of this machine (none written for the test) and on corrupt and
// hostile files the test makes: every file ends imported, repaired or skipped with its reason;
// extracted text, titles, sections and pages checked against what the files hold.
#include "embeval/ingest/import.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/ingest/html_text.h"
#include "embeval/ingest/markdown_text.h"
#include "embeval/ingest/pdf_text.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

const fs::path kUsersAndGroups = "/usr/share/doc/base-passwd/users-and-groups.html";  // Essential
const fs::path kManDbNews = "/usr/share/doc/man-db/NEWS.md.gz";  // man-db: setup.sh installs it

class ImportTest : public ::testing::Test {
 protected:
  static ImportOptions quiet(std::vector<fs::path> roots) {
    ImportOptions options;
    options.roots = std::move(roots);
    options.show_progress = false;
    return options;
  }
  static const ImportedFile* entry(const ImportReport& report, const std::string& path) {
    for (const ImportedFile& f : report.files) {
      if (f.path == path) return &f;
    }
    return nullptr;
  }
  static const Document* doc(const Dataset& dataset, const std::string& id) {
    for (const Document& d : dataset.corpus) {
      if (d.id == id) return &d;
    }
    return nullptr;
  }
  // A PDF of a man page rendered by groff (a real PDF writer, not one written for the test).
  fs::path man_pdf(const std::string& page) {
    const fs::path pdf = dir_ / (page + ".pdf");
    const std::string command = "man -Tpdf " + page + " > " + pdf.string() + " 2>/dev/null";
    if (std::system(command.c_str()) != 0 || fs::file_size(pdf) < 1000) return {};
    return pdf;
  }
  testing::TempDir dir_{"embeval-import"};
};

TEST_F(ImportTest, HtmlFromUsrShareDocKeepsTitleHeadingsAndText) {
  if (!fs::exists(kUsersAndGroups)) GTEST_SKIP() << kUsersAndGroups << " is not installed";
  const ExtractedText t = html_text(read_file(kUsersAndGroups));
  EXPECT_EQ(t.title, "Users and Groups in the Debian System");
  EXPECT_EQ(t.title_from, "title");
  // Whitespace collapses; <TT> inline markup goes; the entity becomes its character.
  EXPECT_NE(t.text.find("The Debian base-passwd package contains the master versions of "
                        "/etc/passwd and /etc/group."),
            std::string::npos);
  EXPECT_NE(t.text.find("Copyright \xC2\xA9 2001, 2002 Joey Hess"), std::string::npos);
  // Headings: the book title (h1), then "Chapter 1. Introduction" (h1) with the text after it.
  const ExtractedSection* intro = nullptr;
  for (const ExtractedSection& s : t.sections) {
    if (s.heading == "Chapter 1. Introduction") intro = &s;
  }
  ASSERT_NE(intro, nullptr);
  EXPECT_EQ(intro->level, 1);
  EXPECT_EQ(intro->path, std::vector<std::string>{"Chapter 1. Introduction"});
  EXPECT_EQ(t.text.substr(intro->begin, 23), "Chapter 1. Introduction");
  EXPECT_NE(t.text.substr(intro->begin, intro->end - intro->begin).find("base-passwd package"),
            std::string::npos);
  for (std::size_t i = 0; i + 1 < t.sections.size(); ++i) {
    EXPECT_EQ(t.sections[i].end, t.sections[i + 1].begin);
  }
  EXPECT_EQ(t.sections.back().end, t.text.size());
}

TEST_F(ImportTest, GzipMarkdownFromUsrShareDocBecomesADocumentWithSections) {
  if (!fs::exists(kManDbNews)) GTEST_SKIP() << kManDbNews << " is not installed";
  fs::create_directories(dir_ / "docs");
  fs::copy_file(kManDbNews, dir_ / "docs" / "NEWS.md.gz");
  const ImportResult r = import_documents(quiet({dir_ / "docs"}));
  ASSERT_EQ(r.dataset.corpus.size(), 1u);
  const Document& d = r.dataset.corpus[0];
  EXPECT_EQ(d.id, "NEWS.md.gz");
  // The first setext heading of man-db 2.11.2's NEWS, and an item with its `code` unwrapped.
  EXPECT_EQ(d.title, "man-db 2.11.2 (8 January 2023)");
  EXPECT_NE(d.text.find("Fix crash in mandb when processing stray cats."), std::string::npos);
  const auto meta = nlohmann::json::parse(d.metadata);
  EXPECT_EQ(meta["source"]["format"], "markdown");
  EXPECT_EQ(meta["source"]["compression"], "gzip");
  EXPECT_EQ(meta["source"]["title_from"], "h1");
  EXPECT_EQ(meta["source"]["bytes"], fs::file_size(kManDbNews));
  ASSERT_GE(meta["sections"].size(), 2u);
  EXPECT_EQ(meta["sections"][0]["heading"], "man-db 2.11.2 (8 January 2023)");
  EXPECT_EQ(meta["sections"][0]["begin"], 0);
  // "Fixes:" is a paragraph, not a heading; the next release is the next section.
  EXPECT_EQ(meta["sections"][1]["heading"], "man-db 2.11.1 (15 November 2022)");
  const std::size_t second = meta["sections"][1]["begin"];
  EXPECT_EQ(d.text.substr(second, 32), "man-db 2.11.1 (15 November 2022)");
}

TEST_F(ImportTest, MarkdownHeadingPathsNestAndCodeStaysAsWritten) {
  // The llama.cpp source tree pinned by setup_llama.sh (real Markdown, many headings).
  const char* home = std::getenv("HOME");
  fs::path build_md;
  if (home != nullptr && fs::exists(fs::path(home) / ".cache/embeval")) {
    for (const auto& e : fs::directory_iterator(fs::path(home) / ".cache/embeval")) {
      if (fs::exists(e.path() / "src/docs/build.md")) build_md = e.path() / "src/docs/build.md";
    }
  }
  if (build_md.empty()) GTEST_SKIP() << "no llama.cpp source tree in ~/.cache/embeval";
  const std::string markdown = read_file(build_md);
  const ExtractedText t = markdown_text(markdown);
  EXPECT_EQ(t.title_from, "h1");
  ASSERT_FALSE(t.sections.empty());
  // Every "## X" under "# T" has the path [T, X]; offsets point at the heading text.
  std::size_t level2 = 0;
  for (const ExtractedSection& s : t.sections) {
    EXPECT_EQ(t.text.substr(s.begin, s.heading.size()), s.heading);
    EXPECT_EQ(s.path.back(), s.heading);
    EXPECT_EQ(s.path.size() <= static_cast<std::size_t>(s.level), true);
    if (s.level == 2) {
      ++level2;
      EXPECT_EQ(s.path.front(), t.title);
    }
    // Each heading of the file appears as a Markdown heading line.
    EXPECT_NE(markdown.find(std::string(s.level, '#') + " " + s.heading.substr(0, 8)),
              std::string::npos)
        << s.heading;
  }
  EXPECT_GT(level2, 2u);
  EXPECT_NE(t.text.find("cmake --build build --config Release"), std::string::npos);
  EXPECT_EQ(t.text.find("```"), std::string::npos);  // fences are markup
}

TEST_F(ImportTest, ManPagePdfRenderedByGroffGivesPagesAndTheNameLine) {
  const fs::path pdf = man_pdf("ls");
  if (pdf.empty()) GTEST_SKIP() << "man -Tpdf is not available (groff)";
  const PdfText p = pdf_text(read_file(pdf));
  ASSERT_EQ(p.status, PdfStatus::kOk) << p.problem;
  // ls(1)'s NAME line, as `man ls` shows it.
  EXPECT_NE(p.text.text.find("ls - list directory contents"), std::string::npos)
      << p.text.text.substr(0, 300);
  ASSERT_GE(p.text.pages.size(), 2u);  // ls(1) takes more than one page
  std::size_t previous_end = 0;
  for (std::size_t i = 0; i < p.text.pages.size(); ++i) {
    const TextPage& page = p.text.pages[i];
    EXPECT_EQ(page.page, i + 1);
    if (i > 0) {
      EXPECT_EQ(page.begin, previous_end + 1);
      EXPECT_EQ(p.text.text[previous_end], '\f');
    }
    previous_end = page.end;
  }
  EXPECT_EQ(previous_end, p.text.text.size());
  // SYNOPSIS is on page 1, the SEE ALSO section on the last page.
  const TextPage& first = p.text.pages.front();
  EXPECT_NE(p.text.text.substr(first.begin, first.end - first.begin).find("SYNOPSIS"),
            std::string::npos);
  const TextPage& last = p.text.pages.back();
  EXPECT_NE(p.text.text.substr(last.begin, last.end - last.begin).find("SEE ALSO"),
            std::string::npos);
}

TEST_F(ImportTest, HostileAndCorruptFilesAreSkippedOrRepairedWithReasons) {
  const fs::path in = dir_ / "in";
  fs::create_directories(in / "sub");
  // A real PDF, then a truncated copy and one whose cross-reference table points nowhere.
  const fs::path pdf = man_pdf("cp");
  std::string pdf_bytes;
  if (!pdf.empty()) {
    pdf_bytes = read_file(pdf);
    dir_.write("in/cp.pdf", pdf_bytes);
    dir_.write("in/truncated.pdf", pdf_bytes.substr(0, pdf_bytes.size() / 3));
    std::string bad_xref = pdf_bytes;
    const std::size_t xref = bad_xref.rfind("startxref");
    ASSERT_NE(xref, std::string::npos);
    bad_xref.replace(xref + 10, bad_xref.find('\n', xref + 10) - (xref + 10), "999999999");
    dir_.write("in/bad-xref.pdf", bad_xref);
    dir_.write("in/garbage.pdf", "%PDF-1.4\n" + std::string(3000, '\x01'));
    // An encrypted copy (qpdf, from Debian), when qpdf is there.
    const std::string qpdf = "qpdf --encrypt secret secret 256 -- " + pdf.string() + " " +
                             (in / "encrypted.pdf").string() + " >/dev/null 2>&1";
    (void)std::system(qpdf.c_str());
  }
  // 10,000 nested tags around one sentence.
  std::string nested = "<html><head><title>Deep</title></head><body>";
  for (int i = 0; i < 10000; ++i) nested += "<div>";
  nested += "deep text";
  for (int i = 0; i < 10000; ++i) nested += "</div>";
  dir_.write("in/nested.html", nested + "<p>after</p></body></html>");
  // Invalid UTF-8 (a Latin-1 byte, a stray continuation byte) in plain text.
  dir_.write("in/latin1.txt", "caf\xE9 au lait \x80 ok\n");
  dir_.write("in/empty.md", "");
  dir_.write("in/blank.txt", " \n\t\n");
  dir_.write("in/binary.txt", std::string("\x7F"
                                          "ELF\x02\x01\x01\0\0\0\0",
                                          12) +
                                  "more");
  dir_.write("in/script-only.html", "<html><script>var x = 1;</script></html>");
  dir_.write("in/photo.jpg", "\xFF\xD8\xFF\xE0");
  dir_.write("in/changelog.Debian", "pkg (1.0) unstable; urgency=low\n");  // text, any extension
  dir_.write("in/style.css", "p { margin: 0 }\n");                         // text, not prose
  // Content after </html> (groff -Thtml writes such pages): kept.
  dir_.write("in/trailing.html", "<html><body></body></html>\n<p>after the end</p>\n");
  dir_.write("in/sub/note.txt", "a note\n");
  dir_.write("in/.hidden.txt", "hidden\n");
  dir_.write("in/name with space.txt", "spaced\n");
  // A 200 MB sparse file: skipped by its size, never read (reading it would take seconds and
  // 200 MB of memory; the outcome says "not read").
  {
    std::ofstream(in / "huge.txt").put('x');
    fs::resize_file(in / "huge.txt", 200u * 1000 * 1000);
  }
  ASSERT_EQ(::mkfifo((in / "pipe.txt").c_str(), 0600), 0);  // opening it would block
  fs::create_directory_symlink("..", in / "sub" / "loop");  // in/sub/loop -> in
  fs::create_directory_symlink("sub", in / "zz-alias");     // a second path to in/sub
  fs::create_symlink("self.txt", in / "self.txt");          // resolves to itself
  fs::create_symlink("missing.txt", in / "dangling.txt");
  fs::create_symlink("sub/note.txt", in / "note-link.txt");  // the same file by a second path

  const ImportResult r = import_documents(quiet({in}));
  const ImportReport& report = r.report;
  SCOPED_TRACE(import_summary(report));
  const auto outcome = [&](const std::string& path) {
    const ImportedFile* f = entry(report, path);
    return f == nullptr ? std::string("<missing>") : f->outcome + " " + f->reason;
  };
  EXPECT_EQ(outcome("huge.txt"), "skipped too-large");
  EXPECT_NE(entry(report, "huge.txt")->detail.find("not read"), std::string::npos);
  EXPECT_EQ(outcome("pipe.txt"), "skipped not-regular");
  EXPECT_EQ(entry(report, "pipe.txt")->detail, "a FIFO (named pipe)");
  EXPECT_EQ(outcome("sub/loop"), "skipped symlink-loop");
  EXPECT_EQ(outcome("self.txt"), "skipped symlink-loop");
  EXPECT_EQ(outcome("dangling.txt"), "skipped broken-link");
  // One file by two paths: read once, at the first path in name order ("note-link.txt" sorts
  // before "sub").
  EXPECT_EQ(outcome("note-link.txt"), "imported ");
  EXPECT_EQ(outcome("sub/note.txt"), "skipped duplicate");
  EXPECT_EQ(outcome(".hidden.txt"), "skipped hidden");
  EXPECT_EQ(outcome("latin1.txt"), "repaired invalid-utf8");
  EXPECT_EQ(outcome("empty.md"), "skipped empty");
  EXPECT_EQ(outcome("blank.txt"), "skipped empty");
  EXPECT_EQ(outcome("binary.txt"), "skipped binary");
  EXPECT_EQ(outcome("script-only.html"), "skipped empty");
  EXPECT_EQ(outcome("photo.jpg"), "skipped unsupported");
  EXPECT_EQ(outcome("changelog.Debian"), "imported ");
  EXPECT_EQ(outcome("style.css"), "skipped unsupported");
  EXPECT_EQ(outcome("zz-alias"), "skipped duplicate");
  EXPECT_EQ(entry(report, "zz-alias")->detail, "the folder sub again (a symbolic link)");
  EXPECT_EQ(entry(report, "sub/loop")->detail, "links back to the enclosing folder .");
  EXPECT_EQ(doc(r.dataset, "trailing.html")->text, "after the end");
  EXPECT_EQ(outcome("name with space.txt"), "imported ");
  ASSERT_NE(doc(r.dataset, "name%20with%20space.txt"), nullptr);
  EXPECT_EQ(doc(r.dataset, "latin1.txt")->text, "caf\xEF\xBF\xBD au lait \xEF\xBF\xBD ok");
  EXPECT_EQ(report.invalid_utf8_replaced, 2u);
  // 10,000 nested tags: read whole (libxml2's default limit of 256 levels is lifted, the walk
  // has no recursion), text before and after the nesting kept.
  EXPECT_EQ(outcome("nested.html"), "imported ");
  ASSERT_NE(doc(r.dataset, "nested.html"), nullptr);
  EXPECT_EQ(doc(r.dataset, "nested.html")->title, "Deep");
  EXPECT_EQ(doc(r.dataset, "nested.html")->text, "deep text\n\nafter");
  if (!pdf.empty()) {
    EXPECT_EQ(outcome("cp.pdf"), "imported ");
    EXPECT_NE(doc(r.dataset, "cp.pdf")->text.find("cp - copy files and directories"),
              std::string::npos);
    // A third of the file: no cross-reference table, no trailer, pages cut off.
    EXPECT_EQ(outcome("truncated.pdf"), "skipped corrupt");
    // poppler rebuilds a cross-reference table it cannot use (startxref pointing past the end)
    // by scanning the file: the same text as the intact copy.
    const std::string bad_xref_outcome = outcome("bad-xref.pdf");
    EXPECT_TRUE(bad_xref_outcome == "imported " || bad_xref_outcome.starts_with("repaired"))
        << bad_xref_outcome;
    ASSERT_NE(doc(r.dataset, "bad-xref.pdf"), nullptr);
    EXPECT_EQ(doc(r.dataset, "bad-xref.pdf")->text, doc(r.dataset, "cp.pdf")->text);
    EXPECT_EQ(outcome("garbage.pdf").substr(0, 7), "skipped") << outcome("garbage.pdf");
    ASSERT_TRUE(fs::exists(in / "encrypted.pdf")) << "qpdf (scripts/setup.sh) made no file";
    EXPECT_EQ(outcome("encrypted.pdf"), "skipped encrypted");
  }
  // Every walk entry has an outcome: nothing dropped silently.
  std::size_t listed = 0;
  for (const auto& [name, n] : report.outcomes) listed += n;
  EXPECT_EQ(listed, report.files.size());
  EXPECT_EQ(report.documents, r.dataset.corpus.size());

  // Written, it loads as a BEIR dataset, and import.json agrees with the report.
  const fs::path out = dir_ / "out";
  check_dataset_output(out);
  write_import(out, r, quiet({in}));
  BeirLoadOptions load;
  load.show_progress = false;
  const Dataset loaded = load_beir(out, load);
  EXPECT_EQ(loaded.corpus.size(), r.dataset.corpus.size());
  EXPECT_TRUE(loaded.queries.empty());
  const auto report_json = nlohmann::json::parse(read_file(out / "import.json"));
  EXPECT_EQ(report_json["format"], "embeval-import");
  EXPECT_EQ(report_json["documents"], r.dataset.corpus.size());
  EXPECT_EQ(report_json["outcomes"]["skipped"], report.outcomes.at("skipped"));
  EXPECT_EQ(report_json["reasons"]["too-large"], 1);
  std::size_t problems = 0;
  for (const ImportedFile& f : report.files) problems += f.outcome != "imported";
  EXPECT_EQ(report_json["problems"].size(), problems);
  // Imported again into the same folder: the dataset (and import.json) replaced as a whole.
  check_dataset_output(out);
  write_import(out, r, quiet({in}));
  EXPECT_TRUE(fs::exists(out / "import.json"));
}

TEST_F(ImportTest, JsonlAndCsvRecordsWithNamedFields) {
  dir_.write("in/a.jsonl",
             "{\"_id\": \"x1\", \"body\": \"first text\", \"name\": \"First\"}\n"
             "{\"_id\": 7, \"body\": \"second\"}\n"
             "{\"_id\": \"x3\", \"name\": \"no text\"}\n");
  dir_.write("in/b.csv",
             "id,name,body\r\n"
             "r1,Alpha,\"one, with \"\"quotes\"\"\nand a line break\"\r\n"
             "r2,,two\r\n");
  dir_.write("in/broken.csv", "id,body\nr1,\"never closed\n");
  ImportOptions options = quiet({dir_ / "in"});
  options.fields.text = "body";
  options.fields.title = "name";
  const ImportResult r = import_documents(options);
  ASSERT_NE(doc(r.dataset, "a.jsonl#x1"), nullptr);
  EXPECT_EQ(doc(r.dataset, "a.jsonl#x1")->title, "First");
  EXPECT_EQ(doc(r.dataset, "a.jsonl#7")->text, "second");
  EXPECT_EQ(doc(r.dataset, "a.jsonl#7")->title, "a");  // no title field: the file's name
  EXPECT_EQ(doc(r.dataset, "a.jsonl#x3"), nullptr);
  EXPECT_EQ(entry(r.report, "a.jsonl")->outcome, "repaired");
  EXPECT_EQ(entry(r.report, "a.jsonl")->reason, "records-without-text");
  EXPECT_EQ(doc(r.dataset, "b.csv#r1")->text, "one, with \"quotes\"\nand a line break");
  EXPECT_EQ(doc(r.dataset, "b.csv#r2")->text, "two");
  const auto meta = nlohmann::json::parse(doc(r.dataset, "b.csv#r2")->metadata);
  EXPECT_EQ(meta["source"]["record"], 2);
  EXPECT_EQ(meta["source"]["format"], "csv");
  EXPECT_EQ(entry(r.report, "broken.csv")->outcome, "skipped");
  EXPECT_EQ(entry(r.report, "broken.csv")->reason, "corrupt");
}

TEST_F(ImportTest, PathIdsAreAcceptedIdsAndStayDistinct) {
  EXPECT_EQ(path_id("guide/install.md"), "guide/install.md");
  EXPECT_EQ(path_id("a b.txt"), "a%20b.txt");
  EXPECT_EQ(path_id("a%20b.txt"), "a%2520b.txt");  // distinct from the one above
  EXPECT_EQ(path_id("caf\xC3\xA9\tx"), "caf\xC3\xA9%09x");
  EXPECT_EQ(path_id("bad\xFFname"), "bad%FFname");
  EXPECT_EQ(path_id("nbsp\xC2\xA0x"), "nbsp%C2%A0x");
}

TEST_F(ImportTest, AMissingRootOrNothingImportableIsAnInputError) {
  EXPECT_THROW((void)import_documents(quiet({dir_ / "absent"})), InputError);
  dir_.write("only/photo.jpg", "\xFF\xD8");
  EXPECT_THROW((void)import_documents(quiet({dir_ / "only"})), InputError);
}

}  // namespace
}  // namespace embeval
