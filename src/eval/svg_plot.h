// Small helpers for the report's inline SVG: text escaping, a linear axis whose domain and
// range are written on the <svg> as data attributes (so a reader can map values to pixels),
// "nice" tick positions, and coordinates printed to a fixed precision.
#pragma once

#include <string>
#include <vector>

namespace shoprl {

// Escapes &, <, >, " and ' for HTML/SVG text and attribute values.
std::string xml_escape(const std::string& text);

// pixel = range_low + (value - domain_low) / (domain_high - domain_low) * (range_high -
// range_low). range_high < range_low is allowed (an upward y axis).
struct LinearAxis {
  double domain_low = 0;
  double domain_high = 1;
  double range_low = 0;
  double range_high = 1;
  double to_pixel(double value) const;
  // ` data-<name>-domain-low="..." data-<name>-domain-high="..." data-<name>-range-low=".."
  // data-<name>-range-high=".."` (leading space), values printed with %.17g.
  std::string data_attributes(const std::string& name) const;
};

// Ticks at multiples of 1, 2 or 5 times a power of ten, about `count` of them, from the largest
// multiple <= low to the smallest >= high (so they cover [low, high]). low == high gets a
// unit-wide span around it.
std::vector<double> nice_ticks(double low, double high, int count);

// A pixel coordinate for an attribute: %.3f (a thousandth of a pixel).
std::string format_pixel(double pixel);

// A value for a data attribute: %.17g, which round-trips a double exactly.
std::string format_exact(double value);

}  // namespace shoprl
