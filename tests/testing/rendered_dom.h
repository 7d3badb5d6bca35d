// Reading a page as headless Chromium built it (Debian's chromium; tests skip when it is
// absent): running the browser, and picking tags, attributes, text and declared SVG axes out
// of the dumped DOM. Shared by the report tests (tests/e2e/*report_chromium_test.cpp).
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "testing/test_paths.h"

namespace shoprl::testing {

inline const std::filesystem::path kChromium = "/usr/bin/chromium";

// Runs headless Chromium on `page` with extra `flags` (e.g. --dump-dom); its stdout goes to
// `stdout_file`; the profile lives in `scratch`.
inline CommandResult run_headless_chromium(const std::filesystem::path& scratch,
                                           const std::filesystem::path& page,
                                           const std::string& flags,
                                           const std::filesystem::path& stdout_file) {
  const std::string command = "timeout 120 " + kChromium.string() +
                              " --headless --no-sandbox --disable-gpu --hide-scrollbars"
                              " --user-data-dir=" +
                              (scratch / "chromium-profile").string() + " " + flags + " 'file://" +
                              page.string() + "' > '" + stdout_file.string() + "'";
  CommandResult result = run_command(command);
  result.output = command + "\n" + result.output;
  return result;
}

using Attributes = std::map<std::string, std::string>;

inline Attributes parse_attributes(const std::string& text) {
  Attributes attributes;
  const std::regex pattern("([\\w-]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    attributes[(*it)[1]] = (*it)[2];
  }
  return attributes;
}

// The opening tags `<tag ...>` of the DOM whose attribute text contains `marker`.
inline std::vector<Attributes> tags_with(const std::string& dom, const std::string& tag,
                                         const std::string& marker) {
  std::vector<Attributes> found;
  const std::regex pattern("<" + tag + "\\s([^>]*)>");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    const std::string attributes = (*it)[1];
    if (attributes.find(marker) != std::string::npos) found.push_back(parse_attributes(attributes));
  }
  return found;
}

inline std::string unescape_text(std::string text) {
  const std::vector<std::pair<std::string, std::string>> entities = {
      {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""},
      {"&#39;", "'"}, {"&nbsp;", " "}, {"&amp;", "&"}};
  for (const auto& [entity, character] : entities) {
    for (std::size_t at = text.find(entity); at != std::string::npos;
         at = text.find(entity, at + character.size())) {
      text.replace(at, entity.size(), character);
    }
  }
  return text;
}

struct LinearAxis {
  double domain_low, domain_high, range_low, range_high;
  double to_pixel(double v) const {
    return range_low + (v - domain_low) / (domain_high - domain_low) * (range_high - range_low);
  }
};

// The axis an <svg> declares with data-<name>-domain-low/-high and data-<name>-range-low/-high.
inline LinearAxis axis_of(const Attributes& svg, const std::string& name) {
  const auto get = [&](const std::string& which) {
    return std::stod(svg.at("data-" + name + "-" + which));
  };
  return {get("domain-low"), get("domain-high"), get("range-low"), get("range-high")};
}

inline double number(const Attributes& attributes, const std::string& name) {
  return std::stod(attributes.at(name));
}

// "estimates.ipw.intervals.t.0" -> the JSON pointer /estimates/ipw/intervals/t/0.
inline nlohmann::json::json_pointer pointer_of(std::string key) {
  for (char& c : key) {
    if (c == '.') c = '/';
  }
  return nlohmann::json::json_pointer("/" + key);
}

}  // namespace shoprl::testing
