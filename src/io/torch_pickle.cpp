// Opcode reference: CPython's Lib/pickletools.py; the calls torch.save pickles:
// torch/_utils.py (_rebuild_tensor_v2, _rebuild_parameter) and torch/serialization.py
// (persistent ids of storages).
#include "io/torch_pickle.h"

#include <array>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "embeval/core/error.h"

namespace embeval::torch_pickle {
namespace {

using Kind = Value::Kind;

// A pickle may nest, but a state dict's never goes deeper than a few levels; the bounds stop
// a hostile file from exhausting memory through the stack or the memo.
constexpr std::size_t kMaxStack = 1u << 20;
constexpr std::size_t kMaxMemo = 1u << 24;

struct StorageType {
  const char* dtype;
  std::size_t element_size;
};

const std::map<std::string, StorageType, std::less<>>& storage_types() {
  static const std::map<std::string, StorageType, std::less<>> types = {
      {"torch FloatStorage", {"float32", 4}},     {"torch HalfStorage", {"float16", 2}},
      {"torch BFloat16Storage", {"bfloat16", 2}}, {"torch DoubleStorage", {"float64", 8}},
      {"torch LongStorage", {"int64", 8}},        {"torch IntStorage", {"int32", 4}},
      {"torch ShortStorage", {"int16", 2}},       {"torch CharStorage", {"int8", 1}},
      {"torch ByteStorage", {"uint8", 1}},        {"torch BoolStorage", {"bool", 1}},
  };
  return types;
}

constexpr std::string_view kOrderedDict = "collections OrderedDict";
constexpr std::string_view kRebuildTensor = "torch._utils _rebuild_tensor_v2";
constexpr std::string_view kRebuildParameter = "torch._utils _rebuild_parameter";

class Machine {
 public:
  Machine(std::string_view pickle, const std::string& file) : in_(pickle), file_(file) {}

  Value run() {
    while (true) {
      if (pos_ >= in_.size()) fail("the pickle ends before its STOP opcode");
      const std::size_t at = pos_;
      const auto op = static_cast<unsigned char>(in_[pos_++]);
      if (op == '.') break;  // STOP
      step(op, at);
      if (stack_.size() > kMaxStack) fail("the pickle's stack grows past its bound");
    }
    if (stack_.size() != 1 || !marks_.empty()) fail("the pickle stops with a malformed stack");
    return std::move(stack_.back());
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("data.pkl byte " + std::to_string(op_at_) + ": " + what, file_, 0,
                     "is this a state dict saved by torch.save? embeval reads only tensors");
  }

  std::string_view take(std::size_t n) {
    if (in_.size() - pos_ < n) fail("the pickle is truncated");
    const std::string_view bytes = in_.substr(pos_, n);
    pos_ += n;
    return bytes;
  }
  std::uint64_t little_endian(std::size_t n) {
    const std::string_view bytes = take(n);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    }
    return v;
  }
  std::string_view line() {
    const std::size_t end = in_.find('\n', pos_);
    if (end == std::string_view::npos) fail("the pickle is truncated inside a GLOBAL");
    const std::string_view text = in_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return text;
  }

  Value pop() {
    if (stack_.empty() || (!marks_.empty() && marks_.back() == stack_.size())) {
      fail("an opcode pops from an empty stack");
    }
    Value v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  Value& top() {
    if (stack_.empty()) fail("an opcode needs a value on an empty stack");
    return stack_.back();
  }
  // The values pushed since the last MARK, which is removed.
  Values pop_mark() {
    if (marks_.empty()) fail("an opcode needs a MARK that was never set");
    const std::size_t start = marks_.back();
    marks_.pop_back();
    Values items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(start)),
                 std::make_move_iterator(stack_.end()));
    stack_.resize(start);
    return items;
  }

  static Value make(Kind kind) {
    Value v;
    v.kind = kind;
    return v;
  }
  static Value aggregate(Kind kind, Values items) {
    Value v = make(kind);
    v.items = std::make_shared<Values>(std::move(items));
    return v;
  }
  static Value integer(std::int64_t i) {
    Value v = make(Kind::kInt);
    v.integer = i;
    return v;
  }
  static Value string(std::string_view s, Kind kind = Kind::kString) {
    Value v = make(kind);
    v.text = std::string(s);
    return v;
  }

  void memo_put(std::size_t index) {
    if (index >= kMaxMemo) fail("a memo index past its bound");
    memo_[index] = top();
  }
  Value memo_get(std::size_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("BINGET of memo entry " + std::to_string(index) + " never put");
    return it->second;
  }

  void push_global(std::string module, std::string_view name) {
    std::string qualified = std::move(module) + " " + std::string(name);
    const bool allowed = qualified == kOrderedDict || qualified == kRebuildTensor ||
                         qualified == kRebuildParameter ||
                         storage_types().find(qualified) != storage_types().end();
    if (!allowed) {
      fail("refusing the global '" + qualified +
           "' (a state dict needs only OrderedDict, tensors and storages)");
    }
    stack_.push_back(string(qualified, Kind::kGlobal));
  }

  std::int64_t as_int(const Value& v, const char* what) const {
    if (v.kind != Kind::kInt) fail(std::string(what) + " is not an integer");
    return v.integer;
  }
  std::vector<std::int64_t> as_ints(const Value& v, const char* what) const {
    if (v.kind != Kind::kTuple) fail(std::string(what) + " is not a tuple");
    std::vector<std::int64_t> ints;
    for (const Value& item : *v.items) ints.push_back(as_int(item, what));
    return ints;
  }

  Value reduce(const Value& callable, const Value& args) {
    if (callable.kind != Kind::kGlobal || args.kind != Kind::kTuple) {
      fail("REDUCE of something other than an allowed global and a tuple");
    }
    const Values& a = *args.items;
    if (callable.text == kOrderedDict) {
      if (!a.empty()) fail("OrderedDict called with arguments");
      return aggregate(Kind::kDict, {});
    }
    if (callable.text == kRebuildParameter) {
      if (a.empty() || a[0].kind != Kind::kTensor) fail("_rebuild_parameter without a tensor");
      return a[0];
    }
    if (callable.text == kRebuildTensor) {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (a.size() < 4 || a[0].kind != Kind::kStorage) {
        fail("_rebuild_tensor_v2 without (storage, offset, size, stride)");
      }
      auto tensor = std::make_shared<TensorRef>();
      tensor->storage = *a[0].storage;
      tensor->offset = as_int(a[1], "a tensor's storage offset");
      tensor->shape = as_ints(a[2], "a tensor's size");
      tensor->stride = as_ints(a[3], "a tensor's stride");
      if (tensor->shape.size() != tensor->stride.size()) fail("a tensor's size and stride differ");
      Value v = make(Kind::kTensor);
      v.tensor = std::move(tensor);
      return v;
    }
    fail("REDUCE of '" + callable.text + "', which builds no tensor");
  }

  Value persistent_load(const Value& pid) {
    if (pid.kind != Kind::kTuple || pid.items->size() != 5 ||
        (*pid.items)[0].kind != Kind::kString || (*pid.items)[0].text != "storage" ||
        (*pid.items)[1].kind != Kind::kGlobal || (*pid.items)[2].kind != Kind::kString) {
      fail("a persistent id that is not ('storage', type, key, location, numel)");
    }
    const auto type = storage_types().find((*pid.items)[1].text);
    if (type == storage_types().end()) fail("a storage of type '" + (*pid.items)[1].text + "'");
    auto storage = std::make_shared<StorageRef>();
    storage->dtype = type->second.dtype;
    storage->element_size = type->second.element_size;
    storage->key = (*pid.items)[2].text;
    storage->numel = as_int((*pid.items)[4], "a storage's element count");
    if (storage->numel < 0) fail("a storage with a negative element count");
    Value v = make(Kind::kStorage);
    v.storage = std::move(storage);
    return v;
  }

  void set_items(Value& dict, Values items) {
    if (dict.kind != Kind::kDict) fail("SETITEM(S) on a " + std::string(kind_name(dict.kind)));
    if (items.size() % 2 != 0) fail("SETITEMS with a key but no value");
    for (Value& item : items) dict.items->push_back(std::move(item));
  }

  void step(unsigned char op, std::size_t at) {
    op_at_ = at;
    switch (op) {
      case 0x80:  // PROTO
        if (const auto version = little_endian(1); version < 2 || version > 5) {
          fail("pickle protocol " + std::to_string(version) + " (torch.save writes 2)");
        }
        return;
      case 0x95:  // FRAME: a length hint only
        take(8);
        return;
      case '(':  // MARK
        marks_.push_back(stack_.size());
        return;
      case '}':  // EMPTY_DICT
        stack_.push_back(aggregate(Kind::kDict, {}));
        return;
      case ']':  // EMPTY_LIST
        stack_.push_back(aggregate(Kind::kList, {}));
        return;
      case ')':  // EMPTY_TUPLE
        stack_.push_back(aggregate(Kind::kTuple, {}));
        return;
      case 't':  // TUPLE
        stack_.push_back(aggregate(Kind::kTuple, pop_mark()));
        return;
      case 0x85:    // TUPLE1
      case 0x86:    // TUPLE2
      case 0x87: {  // TUPLE3
        Values items(op - 0x84);
        for (auto it = items.rbegin(); it != items.rend(); ++it) *it = pop();
        stack_.push_back(aggregate(Kind::kTuple, std::move(items)));
        return;
      }
      case 'N':  // NONE
        stack_.push_back(make(Kind::kNone));
        return;
      case 0x88:    // NEWTRUE
      case 0x89: {  // NEWFALSE
        Value v = make(Kind::kBool);
        v.integer = op == 0x88 ? 1 : 0;
        stack_.push_back(v);
        return;
      }
      case 'K':  // BININT1
        stack_.push_back(integer(static_cast<std::int64_t>(little_endian(1))));
        return;
      case 'M':  // BININT2
        stack_.push_back(integer(static_cast<std::int64_t>(little_endian(2))));
        return;
      case 'J':  // BININT: signed 32-bit
        stack_.push_back(integer(static_cast<std::int32_t>(little_endian(4))));
        return;
      case 0x8a: {  // LONG1: n bytes, two's complement little-endian
        const std::size_t n = little_endian(1);
        if (n > 8) fail("an integer wider than 64 bits");
        std::uint64_t v = n == 0 ? 0 : little_endian(n);
        if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~std::uint64_t{0} << (8 * n);
        stack_.push_back(integer(static_cast<std::int64_t>(v)));
        return;
      }
      case 'G': {  // BINFLOAT: big-endian double
        const std::string_view bytes = take(8);
        std::uint64_t bits = 0;
        for (const char c : bytes) bits = (bits << 8) | static_cast<unsigned char>(c);
        Value v = make(Kind::kFloat);
        std::memcpy(&v.real, &bits, sizeof bits);
        stack_.push_back(v);
        return;
      }
      case 'X':  // BINUNICODE
        stack_.push_back(string(take(little_endian(4))));
        return;
      case 0x8c:  // SHORT_BINUNICODE
        stack_.push_back(string(take(little_endian(1))));
        return;
      case 0x8d:  // BINUNICODE8
        stack_.push_back(string(take(little_endian(8))));
        return;
      case 'C':  // SHORT_BINBYTES
        stack_.push_back(string(take(little_endian(1)), Kind::kBytes));
        return;
      case 'B':  // BINBYTES
        stack_.push_back(string(take(little_endian(4)), Kind::kBytes));
        return;
      case 'q':  // BINPUT
        memo_put(little_endian(1));
        return;
      case 'r':  // LONG_BINPUT
        memo_put(little_endian(4));
        return;
      case 0x94:  // MEMOIZE
        memo_put(memo_.size());
        return;
      case 'h':  // BINGET
        stack_.push_back(memo_get(little_endian(1)));
        return;
      case 'j':  // LONG_BINGET
        stack_.push_back(memo_get(little_endian(4)));
        return;
      case 'c': {  // GLOBAL "module\nname\n"
        std::string module(line());
        push_global(std::move(module), line());
        return;
      }
      case 0x93: {  // STACK_GLOBAL
        const Value name = pop();
        const Value module = pop();
        if (name.kind != Kind::kString || module.kind != Kind::kString) {
          fail("STACK_GLOBAL of non-strings");
        }
        push_global(module.text, name.text);
        return;
      }
      case 'R': {  // REDUCE
        const Value args = pop();
        const Value callable = pop();
        stack_.push_back(reduce(callable, args));
        return;
      }
      case 'Q': {  // BINPERSID
        const Value pid = pop();
        stack_.push_back(persistent_load(pid));
        return;
      }
      case 'b': {  // BUILD: OrderedDict's state is its _metadata, which no tensor needs
        pop();
        if (top().kind != Kind::kDict) fail("BUILD on a " + std::string(kind_name(top().kind)));
        return;
      }
      case 's': {  // SETITEM
        Value value = pop();
        Value key = pop();
        Values pair;
        pair.push_back(std::move(key));
        pair.push_back(std::move(value));
        set_items(top(), std::move(pair));
        return;
      }
      case 'u': {  // SETITEMS
        Values items = pop_mark();
        set_items(top(), std::move(items));
        return;
      }
      case 'a': {  // APPEND
        Value value = pop();
        if (top().kind != Kind::kList) fail("APPEND to a non-list");
        top().items->push_back(std::move(value));
        return;
      }
      case 'e': {  // APPENDS
        Values items = pop_mark();
        if (top().kind != Kind::kList) fail("APPENDS to a non-list");
        for (Value& item : items) top().items->push_back(std::move(item));
        return;
      }
      default: {
        static constexpr std::array<char, 17> kHex = {"0123456789abcdef"};
        fail(std::string("unsupported pickle opcode 0x") + kHex[op >> 4] + kHex[op & 15]);
      }
    }
  }

  std::string_view in_;
  const std::string& file_;
  std::size_t pos_ = 0;
  std::size_t op_at_ = 0;
  Values stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::size_t, Value> memo_;
};

}  // namespace

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Kind::kNone:
      return "None";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "str";
    case Kind::kBytes:
      return "bytes";
    case Kind::kTuple:
      return "tuple";
    case Kind::kList:
      return "list";
    case Kind::kDict:
      return "dict";
    case Kind::kGlobal:
      return "global";
    case Kind::kStorage:
      return "storage";
    case Kind::kTensor:
      return "tensor";
  }
  return "?";
}

Value run(std::string_view pickle, const std::string& file) { return Machine(pickle, file).run(); }

}  // namespace embeval::torch_pickle
