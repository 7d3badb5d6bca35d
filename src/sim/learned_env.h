// The learned user simulator behind the batched environment API (env/batch_env.h): agents
// cannot tell it from the synthetic world. Each session is answered by one ensemble member
// drawn at its start (a coherent user, as in MOPO's per-rollout model choice); every member
// scores each shown slate, and their disagreement (the standard deviation across members of
// the slate's expected reward) is reported per step and, times uncertainty_penalty, taken off
// the reward the agent sees. metrics() count what simulated users did, unpenalised. Users
// leave by the calibration's leave hazard on their slates' outcomes when it has one
// (sim/leave_hazard.h), else by the answering member's end head.
//
// A step is one batched forward pass on the simulator's device (learned_env.cpp); the random
// numbers come from each user's stream, so results do not depend on threads or chunking, and
// on CPU the same seed gives the same numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "env/batch_env.h"

namespace shoprl {

struct FittedSimulator;

class LearnedEnv : public BatchEnv {
 public:
  // `simulator` must outlive the environment; `device` is a resolved torch device string.
  LearnedEnv(FittedSimulator& simulator, const EnvConfig& config, double uncertainty_penalty,
             const std::string& device);
  ~LearnedEnv() override;

  // Per user, of the last step: the ensemble's disagreement (0 with one member).
  const float* disagreements() const;
  // The member answering user slot i's current session.
  int member(std::size_t i) const;
  double uncertainty_penalty() const { return uncertainty_penalty_; }

 protected:
  void allocate(std::int64_t batch_size) override;
  void prepare_sessions(const std::uint8_t* starting) override;
  void begin_sessions(std::size_t begin, std::size_t end, const std::uint8_t* starting) override;
  void prepare_step(const std::int32_t* slates) override;
  void respond(std::size_t begin, std::size_t end, const std::int32_t* slates) override;

 private:
  // The fitted leave hazard decides who leaves after the step's outcomes (sim/leave_hazard.h).
  void leave_by_hazard();

  struct State;  // tensors and per-user buffers (learned_env.cpp)
  double uncertainty_penalty_;
  std::unique_ptr<State> state_;
};

}  // namespace shoprl
