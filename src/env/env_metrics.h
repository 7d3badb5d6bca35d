// Running totals of what happened in an environment, kept per user slot so that the sums are
// added in slot order whatever the thread count, and the summary metrics derived from them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shoprl {

// Totals of one slot. Episode figures count finished episodes only; step figures count every
// step.
struct SlotTotals {
  double episodes = 0;
  double return_sum = 0;
  double return_square_sum = 0;  // for the standard error of the mean return
  double episode_steps = 0;
  double converted_episodes = 0;  // episodes with at least one purchase of a recommendation
  double steps = 0;               // slates shown
  double clicked_steps = 0;       // slates with at least one click
  double clicks = 0;              // clicks on recommended items
  double purchases = 0;           // purchases of recommended items
  double organic_clicks = 0;
  double reward = 0;
};

struct EnvMetrics {
  std::int64_t episodes = 0;
  std::int64_t steps = 0;
  double mean_return = 0;          // per finished session
  double return_std_error = 0;     // of mean_return
  double mean_session_length = 0;  // slates per finished session
  double click_through_rate = 0;   // slates with a click / slates shown
  double clicks_per_slate = 0;
  double purchases_per_click = 0;
  double session_conversion = 0;  // finished sessions with a purchase / finished sessions
  double organic_clicks_per_step = 0;
  double reward_per_step = 0;

  std::string to_json() const;  // one flat object, for logs and reports
};

// The standard error of the mean of n values, from their sum and sum of squares (0 for n < 2).
double std_error_of_mean(double sum, double square_sum, double n);

// Sums the slots in order and derives the metrics.
EnvMetrics summarize(const std::vector<SlotTotals>& slots);

}  // namespace shoprl
