// Configuration of the learned user simulator (docs/simulator.md): the user model, its
// training, the slate response built on it, and the ensemble's uncertainty penalty.
// Section `sim` of every config file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config_field.h"

namespace shoprl {

// The sequence model: item and event-type embeddings, an encoder, three heads.
struct UserModelConfig {
  std::string encoder = "gru";
  int embedding_dim = 64;
  int hidden_dim = 64;
  int layers = 1;
  int heads = 2;
  double dropout = 0.1;
  int max_length = 50;

  void visit(ConfigVisitor& v) {
    v.field("encoder", encoder,
            "Session encoder: gru, or attention (causal self-attention with learned positions)",
            one_of({"gru", "attention"}));
    v.field("embedding_dim", embedding_dim, "Size of item and event-type embeddings",
            in_range(1, 4096));
    v.field("hidden_dim", hidden_dim,
            "Size of the encoder state (the GRU's hidden size; the "
            "attention encoder's model width)",
            in_range(1, 4096));
    v.field("layers", layers, "Encoder layers", in_range(1, 16));
    v.field("heads", heads, "Attention heads (attention; must divide hidden_dim)", in_range(1, 64));
    v.field("dropout", dropout, "Dropout while training", in_range(0, 0.9));
    v.field("max_length", max_length,
            "Most recent events of a session the model reads (longer sessions are windowed)",
            in_range(1, 4096));
  }
};

struct SimTrainingConfig {
  int epochs = 30;
  int batch_size = 128;
  double learning_rate = 2e-3;
  double weight_decay = 1e-6;
  int patience = 3;
  std::string softmax = "auto";
  int sampled_negatives = 1024;
  std::int64_t sampled_softmax_above = 50000;
  bool bootstrap = true;
  double end_weight = 1.0;
  double purchase_weight = 1.0;

  void visit(ConfigVisitor& v) {
    v.field("epochs", epochs, "Passes over the train split at most", in_range(1, 100000));
    v.field("batch_size", batch_size, "Sessions per gradient step", in_range(1, 1 << 20));
    v.field("learning_rate", learning_rate, "Adam step size", at_least(1e-12));
    v.field("weight_decay", weight_decay, "Adam L2 penalty", at_least(0));
    v.field("patience", patience,
            "Early stopping: epochs without a better valid log-likelihood before stopping; "
            "the best epoch's weights are kept",
            in_range(1, 100000));
    v.field(
        "softmax", softmax,
        "Next-item loss: full softmax, sampled (uniform negatives shared by the batch, with the "
        "logQ correction), or auto (sampled above sampled_softmax_above items)",
        one_of({"auto", "full", "sampled"}));
    v.field("sampled_negatives", sampled_negatives, "Negatives per batch (sampled softmax)",
            in_range(1, 1 << 24));
    v.field("sampled_softmax_above", sampled_softmax_above,
            "Catalogue size above which softmax: auto samples", at_least(1));
    v.field("bootstrap", bootstrap,
            "Each ensemble member trains on its own bootstrap resample of the train sessions "
            "(the ensemble's disagreement then reflects data uncertainty)");
    v.field("end_weight", end_weight, "Weight of the session-end loss", at_least(0));
    v.field("purchase_weight", purchase_weight, "Weight of the purchase loss", at_least(0));
  }
};

// How the model answers a slate (docs/simulator.md, "Response to a slate"):
//   P(click slot k) = p(item_k | h) w_k / (sum_j p(item_j | h) w_j + exp(no_click_utility)),
//   with w_k = exp(-position_bias_k) and p(. | h) the model's next-item distribution.
struct ResponseConfig {
  std::string calibration = "auto";
  double no_click_utility = -3.0;
  double position_bias = 0.3;
  double organic_rate = 1.0;
  double quiet_leave = 0.1;
  std::string leave = "hazard";

  void visit(ConfigVisitor& v) {
    v.field("calibration", calibration,
            "auto: fit no_click_utility, the per-slot position bias, organic_rate, quiet_leave "
            "and the leave hazard from the store's impressions when it has them (clicks "
            "recorded), else take them from here; config: always take them from here",
            one_of({"auto", "config"}));
    v.field("no_click_utility", no_click_utility,
            "Log-weight of not clicking against the log-probabilities of the shown items");
    v.field("position_bias", position_bias,
            "Slot k's log-weight is lowered by position_bias * ln(1 + k) (when not fitted)",
            at_least(0));
    v.field("organic_rate", organic_rate,
            "Chance that a user who clicked nothing browses to an item on her own (drawn from "
            "the full next-item distribution)",
            in_range(0, 1));
    v.field("quiet_leave", quiet_leave,
            "Chance of leaving after a step with no event at all (no click, no organic click) "
            "when the end head decides who leaves (no leave hazard); after an event the end "
            "head decides",
            in_range(0, 1));
    v.field("leave", leave,
            "hazard: when the response is fitted from impressions, users leave by a logistic "
            "hazard on their recent slates' outcomes (clicks, purchases, slates without a "
            "click), fitted on the logs; end_head: the user model's end head after an event, "
            "quiet_leave after a quiet step",
            one_of({"hazard", "end_head"}));
  }
};

struct SimConfig {
  std::string store = "data/logs.h5";
  std::string directory;  // empty: <run.output_dir>/<run.name>/simulator
  std::string fit_split = "train";
  int ensemble = 3;
  double uncertainty_penalty = 0.0;
  UserModelConfig model;
  SimTrainingConfig training;
  ResponseConfig response;

  void visit(ConfigVisitor& v) {
    v.field("store", store, "Session store the simulator is fitted on (shoprl sim fit)");
    v.field("directory", directory,
            "Where shoprl sim fit and sim check write the fitted simulator, and where sim report "
            "and bench env --learned load it from; empty: the run's own folder, "
            "<run.output_dir>/<run.name>/simulator");
    v.field("fit_split", fit_split,
            "The store's sessions the simulator learns from. train: the members learn from the "
            "train split and stop early on valid, the response is calibrated on train; test: "
            "all of it on the test split, every tenth of its sessions held out for stopping "
            "early (a closed-loop gate's simulator, which must not learn from the traffic the "
            "candidate trained on)",
            one_of({"train", "test"}));
    v.field("ensemble", ensemble, "User models in the ensemble (K)", in_range(1, 64));
    v.field("uncertainty_penalty", uncertainty_penalty,
            "lambda: the reward an agent sees is lowered by lambda x the ensemble's disagreement "
            "(standard deviation across members of the slate's expected reward)",
            at_least(0));
    v.section("model", model, "The user model (sequence encoder and heads)");
    v.section("training", training, "Maximum-likelihood training of each ensemble member");
    v.section("response", response, "How the user model answers a slate");
  }
};

}  // namespace shoprl
