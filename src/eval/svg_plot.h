// Small helpers for the reports' HTML and inline SVG: text escaping, keyed figures, a linear axis
// whose domain and range are written on the <svg> as data attributes (so a reader can map values to
// pixels), "nice" tick positions, and coordinates printed to a fixed precision.
#pragma once

#include <string>
#include <vector>

namespace shoprl {

// The CSS every self-contained report shares (page, tables, axes); each report adds its own.
inline constexpr const char* kReportBaseStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.meta dt { font-weight: bold; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg { display: block; margin: 0.5em 0; font-size: 12px; }
svg .axis { stroke: #444; stroke-width: 1; }
svg .grid { stroke: #ddd; stroke-width: 1; }
svg .point { fill: #1f4e8c; }
pre { background: #f4f4f4; padding: 1em; overflow-x: auto; }
)css";

// Escapes &, <, >, " and ' for HTML/SVG text and attribute values.
std::string xml_escape(const std::string& text);

// `<tag class="css_class" data-key="key">text</tag>`: an element showing one figure of a
// report's report.json, found by its data-key path (the report tests read pages that way).
std::string keyed_element(const char* tag, const std::string& key, const std::string& text,
                          const std::string& css_class = "");

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
