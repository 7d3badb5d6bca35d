#include "data/csv_fields.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace shoprl {

std::size_t split_fields(std::string_view line, char delimiter,
                         std::vector<std::string_view>& out) {
  out.clear();
  std::size_t pos = 0;
  const std::size_t n = line.size();
  for (;;) {
    if (pos < n && line[pos] == '"') {
      const std::size_t close = line.find('"', pos + 1);
      if (close != std::string_view::npos && (close + 1 == n || line[close + 1] == delimiter)) {
        out.push_back(line.substr(pos + 1, close - pos - 1));
        if (close + 1 == n) return out.size();
        pos = close + 2;
        continue;
      }
    }
    const std::size_t next = line.find(delimiter, pos);
    if (next == std::string_view::npos) {
      out.push_back(line.substr(pos));
      return out.size();
    }
    out.push_back(line.substr(pos, next - pos));
    pos = next + 1;
  }
}

bool parse_double(std::string_view text, double& value) {
  if (text.empty() || text.size() > 64) return false;
  char buffer[65];
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  char* end = nullptr;
  value = std::strtod(buffer, &end);
  return end == buffer + text.size() && std::isfinite(value);
}

ColumnIndex::ColumnIndex(const std::vector<std::string_view>& header, std::string where)
    : where_(std::move(where)) {
  for (const auto& name : header) names_.emplace_back(name);
}

int ColumnIndex::optional(const std::string& name) const {
  if (name.empty()) return -1;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int ColumnIndex::require(const std::string& name) const {
  const int index = optional(name);
  if (index < 0) {
    std::string found;
    for (const auto& n : names_) found += (found.empty() ? "" : ", ") + n;
    throw DataError(where_ + ": missing column '" + name + "' (found: " + found + ")");
  }
  return index;
}

}  // namespace shoprl
