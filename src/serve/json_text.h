// JSON text for responses and log lines. Strings that came from a request (ids, error messages
// that quote it) may hold bytes that are not UTF-8; they are written with U+FFFD in their place
// rather than failing the response.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace shoprl {

template <typename Json>
std::string json_text(const Json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace shoprl
