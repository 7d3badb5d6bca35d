// Configuration of the policy network (section `policy`): the state encoder over the session
// history and the heads the agents use. docs/agents.md describes each choice.
#pragma once

#include <string>

#include "core/config_field.h"

namespace shoprl {

struct PolicyNetworkConfig {
  std::string encoder = "gru";
  int embedding_dim = 64;
  int hidden_dim = 64;
  int layers = 1;
  int heads = 2;
  double dropout = 0.0;
  int history_length = 50;
  bool dueling = false;

  void visit(ConfigVisitor& v) {
    v.field("encoder", encoder,
            "State encoder over the session history: gru, attention (causal self-attention with "
            "learned positions) or mean (mean pooling of the event embeddings)",
            one_of({"gru", "attention", "mean"}));
    v.field("embedding_dim", embedding_dim, "Size of item and event-type embeddings",
            in_range(1, 4096));
    v.field("hidden_dim", hidden_dim, "Size of the state", in_range(1, 4096));
    v.field("layers", layers, "Encoder layers (gru, attention)", in_range(1, 16));
    v.field("heads", heads, "Attention heads (attention; must divide hidden_dim)", in_range(1, 64));
    v.field("dropout", dropout, "Dropout while training", in_range(0, 0.9));
    v.field("history_length", history_length, "Most recent events of the session the network reads",
            in_range(1, 4096));
    v.field("dueling", dueling,
            "Q head as state value + centred advantages (Wang et al. 2016) instead of one "
            "linear layer");
  }
};

}  // namespace shoprl
