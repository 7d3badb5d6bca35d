#include "data/import.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/error.h"
#include "core/version.h"
#include "data/importer_registry.h"
#include "data/preprocess.h"

namespace shoprl {
namespace {

// Importers are ours, so a column-length mismatch is a bug; caught here before it corrupts.
void check_columns(const RawLog& log, const std::string& format) {
  const std::size_t e = log.num_events();
  const RawImpressions& imp = log.impressions;
  const std::size_t m = imp.size();
  const bool ok =
      log.event_session.size() == e && log.event_type.size() == e &&
      log.event_time_ms.size() == e && log.session_user.size() == log.session_keys.size() &&
      imp.session_key.size() == m && imp.slate.size() == m && imp.position.size() == m &&
      imp.reward.size() == m && imp.propensity.size() == m && imp.time_ms.size() == m &&
      (imp.context.empty() || imp.context.rows() == m) &&
      (imp.click.empty() || imp.click.size() == m) &&
      (imp.purchase.empty() || imp.purchase.size() == m) &&
      (imp.slate_propensity.empty() || imp.slate_propensity.size() == m) &&
      (imp.prefix_propensity.empty() || imp.prefix_propensity.size() == m);
  if (!ok) throw Error("internal error: importer '" + format + "' produced ragged columns");
}

}  // namespace

SessionStore import_session_logs(const ImportConfig& config, std::uint64_t seed,
                                 const std::string& resolved_config_yaml) {
  if (config.inputs.empty()) {
    throw ConfigError("import.inputs: no input files (give --input PATH or set import.inputs)");
  }
  const ImporterInfo& importer = find_importer(config.format);
  std::vector<std::filesystem::path> inputs(config.inputs.begin(), config.inputs.end());

  RawLog log;
  auto start = std::chrono::steady_clock::now();
  const auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  importer.run(inputs, config, log);
  check_columns(log, config.format);
  if (log.num_events() == 0 && log.impressions.size() == 0) {
    throw DataError(config.inputs.front() + ": no events left to import (" +
                    std::to_string(log.counters.rows_read) + " rows read, " +
                    std::to_string(log.counters.rows_skipped) + " skipped, " +
                    std::to_string(log.counters.events_dropped) + " dropped by import.events)");
  }
  spdlog::info("read {} rows ({} events, {} impressions) from {} file(s) in {:.3f} s",
               log.counters.rows_read, log.num_events(), log.impressions.size(), inputs.size(),
               seconds_since(start));
  if (log.counters.rows_skipped > 0) {
    spdlog::warn("skipped {} malformed rows; first: {}", log.counters.rows_skipped,
                 log.counters.skipped_examples.front());
  }

  PreprocessOptions options;
  const bool by_users = config.sessionize == "user_gap" ||
                        (config.sessionize == "auto" && importer.sessions_from_users);
  options.cut_user_sessions = by_users;
  options.session_gap_ms = static_cast<std::int64_t>(config.session_gap_minutes * 60000.0);
  options.dedupe = config.dedupe;
  options.min_session_length = config.min_session_length;
  options.min_item_support = config.min_item_support;
  options.split = config.split;
  options.seed = seed;
  if (config.sessionize == "user_gap" && !log.session_keys_are_users) {
    // Formats with session ids can still be cut at gaps inside a session.
    spdlog::info("sessionize: user_gap on a format with session ids cuts inside those sessions");
  }

  StoreProvenance provenance;
  provenance.source_format = config.format;
  provenance.inputs = config.inputs;
  provenance.import_config_yaml = resolved_config_yaml;
  provenance.seed = seed;
  provenance.created_by = std::string("shoprl ") + kVersion;
  provenance.rows_read = log.counters.rows_read;
  provenance.rows_skipped = log.counters.rows_skipped;
  provenance.events_dropped = log.counters.events_dropped;

  start = std::chrono::steady_clock::now();
  SessionStore store = preprocess(std::move(log), options);
  spdlog::info("preprocessed into {} sessions, {} events, {} items in {:.3f} s",
               store.num_sessions(), store.num_events(), store.num_items(), seconds_since(start));
  store.provenance = std::move(provenance);
  return store;
}

}  // namespace shoprl
