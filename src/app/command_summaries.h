// The one-line summaries of the commands that only shoprl-torch has, shared by their
// registration there and by their stubs in shoprl (hand_over.h), so that `shoprl --help` lists
// them as shoprl-torch describes them.
#pragma once

#include <string>

namespace shoprl {

// `parent` is "" for a top-level command, "bench" for `bench train`. The summary of an unknown
// command is an internal error (a command added to one program and not to this table).
const char* torch_command_summary(const std::string& parent, const std::string& name);

}  // namespace shoprl
