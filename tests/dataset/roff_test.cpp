#include "embeval/dataset/roff.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace embeval {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(EMBEVAL_TEST_DATA_DIR) + "/dataset/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The body of a page made of `roff` under a .TH and a NAME section, without the heading line.
std::string body_of(const std::string& roff) {
  const RoffPage page =
      parse_man_page(".TH T 1\n.SH NAME\nt \\- test\n.SH DESCRIPTION\n" + roff + "\n");
  const std::string prefix = "DESCRIPTION\n";
  EXPECT_EQ(page.body.substr(0, prefix.size()), prefix);
  return page.body.substr(prefix.size());
}

TEST(RoffTest, ManPageFixture) {
  const RoffPage page = parse_man_page(read_fixture("frob.1"));
  EXPECT_TRUE(page.has_structure);
  EXPECT_FALSE(page.is_mdoc);
  EXPECT_EQ(page.title, "FROB");
  EXPECT_EQ(page.section, "1");
  EXPECT_EQ(page.names, (std::vector<std::string>{"frob", "frobnicate"}));
  // The escaped "\-" inside "bar\-baz" is a hyphen, not the NAME separator.
  EXPECT_EQ(page.description, "frobnicate the bar-baz files");
  EXPECT_EQ(page.headings,
            (std::vector<std::string>{"NAME", "SYNOPSIS", "DESCRIPTION", "SEE ALSO"}));
  EXPECT_EQ(page.see_also, (std::vector<ManReference>{{"ls", "1"}, {"cp", "1"}, {"mv", "1"}}));
  EXPECT_EQ(page.body,
            "SYNOPSIS\n"
            "frob [-v] [FILE]...\n"
            "DESCRIPTION\n"
            "frob reads each FILE and prints it \u2014 nicely. Quotes: \u201chi\u201d, "
            "\u201cthere\u201d, it's \\ done.\n"
            "Copyright \u00a9 2025; version 2.1.\n"
            "Options\n"
            "-v, --verbose\n"
            "Print more.\n"
            "-n NUM\n"
            "Repeat NUM times.\n"
            "\u2022 A bullet item. Formatted by groff, mode terminal.\n"
            "line one\n"
            "line two\n"
            "Name Value\n"
            "alpha 1\n"
            "SEE ALSO\n"
            "ls(1), cp(1) and mv(1); frob.conf (5)\n");
  EXPECT_TRUE(page.so_target.empty());
}

TEST(RoffTest, MdocPageFixture) {
  const RoffPage page = parse_man_page(read_fixture("wobble.8"));
  EXPECT_TRUE(page.has_structure);
  EXPECT_TRUE(page.is_mdoc);
  EXPECT_EQ(page.title, "WOBBLE");
  EXPECT_EQ(page.section, "8");
  EXPECT_EQ(page.names, (std::vector<std::string>{"wobble", "wob"}));
  EXPECT_EQ(page.description, "wobble the network device");
  EXPECT_EQ(page.see_also, (std::vector<ManReference>{{"frob", "1"}, {"ifconfig", "8"}}));
  EXPECT_EQ(page.body,
            "SYNOPSIS\n"
            "wobble [-dv] [-f file] device\n"
            "DESCRIPTION\n"
            "The wobble utility wobbles device. It reads /etc/wobble.conf (see wobble.conf(5)).\n"
            "-d\n"
            "Debug mode.\n"
            "-f file\n"
            "Read \u201csettings\u201d from file.\n"
            "SEE ALSO\n"
            "frob(1), ifconfig(8)\n");
}

TEST(RoffTest, SoRedirectIsDetected) {
  const RoffPage page = parse_man_page(read_fixture("frobnicate.1"));
  EXPECT_EQ(page.so_target, "man1/frob.1");
  EXPECT_FALSE(page.has_structure);
  EXPECT_TRUE(page.body.empty());
  // Comments before the redirect do not matter.
  EXPECT_EQ(parse_man_page(".\\\" alias\n\n.so man8/x.8\n").so_target, "man8/x.8");
  // A .so inside a real page is an include, not a redirect.
  EXPECT_TRUE(parse_man_page(".TH A 1\n.SH NAME\na \\- b\n.so common.roff\n").so_target.empty());
}

TEST(RoffTest, EscapesBecomePlainUtf8) {
  EXPECT_EQ(body_of("\\fBbold\\fR \\fIit\\fP \\f(CWcode\\f[] \\f5five\\fR"), "bold it code five\n");
  EXPECT_EQ(body_of("caf\\[u00E9] \\[char65] \\(em \\[em] \\(en \\(bu \\(co \\(rg \\(tm"),
            "caf\u00e9 A \u2014 \u2014 \u2013 \u2022 \u00a9 \u00ae \u2122\n");
  EXPECT_EQ(body_of("\\s-1SMALL\\s0 \\s+2big\\s-2 \\h'3n'x\\v'-1'y \\w'abc'z"), "SMALL big xy z\n");
  EXPECT_EQ(body_of(".sp\n\\h'-04'\\(bu\\h'+03'\\c\nItem\nx\\h'-1'y"), "\u2022 Item xy\n");
  EXPECT_EQ(body_of("a\\ b\\~c \\e \\\\ \\. \\&.x \\(aq \\(dq"), "a b c \\ \\ . .x ' \"\n");
  EXPECT_EQ(body_of("R\\*R T\\*(Tm \\*(lqq\\*(rq \\*[lq]x\\*[rq] \\*(XXgone"),
            "R\u00ae T\u2122 \u201cq\u201d \u201cx\u201d gone\n");
  EXPECT_EQ(body_of("text \\\" a comment"), "text\n");
  EXPECT_EQ(body_of("\\m[red]red\\m[] \\X'tty: link'x\\Z'zero'y \\kx"), "red xy\n");
}

TEST(RoffTest, ContinuationAndJoining) {
  EXPECT_EQ(body_of("one \\\ntwo"), "one two\n");
  EXPECT_EQ(body_of("con\\c\ncatenated"), "concatenated\n");
  EXPECT_EQ(body_of(".B bold\nword"), "bold word\n");
  EXPECT_EQ(body_of(".BR ls (1),\n.IR a b c\n.RB [ \\-x ]"), "ls(1), abc [-x]\n");
}

TEST(RoffTest, HeadingOnTheNextLine) {
  const RoffPage page =
      parse_man_page(".TH X 1\n.SH\nNAME\nx \\- does x\n.SH\nDESCRIPTION\nText.\n");
  EXPECT_EQ(page.description, "does x");
  EXPECT_EQ(page.body, "DESCRIPTION\nText.\n");
}

TEST(RoffTest, DefinitionsIgnoreBlocksAndFalseConditionalsAreSkipped) {
  EXPECT_EQ(body_of(".de AA END\nhidden\n.END\nshown\n.ig\nignored\n..\nagain"), "shown again\n");
  EXPECT_EQ(body_of(".if t \\{\\\nhidden\n.if n \\{ nested \\}\nstill hidden\n.\\}\nafter"),
            "after\n");
  EXPECT_EQ(body_of(".ie n yes\n.el no"), "yes\n");
  EXPECT_EQ(body_of(".ie t yes\n.el no"), "no\n");
  EXPECT_EQ(body_of(".nr N 3\n.if \\nN>2 three\n.if \\nN<2 small\n.if !\\nZ zero"), "three zero\n");
  EXPECT_EQ(body_of(".if 'a'a' same\n.if 'a'b' different"), "same\n");
  EXPECT_EQ(body_of(".ds S \\fBstr\\fR\nuse \\*S and \\*(S\n.as S ing\n\\*S"),
            "use str and str string\n");
}

TEST(RoffTest, TablesKeepCellTextAndEqnIsDropped) {
  EXPECT_EQ(body_of(".TS\nbox;\nl l\nl l.\nA\tB\n=\nT{\nlong\ncell\nT}\tC\n.TE\nafter"),
            "A B\nlong cell C\nafter\n");
  EXPECT_EQ(body_of(".TS\nl.\nsingle\n.T&\nl l.\nx\ty\n.TE"), "single\nx y\n");
  EXPECT_EQ(body_of("before\n.EQ\nx sup 2\n.EN\nafter\n.PS\nbox\n.PE\nend"), "before after end\n");
}

TEST(RoffTest, MdocInlineMacros) {
  const std::string head = ".Dd x\n.Dt T 1\n.Sh NAME\n.Nm tool\n.Nd does things\n.Sh DESCRIPTION\n";
  auto body = [&](const std::string& roff) {
    return parse_man_page(head + roff + "\n").body.substr(std::string("DESCRIPTION\n").size());
  };
  EXPECT_EQ(body(".Nm\n.Op Fl a Ar file\n.Op Fl\n.Ar"), "tool [-a file] [-] file ...\n");
  EXPECT_EQ(body(".Fn open path flags ;\n.Xr ls 1 ,\n.Pa /tmp Ns / Ns Ar x"),
            "open(path, flags); ls(1), /tmp/x\n");
  EXPECT_EQ(body(".Dq quoted ,\n.Sq single\n.Pq paren\n.Qq dq\n.Aq angle"),
            "\u201cquoted\u201d, \u2018single\u2019 (paren) \"dq\" <angle>\n");
  EXPECT_EQ(body(".Oo\n.Fl x\n.Oc\n.Ux\n.Bx\n.St -p1003.1"), "[ -x ] UNIX BSD p1003.1\n");
  EXPECT_EQ(body(".Bd -literal\n  a  b\nc\n.Ed\n.D1 Fl v\n.Ex -std"),
            "a b\nc\n-v\nThe tool utility exits 0 on success, and >0 if an error occurs.\n");
  EXPECT_EQ(body(".Lk https://x.org site\n.Lk https://y.org\n.Ql \\&.Fl"),
            "site https://y.org \u2018.Fl\u2019\n");
}

TEST(RoffTest, NameLineForms) {
  auto name_of = [](const std::string& line) {
    const RoffPage page = parse_man_page(".TH X 1\n.SH NAME\n" + line + "\n.SH DESCRIPTION\nx\n");
    std::string names;
    for (const auto& n : page.names) names += "[" + n + "]";
    return names + " " + page.description;
  };
  EXPECT_EQ(name_of("ssh\\-keygen \\- OpenSSH key tool"), "[ssh-keygen] OpenSSH key tool");
  EXPECT_EQ(name_of("git-add - Add file contents"), "[git-add] Add file contents");
  EXPECT_EQ(name_of(".B bold\n\\- from a macro"), "[bold] from a macro");
  EXPECT_EQ(name_of("a, b,c \\-\nspans\nlines"), "[a][b][c] spans lines");
  EXPECT_EQ(name_of("nodash"), "[nodash] ");
  EXPECT_EQ(name_of("x \\(em em dash form"), "[x] em dash form");
}

TEST(RoffTest, TranslatedHeadings) {
  const RoffPage page = parse_man_page(
      ".TH LS 1\n.SH BEZEICHNUNG\nls \\- Verzeichnisinhalte auflisten\n"
      ".SH BESCHREIBUNG\nText.\n.SH \"SIEHE AUCH\"\n\\fBdir\\fP(1)\n");
  EXPECT_EQ(page.description, "Verzeichnisinhalte auflisten");
  EXPECT_EQ(page.see_also, (std::vector<ManReference>{{"dir", "1"}}));
  EXPECT_EQ(page.body, "BESCHREIBUNG\nText.\nSIEHE AUCH\ndir(1)\n");
}

TEST(RoffTest, PageWithoutNameSection) {
  const RoffPage page = parse_man_page(".TH X 1\n.SH SYNOPSIS\nx [opts]\n");
  EXPECT_TRUE(page.names.empty());
  EXPECT_EQ(page.description, "");
  EXPECT_EQ(page.body, "SYNOPSIS\nx [opts]\n");
}

TEST(RoffTest, NoStructure) {
  EXPECT_FALSE(parse_man_page("").has_structure);
  EXPECT_FALSE(parse_man_page("just some text\nwithout requests\n").has_structure);
}

TEST(RoffTest, FindManReferences) {
  // "cp (1)" with a blank is not a reference: prose such as "see the manual (1)" would be.
  EXPECT_EQ(find_man_references("ls(1), cp (1) and stat(2); openssl-req(1ssl), Foo::Bar(3pm)."),
            (std::vector<ManReference>{
                {"ls", "1"}, {"stat", "2"}, {"openssl-req", "1ssl"}, {"Foo::Bar", "3pm"}}));
  EXPECT_TRUE(find_man_references("no refs (here) or (1) alone, f(x)").empty());
  EXPECT_EQ(find_man_references("...dots.(8)"), (std::vector<ManReference>{{"dots.", "8"}}));
}

// Odd input must never crash or hang: random roff-ish bytes with a fixed seed.
// A string doubled 40 times asked for 1 TB: bounded at kMaxRoffStringBytes, as an error.
std::string doubling_page(int doublings) {
  std::string page = ".TH BOMB 1\n.SH NAME\nbomb \\- doubles strings\n.ds a x\n";
  for (int i = 0; i < doublings; ++i) page += ".ds a \\*a\\*a\n";
  return page + ".SH DESCRIPTION\n\\*a\n";
}

TEST(RoffTest, StringDoublingIsBounded) {
  EXPECT_EQ(doubling_page(40).size(), 592u);  // the 592-byte page that once asked for 1 TB
  try {
    (void)parse_man_page(doubling_page(40));
    FAIL() << "expected RoffLimitError";
  } catch (const RoffLimitError& e) {
    EXPECT_NE(std::string(e.what()).find("string 'a' grows beyond 1 MiB"), std::string::npos)
        << e.what();
  }
  // .as appends are bounded the same way.
  std::string append = ".TH A 1\n.ds b 0123456789abcdef\n";
  for (int i = 0; i < 17; ++i) append += ".as b \\*b\n";
  EXPECT_THROW((void)parse_man_page(append), RoffLimitError);
  // Below the limit the string is expanded in full: 2^16 x 'x'.
  const RoffPage ok = parse_man_page(doubling_page(16));
  EXPECT_EQ(ok.body, "DESCRIPTION\n" + std::string(1 << 16, 'x') + "\n");
}

TEST(RoffTest, InterpolationOverAPageIsBounded) {
  // A 512 KiB string printed on 200 lines (100 MiB in all), or compared in conditions that print
  // nothing: the page's interpolation budget stops both.
  std::string page = ".TH I 1\n.ds a x\n";
  for (int i = 0; i < 19; ++i) page += ".ds a \\*a\\*a\n";
  std::string printed = page + ".SH DESCRIPTION\n";
  std::string compared = page;
  for (int i = 0; i < 200; ++i) {
    printed += "\\*a\n";
    compared += ".if '\\*a'y' never\n";
  }
  // Printed text reaches the page-text limit (32 MiB) first; conditions, the interpolation one.
  for (const auto& [source, limit] :
       {std::pair{printed, "page text exceeds 32 MiB"}, std::pair{compared, "more than 64 MiB"}}) {
    try {
      (void)parse_man_page(source);
      FAIL() << "expected RoffLimitError";
    } catch (const RoffLimitError& e) {
      EXPECT_NE(std::string(e.what()).find(limit), std::string::npos) << e.what();
    }
  }
}

TEST(RoffTest, RegisterArithmeticSaturatesInsteadOfOverflowing) {
  // Signed overflow is undefined behaviour (UBSan): values stay within +-1e15.
  const std::string page =
      ".TH R 1\n.SH DESCRIPTION\n.nr x 9999999999*9999999999*9999999999\n"
      ".nr y 0-\\nx-\\nx*9999999999\n.if \\nx>999999999999999 big\n"
      ".if \\ny<-999999999999999 small\n.nr z \\nx+1\n.if \\nz>\\nx unbounded\n";
  EXPECT_EQ(parse_man_page(page).body, "DESCRIPTION\nbig small\n");
}

TEST(RoffTest, SurvivesRandomInput) {
  const std::string alphabet = ".\\'\"(){}[]*fBIRs-+0123 \n\tabcTHSPnrdeifl&|";
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 400);
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    const int n = length(rng);
    for (int i = 0; i < n; ++i) input += alphabet[pick(rng)];
    const RoffPage page = parse_man_page(input);
    EXPECT_EQ(page.body.find(static_cast<char>(1)), std::string::npos);
  }
}

}  // namespace
}  // namespace embeval
