#include "core/error.h"

#include <cstring>

namespace shoprl {

std::string errno_message(int err) { return std::strerror(err); }

}  // namespace shoprl
