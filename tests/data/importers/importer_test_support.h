// Helpers shared by the importer tests: run a format through the registry, print a RawLog as
// lines that a failing EXPECT_EQ shows readably, and catch the one error an input should give.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/event_type.h"
#include "data/import_config.h"
#include "data/importer_registry.h"
#include "data/raw_log.h"
#include "testing/test_paths.h"

namespace shoprl::testing {

inline RawLog import_log(const char* format, const std::vector<std::filesystem::path>& inputs,
                         const ImportConfig& config = ImportConfig()) {
  RawLog log;
  find_importer(format).run(inputs, config, log);
  return log;
}

// The message of the `Expected` error the import throws; a test failure when none is thrown.
template <class Expected = DataError>
std::string import_error(const char* format, const std::vector<std::filesystem::path>& inputs,
                         const ImportConfig& config = ImportConfig()) {
  try {
    import_log(format, inputs, config);
  } catch (const Expected& error) {
    return error.what();
  }
  ADD_FAILURE() << "importing " << format << " did not throw";
  return "";
}

// One line per event: "session item type time_ms", with raw ids.
inline std::vector<std::string> event_lines(const RawLog& log) {
  std::vector<std::string> lines;
  for (std::size_t e = 0; e < log.num_events(); ++e) {
    std::ostringstream line;
    line << log.session_keys.key(log.event_session[e]) << ' ' << log.items.key(log.event_item[e])
         << ' ' << event_type_name(static_cast<EventType>(log.event_type[e])) << ' '
         << log.event_time_ms[e];
    lines.push_back(line.str());
  }
  return lines;
}

// The raw user id of each session key ("-" when unknown).
inline std::vector<std::string> session_user_lines(const RawLog& log) {
  std::vector<std::string> lines;
  for (std::size_t s = 0; s < log.session_keys.size(); ++s) {
    const std::int32_t user = log.session_user[s];
    lines.push_back(std::string(log.session_keys.key(static_cast<std::int32_t>(s))) + ' ' +
                    (user < 0 ? std::string("-") : std::string(log.users.key(user))));
  }
  return lines;
}

inline std::string feature_table_text(const FeatureTable& table) {
  std::ostringstream out;
  for (const auto& name : table.numeric_names) out << name << ' ';
  out << "| ";
  for (const auto& name : table.categorical_names) out << name << ' ';
  out << "\n";
  for (const float value : table.numeric) out << value << ' ';
  out << "\n";
  for (std::size_t i = 0; i < table.categorical.size(); ++i) {
    const std::size_t column = i % table.categorical_names.size();
    const std::int32_t code = table.categorical[i];
    out << (code < 0 ? std::string("-") : std::string(table.vocabularies[column].key(code))) << ' ';
  }
  return out.str();
}

// Everything a RawLog holds, as text: two logs are the same when their dumps are.
inline std::string dump(const RawLog& log) {
  std::ostringstream out;
  for (const auto& line : event_lines(log)) out << line << "\n";
  for (const auto& line : session_user_lines(log)) out << line << "\n";
  for (const auto& key : log.items.keys()) out << key << ' ';
  out << "\nkeys_are_users " << log.session_keys_are_users << "\n";
  for (const auto& category : log.item_category) out << '[' << category << ']';
  out << "\n";
  for (const double price : log.item_price) out << price << ' ';
  out << "\n";
  const RawImpressions& shown = log.impressions;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    out << shown.session_key[i] << ' ' << shown.slate[i] << ' ' << shown.item[i] << ' '
        << shown.position[i] << ' ' << shown.reward[i] << ' ' << shown.propensity[i] << ' '
        << shown.time_ms[i] << "\n";
  }
  out << feature_table_text(shown.context) << "\n" << feature_table_text(log.item_features);
  out << "\nrows " << log.counters.rows_read << " skipped " << log.counters.rows_skipped
      << " dropped " << log.counters.events_dropped;
  return out.str();
}

// Writes `text` gzip-compressed to `path` and cuts the last `cut_bytes`, as a download that
// stopped early would.
inline void write_truncated_gzip(const std::filesystem::path& path, const std::string& text,
                                 std::uintmax_t cut_bytes = 12) {
  write_text(path, text);
  const std::uintmax_t size = std::filesystem::file_size(path);
  ASSERT_GT(size, cut_bytes);
  std::filesystem::resize_file(path, size - cut_bytes);
}

}  // namespace shoprl::testing
