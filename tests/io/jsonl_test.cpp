#include "embeval/io/jsonl.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class JsonlTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) {
    return dir_.write(name, bytes);
  }

  struct Row {
    std::size_t line;
    std::string id;
    std::string text;
  };
  static std::vector<Row> read_all(const fs::path& path, const JsonlOptions& options = {}) {
    std::vector<Row> rows;
    read_jsonl(
        path,
        [&](const JsonlRecord& r) {
          rows.push_back({r.line(), std::string(r.id()),
                          std::string(r.string_field("text").value_or("<none>"))});
        },
        options);
    return rows;
  }

  // The InputError thrown by reading `path`; fails the test when nothing is thrown.
  static InputError error_of(const fs::path& path, const JsonlOptions& options = {}) {
    try {
      read_all(path, options);
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "expected an InputError for " << path;
    return InputError("none");
  }

  embeval::testing::TempDir dir_{"embeval-jsonl"};
};

TEST_F(JsonlTest, ReadsRecordsInOrderWithLineNumbersAndSkipsBlankLines) {
  const fs::path path = write("a.jsonl",
                              "{\"_id\": \"d1\", \"text\": \"one\"}\n"
                              "\n"
                              "   \t\n"
                              "{\"text\": \"two\", \"_id\": \"d2\", \"title\": null}\r\n"
                              "{\"_id\": \"d3\"}");  // no trailing newline
  const auto rows = read_all(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[0].id, "d1");
  EXPECT_EQ(rows[0].text, "one");
  EXPECT_EQ(rows[1].line, 4u);
  EXPECT_EQ(rows[1].id, "d2");
  EXPECT_EQ(rows[1].text, "two");
  EXPECT_EQ(rows[2].line, 5u);
  EXPECT_EQ(rows[2].text, "<none>");  // absent field
}

TEST_F(JsonlTest, ReturnsRecordCountAndNullIsAbsent) {
  const fs::path path = write("b.jsonl", "{\"_id\":\"x\",\"title\":null}\n{\"_id\":\"y\"}\n");
  std::size_t nulls = 0;
  const std::size_t n = read_jsonl(path, [&](const JsonlRecord& r) {
    if (!r.string_field("title").has_value()) ++nulls;
  });
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(nulls, 2u);
}

TEST_F(JsonlTest, IntegerIdsBecomeDecimalText) {
  const fs::path path = write("c.jsonl",
                              "{\"_id\": 42, \"text\": \"a\"}\n"
                              "{\"_id\": -7, \"text\": \"b\"}\n"
                              "{\"_id\": 18446744073709551615, \"text\": \"c\"}\n");
  const auto rows = read_all(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, "42");
  EXPECT_EQ(rows[1].id, "-7");
  EXPECT_EQ(rows[2].id, "18446744073709551615");
}

TEST_F(JsonlTest, MalformedJsonNamesFileAndLine) {
  const fs::path path = write("bad.jsonl",
                              "{\"_id\": \"a\", \"text\": \"x\"}\n"
                              "{\"_id\": \"b\", \"text\": \"y\"}\n"
                              "{\"_id\": \"c\", \"text\": \"unterminated}\n"
                              "{\"_id\": \"d\", \"text\": \"z\"}\n");
  const InputError e = error_of(path);
  EXPECT_EQ(e.file(), path.string());
  EXPECT_EQ(e.line(), 3u);
  EXPECT_NE(std::string(e.what()).find(path.string() + ":3: malformed JSON"), std::string::npos)
      << e.what();
}

TEST_F(JsonlTest, TrailingGarbageAfterObjectIsMalformed) {
  const fs::path path = write("bad2.jsonl", "{\"_id\": \"a\"} {\"_id\": \"b\"}\n");
  EXPECT_EQ(error_of(path).line(), 1u);
}

TEST_F(JsonlTest, NonObjectLineIsAnError) {
  const fs::path path = write("arr.jsonl", "{\"_id\": \"a\"}\n[1, 2]\n");
  const InputError e = error_of(path);
  EXPECT_EQ(e.line(), 2u);
  EXPECT_NE(e.message().find("JSON array, expected an object"), std::string::npos) << e.what();
}

TEST_F(JsonlTest, MissingIdIsAnErrorUnlessNotRequired) {
  const fs::path path = write("noid.jsonl", "{\"_id\": \"a\"}\n{\"text\": \"no id\"}\n");
  const InputError e = error_of(path);
  EXPECT_EQ(e.line(), 2u);
  EXPECT_NE(e.message().find("no \"_id\""), std::string::npos) << e.what();

  JsonlOptions lax;
  lax.require_id = false;
  const auto rows = read_all(path, lax);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].id, "");
  EXPECT_EQ(rows[1].text, "no id");
}

TEST_F(JsonlTest, NonStringNonIntegerIdIsAnError) {
  for (const std::string bad : {"1.5", "true", "null", "{\"a\":1}", "\"\""}) {
    const fs::path path = write("badid.jsonl", "{\"_id\": \"ok\"}\n\n{\"_id\": " + bad + "}\n");
    const InputError e = error_of(path);
    EXPECT_EQ(e.line(), 3u) << bad;
  }
}

TEST_F(JsonlTest, NonStringFieldThrowsWhenAsked) {
  const fs::path path = write("num.jsonl", "{\"_id\": \"a\", \"text\": 5}\n");
  const InputError e = error_of(path);
  EXPECT_EQ(e.line(), 1u);
  EXPECT_NE(e.message().find("\"text\" is a JSON integer"), std::string::npos) << e.what();
}

TEST_F(JsonlTest, InvalidUtf8RejectedWithoutRepairHook) {
  const fs::path path =
      write("latin1.jsonl", "{\"_id\": \"a\"}\n{\"_id\": \"b\", \"text\": \"caf\xE9\"}\n");
  const InputError e = error_of(path);
  EXPECT_EQ(e.line(), 2u);
  EXPECT_NE(e.message().find("not valid UTF-8"), std::string::npos) << e.what();
}

TEST_F(JsonlTest, InvalidUtf8RepairedByHook) {
  const fs::path path =
      write("latin1.jsonl", "{\"_id\": \"a\"}\n{\"_id\": \"b\", \"text\": \"caf\xE9\"}\n");
  JsonlOptions options;
  std::vector<std::size_t> hooked_lines;
  options.on_invalid_utf8 = [&](std::string& line, std::size_t line_number) {
    hooked_lines.push_back(line_number);
    const std::size_t bad = line.find('\xE9');
    line.replace(bad, 1, "\xC3\xA9");  // what a Latin-1 fix would do
  };
  std::vector<bool> repaired;
  std::vector<std::string> texts;
  read_jsonl(
      path,
      [&](const JsonlRecord& r) {
        repaired.push_back(r.utf8_repaired());
        texts.emplace_back(r.string_field("text").value_or(""));
      },
      options);
  EXPECT_EQ(hooked_lines, std::vector<std::size_t>{2});
  EXPECT_EQ(repaired, (std::vector<bool>{false, true}));
  EXPECT_EQ(texts[1], "caf\xC3\xA9");
}

TEST_F(JsonlTest, HookMayThrowItsOwnError) {
  const fs::path path = write("latin1.jsonl", "{\"_id\": \"b\", \"text\": \"\xFF\"}\n");
  JsonlOptions options;
  options.on_invalid_utf8 = [&](std::string&, std::size_t line_number) {
    throw InputError("custom", path.string(), line_number);
  };
  const InputError e = error_of(path, options);
  EXPECT_EQ(e.message(), "custom");
  EXPECT_EQ(e.line(), 1u);
}

TEST_F(JsonlTest, HugeLinesAndManyLinesAcrossBufferBoundaries) {
  // A 9 MiB line forces the 4 MiB buffer to grow; small lines around it cross block edges.
  std::string big(9u << 20, 'x');
  std::string content = "{\"_id\": \"first\", \"text\": \"a\"}\n";
  content += "{\"_id\": \"big\", \"text\": \"" + big + "\"}\n";
  for (int i = 0; i < 100000; ++i) {
    content += "{\"_id\": \"n" + std::to_string(i) + "\", \"text\": \"t\"}\n";
  }
  const fs::path path = write("big.jsonl", content);
  JsonlOptions quiet;
  quiet.show_progress = false;
  std::size_t count = 0;
  std::size_t big_size = 0;
  std::size_t last_line = 0;
  std::string last_id;
  read_jsonl(
      path,
      [&](const JsonlRecord& r) {
        ++count;
        if (r.id() == "big") big_size = r.string_field("text")->size();
        last_line = r.line();
        last_id = std::string(r.id());
      },
      quiet);
  EXPECT_EQ(count, 100002u);
  EXPECT_EQ(big_size, big.size());
  EXPECT_EQ(last_line, 100002u);
  EXPECT_EQ(last_id, "n99999");
}

TEST_F(JsonlTest, MissingFileIsAnInputError) {
  const InputError e = error_of(dir_ / "nope.jsonl");
  EXPECT_EQ(e.file(), (dir_ / "nope.jsonl").string());
  EXPECT_EQ(e.line(), 0u);
}

TEST_F(JsonlTest, CallbackExceptionsPropagate) {
  const fs::path path = write("ok.jsonl", "{\"_id\": \"a\"}\n{\"_id\": \"b\"}\n");
  std::size_t seen = 0;
  EXPECT_THROW(read_jsonl(path,
                          [&](const JsonlRecord& r) {
                            ++seen;
                            if (r.id() == "a") throw std::runtime_error("stop");
                          }),
               std::runtime_error);
  EXPECT_EQ(seen, 1u);
}

TEST_F(JsonlTest, FirstOccurrenceOfRepeatedKeyWins) {
  const fs::path path = write("dup.jsonl", "{\"_id\": \"a\", \"text\": \"1\", \"text\": \"2\"}\n");
  const auto rows = read_all(path);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "1");
}

// Issue 9: a UTF-8 byte-order mark opening the file used to be "malformed JSON".
TEST_F(JsonlTest, ByteOrderMarkOpeningTheFileIsIgnored) {
  const std::string bom = "\xEF\xBB\xBF";
  const auto rows = read_all(write("bom.jsonl", bom + "{\"_id\": \"d1\", \"text\": \"one\"}\r\n"
                                                      "{\"_id\": \"d2\", \"text\": \"two\"}\n"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "d1");
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[1].id, "d2");
  // A mark alone on the first line is a blank line; one on a later line is still an error.
  EXPECT_EQ(read_all(write("alone.jsonl", bom + "\n{\"_id\": \"x\"}\n")).size(), 1u);
  const InputError later = error_of(write("later.jsonl", "{\"_id\": \"a\"}\n" + bom + "{}\n"));
  EXPECT_EQ(later.line(), 2u);
}

TEST_F(JsonlTest, Utf16FilesAreNamedAsSuch) {
  const InputError e = error_of(write("u16.jsonl", std::string("\xFF\xFE{\0}\0\n\0", 8)));
  EXPECT_EQ(e.line(), 1u);
  EXPECT_NE(e.message().find("UTF-16"), std::string::npos) << e.what();
}

// Issue 10: ids that would break an ids file or a TREC run are refused with file and line.
TEST_F(JsonlTest, IdsWithWhitespaceOrControlCharactersAreRefused) {
  const std::vector<std::string> bad = {R"("a\nb")",      R"("a b")",      R"("a\tb")",
                                        R"("a\u0000b")",  R"("a\u000bb")", R"("a\rb")",
                                        R"("\u001b[0m")", R"("a\u0085")",  R"("a\u2028")",
                                        R"("a\u00a0")",   R"("")",         R"(" ")"};
  for (const std::string& id : bad) {
    const fs::path path =
        write("bad.jsonl", "{\"_id\": \"fine\", \"text\": \"x\"}\n{\"_id\": " + id + "}\n");
    const InputError e = error_of(path);
    EXPECT_EQ(e.file(), path.string()) << id;
    EXPECT_EQ(e.line(), 2u) << id;
    EXPECT_NE(e.message().find("\"_id\""), std::string::npos) << e.message();
    // Also when ids are optional (encode names id-less records by line): a present id counts.
    JsonlOptions optional;
    optional.require_id = false;
    EXPECT_EQ(error_of(path, optional).line(), 2u) << id;
  }
  // Optional ids may still be absent.
  JsonlOptions optional;
  optional.require_id = false;
  EXPECT_EQ(read_all(write("none.jsonl", "{\"text\": \"x\"}\n"), optional).size(), 1u);
  // Punctuation and other scripts are fine.
  const auto rows = read_all(write("ok.jsonl", "{\"_id\": \"MED-1/a:b#\\u00e9\\u6587\"}\n"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, "MED-1/a:b#\xC3\xA9\xE6\x96\x87");
}

TEST_F(JsonlTest, ObjectFieldsComeBackAsCompactJsonText) {
  const fs::path path =
      write("meta.jsonl",
            "{\"_id\": \"a\", \"metadata\": { \"source\" : {\"path\": \"g/i.md\", \"bytes\": 12},\n"
            "   \"pages\": [ {\"page\": 1, \"begin\": 0} ] , \"x\": null, \"t\": \"\\u00e9\\n\"}}\n"
            "{\"_id\": \"b\", \"metadata\": null}\n"
            "{\"_id\": \"c\"}\n"
            "{\"_id\": \"d\", \"metadata\": {}}\n"
            "{\"_id\": \"e\", \"metadata\": [1]}\n");
  std::vector<std::string> texts;
  InputError error("none");
  try {
    read_jsonl(path, [&](const JsonlRecord& r) {
      texts.push_back(r.raw_object_field("metadata").value_or("<none>"));
    });
  } catch (const InputError& e) {
    error = e;
  }
  // Line 1 holds a line break inside the object, so it is two lines: re-written on one.
  ASSERT_EQ(texts.size(), 0u) << "a JSONL record cannot span lines";
  EXPECT_EQ(error.line(), 1u);

  const fs::path one_line =
      write("meta1.jsonl",
            "{\"_id\": \"a\", \"metadata\": { \"source\" : {\"path\": \"g/i.md\", \"bytes\": 12},"
            "   \"pages\": [ {\"page\": 1, \"begin\": 0} ] , \"x\": null, \"t\": \"\\u00e9\\n\"}}\n"
            "{\"_id\": \"b\", \"metadata\": null}\n"
            "{\"_id\": \"c\"}\n"
            "{\"_id\": \"d\", \"metadata\": {}}\n"
            "{\"_id\": \"e\", \"metadata\": [1]}\n");
  try {
    read_jsonl(one_line, [&](const JsonlRecord& r) {
      texts.push_back(r.raw_object_field("metadata").value_or("<none>"));
    });
  } catch (const InputError& e) {
    error = e;
  }
  ASSERT_EQ(texts.size(), 4u);
  // Whitespace between tokens goes, key order stays, escapes are re-written minimally.
  EXPECT_EQ(texts[0],
            "{\"source\":{\"path\":\"g/i.md\",\"bytes\":12},\"pages\":[{\"page\":1,\"begin\":0}],"
            "\"x\":null,\"t\":\"\xC3\xA9\\n\"}");
  EXPECT_EQ(texts[1], "<none>");  // null is absent
  EXPECT_EQ(texts[2], "<none>");
  EXPECT_EQ(texts[3], "{}");
  EXPECT_EQ(error.line(), 5u);  // an array is not an object
  EXPECT_NE(error.message().find("\"metadata\" is a JSON array, expected an object"),
            std::string::npos)
      << error.what();
}

}  // namespace
}  // namespace embeval
