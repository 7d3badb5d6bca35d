// Loopback URLs (loopback_url.h).
#include "traffic/loopback_url.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/error.h"

namespace shoprl {

LoopbackUrl parse_loopback_url(const std::string& url, const std::string& key) {
  const auto refuse = [&](const std::string& why) -> LoopbackUrl {
    throw ConfigError(
        fmt::format("{}: '{}' {} (expected http://127.0.0.1:PORT, "
                    "http://localhost:PORT or http://[::1]:PORT)",
                    key, url, why));
  };
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return refuse("is not an http:// URL");
  std::string rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) return refuse("has a path; give the server's root");
  LoopbackUrl out;
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string::npos) return refuse("has an unclosed '['");
    out.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return refuse("has text after the host");
      port_text = rest.substr(close + 2);
    }
  } else {
    const std::size_t colon = rest.find(':');
    out.host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
  }
  if (out.host != "127.0.0.1" && out.host != "localhost" && out.host != "::1")
    return refuse(
        "is not on the loopback interface; synthetic traffic targets a local server only");
  if (!port_text.empty()) {
    char* end = nullptr;
    const long port = std::strtol(port_text.c_str(), &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) return refuse("has a bad port");
    out.port = static_cast<int>(port);
  }
  return out;
}

}  // namespace shoprl
