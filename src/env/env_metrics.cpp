#include "env/env_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shoprl {

double std_error_of_mean(double sum, double square_sum, double n) {
  if (n < 2) return 0;
  const double mean = sum / n;
  const double variance = std::max(0.0, (square_sum - n * mean * mean) / (n - 1));
  return std::sqrt(variance / n);
}

EnvMetrics summarize(const std::vector<SlotTotals>& slots) {
  SlotTotals sum;
  for (const SlotTotals& s : slots) {
    sum.episodes += s.episodes;
    sum.return_sum += s.return_sum;
    sum.return_square_sum += s.return_square_sum;
    sum.episode_steps += s.episode_steps;
    sum.converted_episodes += s.converted_episodes;
    sum.steps += s.steps;
    sum.clicked_steps += s.clicked_steps;
    sum.clicks += s.clicks;
    sum.purchases += s.purchases;
    sum.organic_clicks += s.organic_clicks;
    sum.reward += s.reward;
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  EnvMetrics m;
  m.episodes = static_cast<std::int64_t>(sum.episodes);
  m.steps = static_cast<std::int64_t>(sum.steps);
  m.mean_return = ratio(sum.return_sum, sum.episodes);
  m.return_std_error = std_error_of_mean(sum.return_sum, sum.return_square_sum, sum.episodes);
  m.mean_session_length = ratio(sum.episode_steps, sum.episodes);
  m.click_through_rate = ratio(sum.clicked_steps, sum.steps);
  m.clicks_per_slate = ratio(sum.clicks, sum.steps);
  m.purchases_per_click = ratio(sum.purchases, sum.clicks);
  m.session_conversion = ratio(sum.converted_episodes, sum.episodes);
  m.organic_clicks_per_step = ratio(sum.organic_clicks, sum.steps);
  m.reward_per_step = ratio(sum.reward, sum.steps);
  return m;
}

std::string EnvMetrics::to_json() const {
  return fmt::format(
      "{{\"episodes\": {}, \"steps\": {}, \"mean_return\": {}, \"return_std_error\": {}, "
      "\"mean_session_length\": {}, \"click_through_rate\": {}, \"clicks_per_slate\": {}, "
      "\"purchases_per_click\": {}, \"session_conversion\": {}, "
      "\"organic_clicks_per_step\": {}, \"reward_per_step\": {}}}",
      episodes, steps, mean_return, return_std_error, mean_session_length, click_through_rate,
      clicks_per_slate, purchases_per_click, session_conversion, organic_clicks_per_step,
      reward_per_step);
}

}  // namespace shoprl
