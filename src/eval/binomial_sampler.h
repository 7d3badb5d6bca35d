// Exact Binomial(n, p) variates from the project's engine, written here because
// std::binomial_distribution's algorithm (and so its numbers) differ between standard libraries.
#pragma once

#include <cstdint>

#include "core/seeding.h"

namespace shoprl {

// Inversion started at the mode: one uniform u is spent on the probabilities f(m), f(m-1),
// f(m+1), f(m-2), ... (the recurrence f(k+1) = f(k) (n-k) p / ((k+1) q)) until it runs out.
// Any fixed order of the outcomes gives an exact inversion; starting at the mode makes the
// expected number of steps O(sqrt(n p q)) (about 70 for the bootstrap's blocks of 2048 units)
// without the rejection constants of BTRD or BTPE. p outside (0, 1) is clamped.
std::uint64_t sample_binomial(Rng& rng, std::uint64_t n, double p);

}  // namespace shoprl
