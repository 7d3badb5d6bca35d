#include "data/timestamp.h"

#include <cmath>

#include "core/error.h"
#include "data/csv_fields.h"

namespace shoprl {

TimestampUnit parse_timestamp_unit(const std::string& text) {
  if (text == "auto") return TimestampUnit::kAuto;
  if (text == "s") return TimestampUnit::kSeconds;
  if (text == "ms") return TimestampUnit::kMilliseconds;
  if (text == "us") return TimestampUnit::kMicroseconds;
  throw ConfigError("import.timestamp_unit: unknown unit '" + text + "' (one of: auto, s, ms, us)");
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

namespace {

double unit_to_ms(TimestampUnit unit, double value) {
  switch (unit) {
    case TimestampUnit::kSeconds:
      return value * 1e3;
    case TimestampUnit::kMilliseconds:
      return value;
    case TimestampUnit::kMicroseconds:
      return value / 1e3;
    case TimestampUnit::kAuto:
      break;
  }
  const double magnitude = std::fabs(value);
  if (magnitude < 1e11) return value * 1e3;
  if (magnitude < 1e14) return value;
  return value / 1e3;
}

bool digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

}  // namespace

bool parse_epoch_ms(std::string_view text, TimestampUnit unit, std::int64_t& ms) {
  std::int64_t integer = 0;
  if (parse_int64(text, integer)) {
    if (unit == TimestampUnit::kMilliseconds) {
      ms = integer;
    } else if (unit == TimestampUnit::kSeconds ||
               (unit == TimestampUnit::kAuto && std::llabs(integer) < 100000000000LL)) {
      ms = integer * 1000;
    } else if (unit == TimestampUnit::kMicroseconds ||
               (unit == TimestampUnit::kAuto && std::llabs(integer) >= 100000000000000LL)) {
      ms = integer / 1000;
    } else {
      ms = integer;
    }
    return true;
  }
  double value = 0;
  if (!parse_double(text, value)) return false;
  ms = std::llround(unit_to_ms(unit, value));
  return true;
}

bool parse_iso8601_ms(std::string_view t, std::int64_t& ms) {
  unsigned year = 0, month = 0, day = 0;
  if (!digits(t, 0, 4, year) || t.size() < 10 || t[4] != '-' || !digits(t, 5, 2, month) ||
      t[7] != '-' || !digits(t, 8, 2, day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return false;
  }
  std::int64_t total = days_from_civil(year, month, day) * 86400000LL;
  if (t.size() == 10) {
    ms = total;
    return true;
  }
  unsigned hour = 0, minute = 0, second = 0;
  if ((t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2, hour) || t.size() < 19 || t[13] != ':' ||
      !digits(t, 14, 2, minute) || t[16] != ':' || !digits(t, 17, 2, second) || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  total += (hour * 3600LL + minute * 60LL + second) * 1000LL;
  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    std::int64_t fraction_ms = 0;
    int places = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (places < 3) fraction_ms = fraction_ms * 10 + (t[pos] - '0');
      ++places;
      ++pos;
    }
    if (places == 0) return false;
    for (int p = places; p < 3; ++p) fraction_ms *= 10;
    total += fraction_ms;
  }
  if (pos < t.size()) {
    if (t[pos] == 'Z' && pos + 1 == t.size()) {
      ++pos;
    } else if ((t[pos] == '+' || t[pos] == '-') && pos + 6 == t.size() && t[pos + 3] == ':') {
      unsigned oh = 0, om = 0;
      if (!digits(t, pos + 1, 2, oh) || !digits(t, pos + 4, 2, om)) return false;
      const std::int64_t offset_ms = (oh * 3600LL + om * 60LL) * 1000LL;
      total += t[pos] == '+' ? -offset_ms : offset_ms;  // local = UTC + offset
      pos += 6;
    } else {
      return false;
    }
  }
  ms = total;
  return pos == t.size();
}

bool parse_timestamp_ms(std::string_view text, TimestampUnit unit, std::int64_t& ms) {
  return parse_epoch_ms(text, unit, ms) || parse_iso8601_ms(text, ms);
}

}  // namespace shoprl
