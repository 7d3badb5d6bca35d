// The server address of `shoprl traffic`: an http URL on the loopback interface only, since
// synthetic shoppers exist to test a local server and must never load someone else's.
#pragma once

#include <string>

namespace shoprl {

struct LoopbackUrl {
  std::string host;  // 127.0.0.1, localhost or ::1
  int port = 80;
};

// ConfigError naming `key` for another scheme, a path, a host outside the loopback interface or
// a bad port.
LoopbackUrl parse_loopback_url(const std::string& url, const std::string& key);

}  // namespace shoprl
