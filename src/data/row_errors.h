// One policy for malformed rows, shared by the importers: stop with "file:line: reason", or,
// with import.skip_bad_rows, count the row and keep the first few reasons for the report.
#pragma once

#include <string>

#include "core/error.h"
#include "data/line_reader.h"
#include "data/raw_log.h"

namespace shoprl {

class RowErrors {
 public:
  RowErrors(bool skip, ImportCounters& counters) : skip_(skip), counters_(counters) {}

  // Throws DataError unless skipping; returns normally when the row is to be skipped.
  void bad_row(const LineReader& reader, const std::string& reason) {
    std::string message = reader.where() + ": " + reason;
    if (!skip_) throw DataError(message + " (import.skip_bad_rows: true skips such rows)");
    ++counters_.rows_skipped;
    if (counters_.skipped_examples.size() < 5) counters_.skipped_examples.push_back(message);
  }

 private:
  bool skip_;
  ImportCounters& counters_;
};

}  // namespace shoprl
