// The `shoprl` command line, shared by the three programs: shoprl passes no TorchParts (its
// LibTorch commands hand over to shoprl-torch or shoprl-serve), those two pass their own.
#pragma once

namespace shoprl {

struct TorchParts;

// Parses and runs one command. Every error ends here as one line on stderr and the exit code
// of its class (docs/cli.md).
int run_cli(int argc, char** argv, const TorchParts* torch);

}  // namespace shoprl
