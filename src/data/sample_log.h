// A small generator of RetailRocket-shaped event logs (timestamp,visitorid,event,itemid,
// transactionid), so the quickstart and the import benchmark need no download. Popularity is
// Zipf-like, visitors browse in bursts, and add-to-carts and transactions follow views.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/config_field.h"

namespace shoprl {

struct SampleLogConfig {
  std::int64_t events = 50000;
  std::int64_t items = 2000;
  double zipf_exponent = 1.1;
  double mean_session_events = 6;
  double mean_sessions_per_visitor = 1.5;
  double cart_probability = 0.05;
  double purchase_probability = 0.3;

  void visit(ConfigVisitor& v) {
    v.field("events", events, "Approximate number of events to write", at_least(1));
    v.field("items", items, "Catalogue size", at_least(1));
    v.field("zipf_exponent", zipf_exponent, "Item popularity ~ 1 / rank^exponent", at_least(0));
    v.field("mean_session_events", mean_session_events, "Mean events per session", at_least(1));
    v.field("mean_sessions_per_visitor", mean_sessions_per_visitor,
            "Mean sessions per visitor (sessions are hours apart)", at_least(1));
    v.field("cart_probability", cart_probability, "Chance that a view is followed by add-to-cart",
            in_range(0, 1));
    v.field("purchase_probability", purchase_probability,
            "Chance that an add-to-cart is followed by a transaction", in_range(0, 1));
  }
};

struct SampleLogSummary {
  std::uint64_t events = 0;
  std::uint64_t visitors = 0;
};

// Writes the CSV (gzip when the name ends in .gz) atomically. Same seed, same bytes.
SampleLogSummary write_sample_retailrocket_log(const std::filesystem::path& path,
                                               const SampleLogConfig& config, std::uint64_t seed);

}  // namespace shoprl
