// `shoprl`: the program users run. It links no LibTorch; the commands that need it hand over to
// shoprl-torch (hand_over.h).
#include "app/cli.h"

int main(int argc, char** argv) { return shoprl::run_cli(argc, argv, nullptr); }
