#include "env/choice_model.h"

#include "core/error.h"

namespace shoprl {

ChoiceModel parse_choice_model(const std::string& name) {
  if (name == "mnl") return ChoiceModel::kMnl;
  if (name == "cascade") return ChoiceModel::kCascade;
  if (name == "pbm") return ChoiceModel::kPbm;
  throw ConfigError("world.choice.model: unknown choice model '" + name +
                    "' (expected mnl, cascade or pbm)");
}

ChoiceParams::ChoiceParams(const ChoiceConfig& config, int slate_size)
    : model(parse_choice_model(config.model)),
      no_click_utility(config.no_click_utility),
      continuation(config.cascade_continuation) {
  if (slate_size < 1 || slate_size > kMaxSlateSize)
    throw ConfigError("env.slate_size: must be in [1, 32]");
  for (int k = 0; k < slate_size; ++k) {
    slot_logit_bias[k] = -config.position_bias * std::log1p(static_cast<double>(k));
    slot_examination[k] = std::pow(1.0 + k, -config.pbm_exponent);
  }
}

}  // namespace shoprl
