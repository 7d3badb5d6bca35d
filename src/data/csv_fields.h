// Field splitting and number parsing for delimited text, without allocation.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoprl {

// Splits `line` at `delimiter` into `out` (cleared first). A field wrapped in double quotes may
// contain the delimiter; the quotes are removed ("" inside stays as is: ids and numbers never
// need it). Returns the number of fields.
std::size_t split_fields(std::string_view line, char delimiter, std::vector<std::string_view>& out);

inline bool parse_int64(std::string_view text, std::int64_t& value) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return result.ec == std::errc() && result.ptr == end && !text.empty();
}

// Accepts what strtod accepts for finite decimal numbers; rejects empty text, NaN and inf.
bool parse_double(std::string_view text, double& value);

// Index of each named column in a header row; DataError "<where>: missing column 'x' (found:
// ...)" when a required one is absent. Optional names ("" or absent) map to -1.
class ColumnIndex {
 public:
  ColumnIndex(const std::vector<std::string_view>& header, std::string where);
  int require(const std::string& name) const;
  int optional(const std::string& name) const;  // -1 when name is "" or not in the header
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::string where_;
};

}  // namespace shoprl
