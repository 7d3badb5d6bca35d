// Micro-benchmark of a network policy's probabilities of logged slates
// (policy/log_evaluation.h: scoring_policy_rounds), the step of `shoprl evaluate` and
// `shoprl promote` that dominates on served traffic: Boltzmann slates of 10 over 2,000 items
// (exact slate and prefix probabilities, Rao-Blackwellised slot marginals from 64 sampled
// prefixes per slate), computed with ope.threads 1 (the baseline) and 2. The numbers are the
// same either way (tests/policy/log_evaluation_test.cpp); only the time differs.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "env/log_synthesis.h"
#include "policy/log_evaluation.h"

namespace {

constexpr std::int64_t kItems = 2000;
constexpr int kSlots = 10;

// 300 sessions of up to 20 slates, logged by Plackett-Luce in a world of 2,000 items.
const shoprl::SynthesizedLogs& logs() {
  static const shoprl::SynthesizedLogs logged = [] {
    shoprl::WorldConfig world;
    world.items = kItems;
    world.users = 500;
    shoprl::EnvConfig env;
    env.slate_size = kSlots;
    env.max_steps = 20;
    shoprl::PolicyConfig logging;
    logging.kind = "plackett_luce";
    shoprl::SynthConfig synth;
    synth.sessions = 300;
    synth.value_episodes = 0;
    return shoprl::synthesize_logs(world, env, logging, synth, 7, "");
  }();
  return logged;
}

// Scores that depend on the history (its length and last item), as a network's would.
torch::Tensor history_scores(const shoprl::SessionBatch& batch) {
  const torch::Tensor last =
      batch.items.gather(1, (batch.lengths - 1).clamp_min(0).view({-1, 1})).to(torch::kFloat32);
  const torch::Tensor items = torch::arange(kItems, torch::kFloat32).view({1, -1});
  return torch::sin(items * 0.01F + last * 0.1F + batch.lengths.view({-1, 1}).to(torch::kFloat32));
}

void BM_LoggedSlateProbabilities(benchmark::State& state) {
  const shoprl::SessionStore& store = logs().store;
  shoprl::LogEvaluationOptions options;
  options.split = "all";
  options.ranking = false;
  options.ope.threads = static_cast<int>(state.range(0));
  shoprl::SlateRuleConfig rule;
  rule.rule = "boltzmann";
  rule.temperature = 0.5;
  std::size_t rows = 0;
  for (auto _ : state) {
    const shoprl::StoreRounds rounds = shoprl::scoring_policy_rounds(
        store, &history_scores, kItems, rule, kSlots, options, nullptr, 1);
    rows = rounds.rounds.size();
    benchmark::DoNotOptimize(rounds.rounds.target_pscore.data());
  }
  state.counters["slates"] = static_cast<double>(rows) / kSlots;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows / kSlots));
}
BENCHMARK(BM_LoggedSlateProbabilities)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
