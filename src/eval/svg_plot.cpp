#include "eval/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shoprl {

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string keyed_element(const char* tag, const std::string& key, const std::string& text,
                          const std::string& css_class) {
  std::string out = std::string("<") + tag;
  if (!css_class.empty()) out += " class=\"" + css_class + "\"";
  return out + " data-key=\"" + xml_escape(key) + "\">" + xml_escape(text) + "</" + tag + ">";
}

double LinearAxis::to_pixel(double value) const {
  return range_low + (value - domain_low) / (domain_high - domain_low) * (range_high - range_low);
}

std::string LinearAxis::data_attributes(const std::string& name) const {
  return " data-" + name + "-domain-low=\"" + format_exact(domain_low) + "\" data-" + name +
         "-domain-high=\"" + format_exact(domain_high) + "\" data-" + name + "-range-low=\"" +
         format_exact(range_low) + "\" data-" + name + "-range-high=\"" + format_exact(range_high) +
         "\"";
}

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!(high > low)) {
    low -= 0.5;
    high += 0.5;
  }
  // The step: 1, 2 or 5 times a power of ten, the smallest giving at most ~count intervals.
  const double raw = (high - low) / std::max(1, count);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * power;
  for (const double multiple : {1.0, 2.0, 5.0}) {
    if (multiple * power >= raw) {
      step = multiple * power;
      break;
    }
  }
  const long first = static_cast<long>(std::floor(low / step));
  const long last = static_cast<long>(std::ceil(high / step));
  std::vector<double> ticks;
  // Multiplying the index (not accumulating steps) keeps 0.1 * 3 from drifting into the labels.
  for (long i = first; i <= last; ++i) ticks.push_back(static_cast<double>(i) * step);
  return ticks;
}

std::string format_pixel(double pixel) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", pixel);
  return buffer;
}

std::string format_exact(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace shoprl
