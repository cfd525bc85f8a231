#include "embeval/ingest/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <strings.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <mutex>
#include <string>

#include "embeval/util/utf8.h"
#include "ingest/text_builder.h"

namespace embeval {
namespace {

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

bool named(const xmlNode* node, const char* name) {
  return node->name != nullptr &&
         ::strcasecmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

bool is_dropped(const xmlNode* node) {
  static constexpr std::array kDropped = {"script", "style",  "noscript", "template", "nav",
                                          "header", "footer", "aside",    "form",     "head",
                                          "svg",    "iframe", "object",   "select"};
  return std::any_of(kDropped.begin(), kDropped.end(),
                     [&](const char* n) { return named(node, n); });
}

bool is_line_block(const xmlNode* node) {
  static constexpr std::array kLine = {"li", "tr", "br", "dt", "dd", "option", "caption"};
  return std::any_of(kLine.begin(), kLine.end(), [&](const char* n) { return named(node, n); });
}

bool is_block(const xmlNode* node) {
  static constexpr std::array kBlock = {
      "p",       "div",     "section", "article", "main", "blockquote", "pre",
      "table",   "ul",      "ol",      "dl",      "hr",   "figure",     "figcaption",
      "address", "details", "summary", "body",    "html", "fieldset",   "center"};
  return std::any_of(kBlock.begin(), kBlock.end(), [&](const char* n) { return named(node, n); });
}

int heading_level(const xmlNode* node) {
  if (node->name == nullptr) return 0;
  const char* n = reinterpret_cast<const char*>(node->name);
  if ((n[0] == 'h' || n[0] == 'H') && n[1] >= '1' && n[1] <= '6' && n[2] == '\0') return n[1] - '0';
  return 0;
}

std::string node_text(const xmlNode* node) {
  std::unique_ptr<xmlChar, decltype(xmlFree)> content(xmlNodeGetContent(node), xmlFree);
  return content ? std::string(reinterpret_cast<const char*>(content.get())) : std::string();
}

// The next node in document order after `node` inside `top`, its children first when
// `enter_children`; nullptr at the end. Iterative: deep documents cost no stack.
const xmlNode* next_in_order(const xmlNode* node, const xmlNode* top, bool enter_children) {
  if (enter_children && node->children != nullptr) return node->children;
  while (node != top && node->next == nullptr) node = node->parent;
  return node == top ? nullptr : node->next;
}

const xmlNode* find_title(const xmlNode* top) {
  for (const xmlNode* node = top->children; node != nullptr;) {
    if (node->type == XML_ELEMENT_NODE && named(node, "title")) return node;
    node = next_in_order(node, top, node->type == XML_ELEMENT_NODE && !named(node, "body"));
  }
  return nullptr;
}

// Declares a charset other than UTF-8 in its first bytes (meta tag or XML declaration).
bool declares_other_charset(std::string_view html) {
  std::string head(html.substr(0, 2048));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const std::size_t at = std::min(head.find("charset="), head.find("encoding="));
  if (at == std::string::npos) return false;
  const std::size_t value = head.find_first_not_of("\"' ", head.find('=', at) + 1);
  return value != std::string::npos && head.compare(value, 5, "utf-8") != 0 &&
         head.compare(value, 4, "utf8") != 0;
}

}  // namespace

ExtractedText html_text(std::string_view html) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });

  std::size_t replaced = 0;
  std::string repaired;
  const char* encoding = "UTF-8";
  if (!is_valid_utf8(html)) {
    if (declares_other_charset(html)) {
      encoding = nullptr;  // libxml2 converts from the declared charset
    } else {
      repaired = replace_invalid_utf8(html, &replaced);
      html = repaired;
    }
  }
  const int size = static_cast<int>(std::min<std::size_t>(html.size(), INT_MAX));
  std::unique_ptr<htmlParserCtxt, decltype(&htmlFreeParserCtxt)> context(htmlNewParserCtxt(),
                                                                         htmlFreeParserCtxt);
  ExtractedText out;
  if (!context) throw std::bad_alloc();
  std::unique_ptr<xmlDoc, DocFree> doc(
      htmlCtxtReadMemory(context.get(), html.data(), size, nullptr, encoding,
                         // XML_PARSE_HUGE lifts libxml2's nesting limit of 256, which would drop
                         // everything after the 256th level; the parser keeps open elements on a
                         // heap stack, and the input is bounded by the import's size limit.
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | XML_PARSE_HUGE));
  // A fatal error (e.g. nesting deeper than libxml2's limit) stops the parser: what was read
  // before it is kept, and the import reports the file as repaired.
  std::string stopped;
  if (const xmlError* error = xmlCtxtGetLastError(context.get());
      error != nullptr && error->level == XML_ERR_FATAL && error->message != nullptr) {
    stopped = error->message;
    while (!stopped.empty() && (stopped.back() == '\n' || stopped.back() == ' '))
      stopped.pop_back();
  }
  if (!doc) {
    out.invalid_utf8_replaced = replaced;
    out.note = stopped;
    return out;
  }
  // The document node: libxml2 lays xmlDoc out as an xmlNode. Every top-level node is walked,
  // not only the root element: recovered markup may put content after </html>.
  const xmlNode* top = reinterpret_cast<const xmlNode*>(doc.get());
  ingest_detail::TextBuilder builder;
  std::string title;
  if (top->children != nullptr) {
    if (const xmlNode* t = find_title(top)) title = node_text(t);
    // Iterative depth-first walk with enter/leave events; pre_depth counts open <pre>.
    const xmlNode* node = top->children;
    int pre_depth = 0;
    bool descend = true;
    while (node != nullptr) {
      bool leave = true;  // run the element's "leave" step (not for skipped subtrees)
      if (descend) {
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
          if (node->content != nullptr) {
            builder.append(reinterpret_cast<const char*>(node->content), pre_depth == 0);
          }
        } else if (node->type == XML_ELEMENT_NODE && !is_dropped(node)) {
          if (const int level = heading_level(node)) {
            builder.begin_heading(level);
          } else if (is_line_block(node)) {
            builder.block_break(true);
          } else if (is_block(node)) {
            builder.block_break();
          }
          if (named(node, "pre")) ++pre_depth;
          if (node->children != nullptr) {
            node = node->children;
            continue;
          }
        } else {
          leave = false;  // a dropped subtree, a comment, a processing instruction
        }
      }
      if (leave && node->type == XML_ELEMENT_NODE) {
        if (heading_level(node) != 0) {
          builder.end_heading();
        } else if (is_line_block(node)) {
          builder.block_break(true);
        } else if (is_block(node)) {
          builder.block_break();
        }
        if (named(node, "pre")) --pre_depth;
      }
      if (node->next != nullptr) {
        node = node->next;
        descend = true;
      } else {
        node = node->parent;  // left next, as its last child is done
        descend = false;
        if (node == top) break;
      }
    }
  }
  out = builder.finish();
  // Whitespace inside the title collapses as in text.
  ingest_detail::TextBuilder title_builder;
  title_builder.append(title, true);
  const std::string clean_title = title_builder.finish().text;
  if (!clean_title.empty()) {
    out.title = clean_title;
    out.title_from = "title";
  } else {
    for (const ExtractedSection& section : out.sections) {
      if (section.level == 1) {
        out.title = section.heading;
        out.title_from = "h1";
        break;
      }
    }
  }
  out.invalid_utf8_replaced = replaced;
  if (!stopped.empty()) out.note = "the HTML parser stopped early: " + stopped;
  return out;
}

}  // namespace embeval
