// A job stopped by SIGINT/SIGTERM after saving its state (a training run's checkpoint): exit
// status 130, as a shell reports a job interrupted by Ctrl-C.
#pragma once

#include "core/error.h"

namespace shoprl {

class InterruptedError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kInterrupted; }
};

}  // namespace shoprl
