// Levenshtein distance and "did you mean" suggestions for misspelled keys and names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shoprl {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible typo
// (distance at most max(2, |word| / 3)).
std::string nearest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace shoprl
