// The `ope` config section: which estimators run, their hyperparameters (every lambda), and how
// intervals are computed. Declared once; docs/config-reference.md is generated from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config_field.h"

namespace shoprl {

struct OpeConfig {
  std::vector<std::string> estimators = {"dm",    "ipw",    "snipw", "dr",   "sndr", "switch-dr",
                                         "dr-os", "sips",   "iips",  "rips", "pi",   "pdis",
                                         "wpdis", "seq-dr", "wdr",   "magic"};
  double ipw_clip = 0.0;         // IPW/DR weight clipping lambda; 0 = no clipping
  double switch_lambda = 100.0;  // Switch-DR: IPW correction only where w <= lambda
  double dr_os_lambda = 100.0;   // DR-OS: shrunk weight lambda w / (w^2 + lambda)
  double gamma = 1.0;            // discount of the sequential estimators
  int magic_bootstrap = 200;     // MAGIC: resamples for the bias bound (0 = normal interval)
  std::string interval = "bootstrap";
  double confidence = 0.95;
  int bootstrap_resamples = 1000;
  std::uint64_t bootstrap_seed = 0;  // 0 = derive from run.seed
  double reward_min = 0.0;
  double reward_max = 1.2;
  int threads = 2;

  void visit(ConfigVisitor& v) {
    v.field("estimators", estimators,
            "Estimators to run (docs/ope.md): bandit dm, ipw, snipw, dr, sndr, switch-dr, dr-os; "
            "slate sips, snsips, iips, rips, pi; sequential pdis, wpdis, tmis, seq-dr, wdr, magic. "
            "Those the input cannot support (no slates, no sessions, no reward model) are "
            "reported as declined with the reason");
    v.field("ipw_clip", ipw_clip,
            "lambda of clipped IPW and DR: importance weights above it are set to it (0 = none)",
            at_least(0));
    v.field("switch_lambda", switch_lambda,
            "lambda of Switch-DR (Wang et al. 2017): rounds whose weight exceeds it keep only "
            "the direct-method term",
            at_least(0));
    v.field("dr_os_lambda", dr_os_lambda,
            "lambda of DR with optimistic shrinkage (Su et al. 2020): weight w becomes "
            "lambda w / (w^2 + lambda)",
            at_least(0));
    v.field("gamma", gamma, "Discount over the slates of a session (sequential estimators)",
            in_range(0, 1));
    v.field("magic_bootstrap", magic_bootstrap,
            "MAGIC (Thomas & Brunskill 2016): bootstrap resamples of the weighted-DR interval "
            "that bounds each partial return's bias (0 = a normal interval instead)",
            in_range(0, 100000));
    v.field("interval", interval,
            "Which interval fills ci_low/ci_high: bootstrap (percentile), t, normal, hoeffding, "
            "bernstein (empirical Bernstein); every kind is in the JSON report",
            one_of({"bootstrap", "t", "normal", "hoeffding", "bernstein"}));
    v.field("confidence", confidence, "Coverage of every confidence interval",
            in_range(0.5, 0.9999));
    v.field("bootstrap_resamples", bootstrap_resamples, "Bootstrap resamples (0 = no bootstrap)",
            in_range(0, 1000000));
    v.field("bootstrap_seed", bootstrap_seed, "Seed of the bootstrap; 0 derives it from run.seed");
    v.field("reward_min", reward_min, "Least possible reward (Hoeffding, empirical Bernstein)");
    v.field("reward_max", reward_max,
            "Largest possible reward of one row (Hoeffding, empirical Bernstein, the range check); "
            "the default is what one slot of the synthetic world can earn, env.click_reward + "
            "env.purchase_reward at their defaults; 1 gives tighter bounds on click-only logs");
    v.field("threads", threads,
            "Threads for the bootstrap and for a network policy's probabilities of the logged "
            "slates (results do not depend on it)",
            in_range(1, 1024));
  }
};

// The interval kind the estimates carry in `ci` and the reports show: ope.interval, except that
// `bootstrap` with ope.bootstrap_resamples 0 has no resamples to take percentiles of, and shows
// Student's t instead.
std::string shown_interval_kind(const OpeConfig& config);
// Why the shown kind is not ope.interval, for the reports' footers ("" when it is): "t (ope.
// bootstrap_resamples is 0, so there is no bootstrap)".
std::string shown_interval_note(const OpeConfig& config);

}  // namespace shoprl
