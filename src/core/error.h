// The exception hierarchy every layer throws and main() catches once; each class maps to a
// documented exit code (docs/cli.md).
#pragma once

#include <stdexcept>
#include <string>

namespace shoprl {

enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,     // a bug or an unexpected library failure
  kUsage = 2,        // command-line misuse (CLI11)
  kConfig = 3,       // a config file or --set value is wrong
  kData = 4,         // input data is malformed or inconsistent
  kIo = 5,           // a file cannot be read or written
  kDistributed = 6,  // a data-parallel job could not form, or lost a rank
  kInterrupted = 130,
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual ExitCode exit_code() const { return ExitCode::kInternal; }
};

class ConfigError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kConfig; }
};

class DataError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kData; }
};

class IoError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kIo; }
};

// A data-parallel job (docs/training.md) could not form, or another rank stopped: the message
// names the rank and what is known of why.
class DistributedError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kDistributed; }
};

// "strerror(errno)" as a std::string, for IoError messages.
std::string errno_message(int err);

}  // namespace shoprl
