// The summaries of the LibTorch commands (command_summaries.h).
#include "app/command_summaries.h"

#include "core/error.h"

namespace shoprl {
namespace {

struct CommandSummary {
  const char* parent;
  const char* name;
  const char* summary;
};

constexpr CommandSummary kSummaries[] = {
    {"", "quickstart",
     "Run the whole loop on the embedded default (configs/quickstart.yaml): logs, simulator, "
     "agent, evaluation"},
    {"", "sim", "The user simulator learned from logged sessions (fit, report, check)"},
    {"", "train", "Train an agent (DQN, SlateQ, REINFORCE, A2C, top-K REINFORCE, SQN, SA2C)"},
    {"", "info", "Print the version, the LibTorch build and devices"},
    {"", "export",
     "Export a trained policy to a model repository (TorchScript, Triton layout) that stands "
     "alone"},
    {"", "serve",
     "Serve the policies of a model repository over HTTP/JSON, with propensities and a "
     "decision log"},
    {"", "traffic",
     "Play the synthetic world's shoppers against a running server (loopback): slates, "
     "clicks and purchases as served traffic"},
    {"", "promote",
     "Publish a candidate policy into a model repository only if its off-policy lower bound "
     "on served logs beats the served policy"},
    {"bench", "train",
     "Training throughput of the SQN, supervised and DQN steps vs PyTorch (Python)"},
    {"bench", "serve",
     "Latency and throughput of shoprl serve on loopback, beside the model's own"
     " forward time"},
};

}  // namespace

const char* torch_command_summary(const std::string& parent, const std::string& name) {
  for (const CommandSummary& entry : kSummaries) {
    if (parent == entry.parent && name == entry.name) return entry.summary;
  }
  throw Error("no summary for the LibTorch command '" + (parent.empty() ? "" : parent + " ") +
              name + "' (app/command_summaries.cpp)");
}

}  // namespace shoprl
