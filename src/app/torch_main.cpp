// `shoprl-torch`: the same command line with every command, LibTorch linked. `shoprl` hands the
// commands that need LibTorch over to it (hand_over.h); it can be run directly as well.
#include "app/cli.h"
#include "app/torch_parts.h"

int main(int argc, char** argv) { return shoprl::run_cli(argc, argv, &shoprl::torch_parts()); }
