// The agents' collective helpers (agent/data_parallel.h) against a scripted second rank: the
// shards of a batch, the weighted gradient mean, parameters without a gradient, and the
// metrics of a job (agent/job_training.h).
#include "agent/data_parallel.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "agent/job_training.h"

namespace shoprl {
namespace {

// Rank `rank` of a job of two whose other rank contributes `peer` to each sum (in the order
// the calls come), and whose broadcasts deliver `root` values.
class ScriptedPair final : public DataParallel {
 public:
  explicit ScriptedPair(int rank) : rank_(rank) {}
  int rank() const override { return rank_; }
  int world_size() const override { return 2; }
  void all_reduce_sum(std::vector<torch::Tensor>& tensors) override {
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      sent.push_back(tensors[i].clone());
      if (next_peer < peer.size()) tensors[i] += peer[next_peer++];
    }
  }
  void broadcast_from_root(std::vector<torch::Tensor>& tensors) override {
    for (std::size_t i = 0; i < tensors.size(); ++i) tensors[i].copy_(root.at(i));
  }
  void barrier() override {}
  void publish(const std::string&, const std::string&) override {}
  std::string fetch(const std::string&) override { return {}; }
  void erase(const std::string&) override {}
  std::int64_t bucket_bytes() const override { return 16; }  // several buckets
  void report_failure(const std::string&) override {}

  std::vector<torch::Tensor> sent;  // what this rank contributed
  std::vector<torch::Tensor> peer;
  std::size_t next_peer = 0;
  std::vector<torch::Tensor> root;

 private:
  int rank_;
};

TEST(DataParallelHelpers, ShardsSplitInRankOrderWithTheRemainderFirst) {
  ScriptedPair first(0);
  ScriptedPair second(1);
  EXPECT_EQ(rank_shard(9, &first).begin, 0);
  EXPECT_EQ(rank_shard(9, &first).end, 5);
  EXPECT_EQ(rank_shard(9, &second).begin, 5);
  EXPECT_EQ(rank_shard(9, &second).end, 9);
  EXPECT_EQ(rank_shard(9, nullptr).size(), 9);
}

TEST(DataParallelHelpers, AveragedGradientsAreTheMeanOverAllSamplesOfBothRanks) {
  // Three parameters; the third has a gradient on rank 1 only.
  std::vector<torch::Tensor> mine = {torch::zeros({3}, torch::requires_grad()),
                                     torch::zeros({2, 2}, torch::requires_grad()),
                                     torch::zeros({2}, torch::requires_grad())};
  std::vector<torch::Tensor> theirs = {torch::zeros({3}, torch::requires_grad()),
                                       torch::zeros({2, 2}, torch::requires_grad()),
                                       torch::zeros({2}, torch::requires_grad())};
  mine[0].mutable_grad() = torch::tensor({1.0F, 2.0F, 3.0F});
  mine[1].mutable_grad() = torch::full({2, 2}, 4.0F);
  theirs[0].mutable_grad() = torch::tensor({-1.0F, 0.0F, 6.0F});
  theirs[1].mutable_grad() = torch::full({2, 2}, 1.0F);
  theirs[2].mutable_grad() = torch::tensor({5.0F, 5.0F});

  // Rank 1 (30 samples) runs first against a silent peer: what it sends is rank 0's peer.
  ScriptedPair rank1(1);
  std::vector<torch::Tensor> theirs_copy;
  for (const torch::Tensor& p : theirs) {
    torch::Tensor copy = p.detach().clone().requires_grad_();
    copy.mutable_grad() = p.grad().defined() ? p.grad().clone() : torch::Tensor();
    theirs_copy.push_back(copy);
  }
  average_gradients(&rank1, theirs_copy, 30.0);
  ScriptedPair rank0(0);
  rank0.peer = rank1.sent;
  average_gradients(&rank0, mine, 10.0);

  // (10 g0 + 30 g1) / 40 for every parameter; the third has rank 1's share of the weight.
  EXPECT_TRUE(torch::allclose(mine[0].grad(), torch::tensor({-0.5F, 0.5F, 5.25F})));
  EXPECT_TRUE(torch::allclose(mine[1].grad(), torch::full({2, 2}, 1.75F)));
  ASSERT_TRUE(mine[2].grad().defined());
  EXPECT_TRUE(torch::allclose(mine[2].grad(), torch::tensor({3.75F, 3.75F})));
  EXPECT_GT(rank0.sent.size(), 1U) << "16-byte buckets: one collective per bucket";
  EXPECT_EQ(rank0.gradient_traffic.steps, 1);
}

TEST(DataParallelHelpers, AParameterWithoutAGradientAnywhereKeepsNone) {
  std::vector<torch::Tensor> parameters = {torch::zeros({2}, torch::requires_grad()),
                                           torch::zeros({2}, torch::requires_grad())};
  parameters[0].mutable_grad() = torch::ones({2});
  ScriptedPair rank0(0);
  // The peer: flags {1, 0}, weight 1, gradients {1, 1} and zeros for the second parameter.
  rank0.peer = {torch::tensor({1.0F, 0.0F, 1.0F, 1.0F, 1.0F, 0.0F, 0.0F})};
  average_gradients(&rank0, parameters, 1.0);
  EXPECT_FALSE(parameters[1].grad().defined());
}

TEST(DataParallelHelpers, WithoutAJobNothingHappens) {
  std::vector<torch::Tensor> parameters = {torch::zeros({2}, torch::requires_grad())};
  parameters[0].mutable_grad() = torch::tensor({1.0F, 2.0F});
  average_gradients(nullptr, parameters, 7.0);
  EXPECT_TRUE(torch::equal(parameters[0].grad(), torch::tensor({1.0F, 2.0F})));
  bool stop = false;
  const IterationMetrics row = {{"loss", 2.0}, {"transitions", 5.0}};
  EXPECT_EQ(reduce_metrics(nullptr, row, stop), row);
}

TEST(DataParallelHelpers, JobMetricsSumCountsAndAverageTheRest) {
  ScriptedPair rank0(0);
  rank0.peer = {
      torch::tensor({4.0, 15.0, 1.0}, torch::kFloat64)};  // loss 4, 15 transitions, a signal
  bool stop = false;
  const IterationMetrics job = reduce_metrics(&rank0, {{"loss", 2.0}, {"transitions", 5.0}}, stop);
  EXPECT_DOUBLE_EQ(job[0].second, 3.0);
  EXPECT_DOUBLE_EQ(job[1].second, 20.0);
  EXPECT_TRUE(stop) << "the other rank got a signal: every rank stops";
}

TEST(DataParallelHelpers, BroadcastMakesTheTensorsRankZeros) {
  ScriptedPair rank1(1);
  rank1.root = {torch::tensor({3.0F, 4.0F})};
  torch::Tensor weight = torch::zeros({2}, torch::requires_grad());
  broadcast_from_root(&rank1, {weight});
  EXPECT_TRUE(torch::equal(weight.detach(), torch::tensor({3.0F, 4.0F})));
  EXPECT_EQ(tensors_digest({weight}), tensors_digest({torch::tensor({3.0F, 4.0F})}));
  EXPECT_NE(tensors_digest({weight}), tensors_digest({torch::tensor({3.0F, 4.5F})}));
}

}  // namespace
}  // namespace shoprl
