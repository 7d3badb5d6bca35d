// A digest of a store's events, recorded with a fitted simulator (fitted_simulator.h) so that
// later jobs can tell whether the simulator was fitted on the store they read.
#pragma once

#include <string>

#include "data/session_store.h"

namespace shoprl {

// "fnv1a64:<16 hex digits>" over the catalogue size, the session offsets and every event's
// item and type.
std::string store_content_hash(const SessionStore& store);

}  // namespace shoprl
