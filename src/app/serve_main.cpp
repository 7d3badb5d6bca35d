// `shoprl-serve`: the same command line, with the serving commands (`serve`, `bench serve`)
// and the HTTP server linked. `shoprl` hands those commands over to it (hand_over.h); the
// other LibTorch commands it hands on to shoprl-torch.
#include "app/cli.h"
#include "app/torch_parts.h"

int main(int argc, char** argv) { return shoprl::run_cli(argc, argv, &shoprl::serve_parts()); }
