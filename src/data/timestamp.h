// Timestamps in logs (epoch numbers in s/ms/us, ISO 8601 date-times, plain dates) to
// milliseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoprl {

enum class TimestampUnit { kAuto, kSeconds, kMilliseconds, kMicroseconds };
// "auto" | "s" | "ms" | "us" (the values of import.timestamp_unit).
TimestampUnit parse_timestamp_unit(const std::string& text);

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

// An epoch number in `unit`; kAuto reads values below 1e11 as seconds, below 1e14 as
// milliseconds, otherwise microseconds. Decimal fractions are allowed ("1438.5").
bool parse_epoch_ms(std::string_view text, TimestampUnit unit, std::int64_t& ms);

// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff…][Z|±HH:MM]" (also with a space instead of T).
bool parse_iso8601_ms(std::string_view text, std::int64_t& ms);

// Either of the above: a number, else an ISO 8601 text.
bool parse_timestamp_ms(std::string_view text, TimestampUnit unit, std::int64_t& ms);

}  // namespace shoprl
