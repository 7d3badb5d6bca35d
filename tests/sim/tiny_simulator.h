// Tiny hand-set simulators for the learned-environment and calibration tests: user models
// whose next-item distribution the test controls.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/fitted_simulator.h"

namespace shoprl::testing {

inline UserModelConfig tiny_model_config(const std::string& encoder = "gru", int max_length = 50) {
  UserModelConfig config;
  config.encoder = encoder;
  config.embedding_dim = 8;
  config.hidden_dim = 8;
  config.layers = 1;
  config.heads = 2;
  config.dropout = 0.0;
  config.max_length = max_length;
  return config;
}

// A model whose every weight is zero except the output bias, so that p(item | h) =
// softmax(bias) at every state, and the purchase and end probabilities are 1/2. The bias is
// the model's only top-level parameter of size [I] (the rest belong to its submodules).
inline UserModel constant_model(const std::vector<double>& bias) {
  UserModel model(tiny_model_config(), static_cast<std::int64_t>(bias.size()));
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : model->parameters()) p.zero_();
  bool set = false;
  for (auto& named : model->named_parameters(/*recurse=*/false)) {
    torch::Tensor& p = named.value();
    if (p.dim() == 1 && p.size(0) == static_cast<std::int64_t>(bias.size())) {
      p.copy_(torch::tensor(bias, torch::kDouble).to(p.dtype()));
      set = true;
    }
  }
  if (!set) throw std::logic_error("constant_model: the user model has no output bias parameter");
  return model;
}

// Closed-form log p(item) of constant_model(bias): bias - logsumexp(bias).
inline std::vector<double> log_softmax(const std::vector<double>& bias) {
  double top = bias[0];
  for (double b : bias) top = std::max(top, b);
  double z = 0;
  for (double b : bias) z += std::exp(b - top);
  std::vector<double> out;
  for (double b : bias) out.push_back(b - top - std::log(z));
  return out;
}

inline ResponseCalibration tiny_calibration(double no_click_utility,
                                            std::vector<double> position_bias, double organic_rate,
                                            double quiet_leave) {
  ResponseCalibration c;
  c.no_click_utility = no_click_utility;
  c.position_bias = std::move(position_bias);
  c.organic_rate = organic_rate;
  c.quiet_leave = quiet_leave;
  return c;
}

inline FittedSimulator tiny_simulator(std::vector<UserModel> members, int slate_size,
                                      const ResponseCalibration& calibration) {
  FittedSimulator s;
  s.num_items = members.front()->num_items();
  s.slate_size = slate_size;
  s.calibration = calibration;
  s.members = std::move(members);
  return s;
}

}  // namespace shoprl::testing
