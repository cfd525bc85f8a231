#include "embeval/ingest/markdown_text.h"

#include <cmark.h>

#include <memory>

#include "ingest/text_builder.h"

namespace embeval {
namespace {

struct NodeFree {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterFree {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};

std::string_view literal(cmark_node* node) {
  const char* s = cmark_node_get_literal(node);
  return s == nullptr ? std::string_view() : std::string_view(s);
}

}  // namespace

ExtractedText markdown_text(std::string_view markdown) {
  // cmark's tree walk is iterative (cmark_iter), so deep nesting cannot exhaust the stack.
  std::unique_ptr<cmark_node, NodeFree> root(
      cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT));
  ingest_detail::TextBuilder builder;
  std::unique_ptr<cmark_iter, IterFree> iter(cmark_iter_new(root.get()));
  for (cmark_event_type event; (event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    const bool enter = event == CMARK_EVENT_ENTER;
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING:
        if (enter) {
          builder.begin_heading(cmark_node_get_heading_level(node));
        } else {
          builder.end_heading();
        }
        break;
      case CMARK_NODE_PARAGRAPH:
      case CMARK_NODE_BLOCK_QUOTE:
      case CMARK_NODE_LIST:
      case CMARK_NODE_THEMATIC_BREAK:
        builder.block_break();
        break;
      case CMARK_NODE_ITEM:
        builder.block_break(/*line_only=*/true);
        break;
      case CMARK_NODE_CODE_BLOCK:
        builder.block_break();
        builder.append(literal(node), /*collapse=*/false);
        builder.block_break();
        break;
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        builder.append(literal(node), /*collapse=*/false);
        break;
      case CMARK_NODE_SOFTBREAK:
        builder.append(" ", /*collapse=*/false);
        break;
      case CMARK_NODE_LINEBREAK:
        builder.block_break(/*line_only=*/true);
        break;
      default:  // document, emphasis, links and images (their text is visited), raw HTML
        break;
    }
  }
  ExtractedText out = builder.finish();
  for (const ExtractedSection& section : out.sections) {
    if (section.level == 1) {
      out.title = section.heading;
      out.title_from = "h1";
      break;
    }
  }
  return out;
}

}  // namespace embeval
