// Evaluation policies that need no model: each is a distribution over items per slot that does
// not depend on the user, pi(item | slot), plus the probability of a whole slate or prefix
// where the policy's structure gives it. Trained (contextual) policies, kind `checkpoint`, are
// evaluated by policy/log_evaluation.h, which fills the same LoggedRounds columns per logged
// slate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config_field.h"
#include "data/session_store.h"

namespace shoprl {

struct EvaluationPolicyConfig {
  std::string kind = "uniform";
  std::string store;
  std::string file;
  std::string checkpoint;
  std::string model;

  void visit(ConfigVisitor& v) {
    v.field("kind", kind,
            "uniform (distinct items uniformly at random), popularity (the train split's most "
            "frequent items, in order: deterministic), empirical (each slot's item frequencies "
            "among the impressions of another store, `store`), file (probabilities from a CSV "
            "file, `file`: item_id,position,probability), checkpoint (a policy trained by "
            "`shoprl train`, `checkpoint`: contextual, scored from each session's history), "
            "exported (a policy exported by `shoprl export`, `model`: the same, read from its "
            "model repository without the training run)",
            one_of({"uniform", "popularity", "empirical", "file", "checkpoint", "exported"}));
    v.field("store", store, "empirical: the session store whose impressions define the policy");
    v.field("file", file,
            "file: CSV with header item_id,position,probability (raw item ids, 0-based "
            "positions); each position's probabilities must sum to 1");
    v.field("checkpoint", checkpoint,
            "checkpoint: a run directory written by `shoprl train` (its checkpoint/ folder is "
            "read) or a checkpoint folder itself");
    v.field("model", model,
            "exported: a model folder of a repository written by `shoprl export` (its newest "
            "version) or one version folder");
  }
};

class SlotDistributionPolicy {
 public:
  enum class Structure {
    kUniformWithoutReplacement,  // slate probabilities known in closed form
    kDeterministicRanking,       // one slate with probability 1
    kMarginalsOnly,              // slot marginals only: slate estimators decline
  };

  SlotDistributionPolicy(std::string description, Structure structure, int slots,
                         std::int64_t items, std::vector<double> marginal,
                         std::vector<std::int32_t> ranking = {});

  const std::string& description() const { return description_; }
  Structure structure() const { return structure_; }
  int slots() const { return slots_; }
  std::int64_t items() const { return items_; }
  // pi(item | slot); 0 for a slot beyond the policy's slates.
  double marginal(std::int32_t item, int slot) const {
    return slot < slots_ ? marginal_[static_cast<std::size_t>(slot) * items_ + item] : 0.0;
  }
  const double* slot_distribution(int slot) const {
    return marginal_.data() + static_cast<std::size_t>(slot) * items_;
  }
  // P(slots 0..length-1 hold exactly items[0..length)); NaN for kMarginalsOnly.
  double prefix_probability(const std::int32_t* items, int length) const;

 private:
  std::string description_;
  Structure structure_;
  int slots_;
  std::int64_t items_;
  std::vector<double> marginal_;       // [slots, items]
  std::vector<std::int32_t> ranking_;  // kDeterministicRanking: the item of each slot
};

// Builds the policy for `store` (items and slots are the store's; slots = the largest logged
// position + 1). ConfigError naming evaluate.policy.* for a bad combination; DataError naming
// the file and line for a bad probability file.
SlotDistributionPolicy make_evaluation_policy(const EvaluationPolicyConfig& config,
                                              const SessionStore& store);

}  // namespace shoprl
