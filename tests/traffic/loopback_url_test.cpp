// Synthetic traffic targets the loopback interface only (traffic/loopback_url.h).
#include "traffic/loopback_url.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace shoprl {
namespace {

TEST(LoopbackUrl, AcceptsTheLoopbackHostsWithTheirPorts) {
  LoopbackUrl url = parse_loopback_url("http://127.0.0.1:8123", "traffic.url");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8123);
  url = parse_loopback_url("http://localhost/", "traffic.url");
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.port, 80);
  url = parse_loopback_url("http://[::1]:9000", "traffic.url");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9000);
}

TEST(LoopbackUrl, RefusesOtherHostsSchemesPathsAndPortsNamingTheKey) {
  for (const char* bad :
       {"http://10.0.0.1:8000", "http://example.com", "https://127.0.0.1:8000", "127.0.0.1:8000",
        "http://127.0.0.1:8000/v1", "http://127.0.0.1:0", "http://127.0.0.1:99999",
        "http://127.0.0.1:80x", "http://127.0.0.2:8000", "http://[::1"}) {
    try {
      parse_loopback_url(bad, "traffic.url");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("traffic.url: '"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace shoprl
