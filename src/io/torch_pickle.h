// The pickle subset torch.save writes for a state dict, run as a small stack machine with an
// allow-list of globals (see embeval/io/torch_state_dict.h). Aggregates are shared so that the
// memo and the stack see one object, as pickle's SETITEMS on a memoised dict requires.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace embeval::torch_pickle {

struct Value;
using Values = std::vector<Value>;

// A storage named by a persistent id: ('storage', torch.<Type>Storage, key, location, numel).
struct StorageRef {
  std::string dtype;  // "float32", "float16", ...
  std::size_t element_size = 0;
  std::string key;  // names ARCHIVE/data/<key>
  std::int64_t numel = 0;
};

struct TensorRef {
  StorageRef storage;
  std::int64_t offset = 0;
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> stride;
};

struct Value {
  enum class Kind {
    kNone,
    kBool,
    kInt,
    kFloat,
    kString,
    kBytes,
    kTuple,
    kList,
    kDict,
    kGlobal,
    kStorage,
    kTensor
  };
  Kind kind = Kind::kNone;
  std::int64_t integer = 0;       // kInt, kBool
  double real = 0;                // kFloat
  std::string text;               // kString, kBytes, kGlobal ("module name")
  std::shared_ptr<Values> items;  // kTuple, kList; kDict as key, value, key, value, ...
  std::shared_ptr<StorageRef> storage;
  std::shared_ptr<TensorRef> tensor;
};

const char* kind_name(Value::Kind kind);

// Runs `pickle` to its STOP and returns the object it built. Throws InputError naming `file`
// and the byte offset for anything outside the subset.
Value run(std::string_view pickle, const std::string& file);

}  // namespace embeval::torch_pickle
