#include "sim/logged_slate_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/numbers.h"
#include "env/batch_env.h"

namespace shoprl {

namespace {

class LoggedSlatePolicy : public SlatePolicy {
 public:
  LoggedSlatePolicy(std::vector<std::int32_t> slates, int slate_size)
      : slates_(std::move(slates)), slots_(slate_size) {
    if (slots_ < 1 || slates_.empty() || slates_.size() % slots_ != 0)
      throw Error(fmt::format("logged slate policy: {} entries are not whole slates of {} items",
                              slates_.size(), slots_));
    count_ = slates_.size() / slots_;
  }

  std::string name() const override { return "logged_slates"; }

  void act(const BatchEnv& env, std::size_t begin, std::size_t end, std::uint64_t seed,
           SlateDecision& out) const override {
    if (env.slate_size() != slots_)
      throw Error(fmt::format("logged slate policy: slates of {} items, the environment shows {}",
                              slots_, env.slate_size()));
    const int k = slots_;
    const double probability = 1.0 / static_cast<double>(count_);
    for (std::size_t i = begin; i < end; ++i) {
      RandomStream rng = policy_stream(env, i, seed);
      const std::size_t pick = rng.index(count_);
      std::copy_n(&slates_[pick * k], k, &out.items[i * k]);
      std::fill_n(&out.propensity[i * k], k, kNaN);
      std::fill_n(&out.prefix_propensity[i * k], k, kNaN);
      // A lower bound: the slate may be logged more than once (slate_probability() counts).
      out.slate_propensity[i] = probability;
    }
  }

  double slate_probability(const BatchEnv&, std::size_t, const std::int32_t* slate) const override {
    std::size_t same = 0;
    for (std::size_t s = 0; s < count_; ++s)
      same += std::equal(slate, slate + slots_, &slates_[s * slots_]);
    return static_cast<double>(same) / static_cast<double>(count_);
  }

 private:
  std::vector<std::int32_t> slates_;
  int slots_;
  std::size_t count_ = 0;
};

}  // namespace

std::vector<std::int32_t> logged_slates(const SessionStore& store, Split split, int slate_size) {
  const StoreImpressions& shown = store.impressions;
  const auto wanted = static_cast<std::int8_t>(split);
  std::vector<std::int32_t> out;
  std::vector<std::int32_t> slate(slate_size);
  for (std::size_t start = 0; start < shown.size();) {
    std::size_t stop = start + 1;
    while (stop < shown.size() && shown.slate[stop] == shown.slate[start]) ++stop;
    bool whole = store.session_split[shown.session[start]] == wanted &&
                 stop - start == static_cast<std::size_t>(slate_size);
    std::fill(slate.begin(), slate.end(), -1);
    for (std::size_t row = start; row < stop && whole; ++row) {
      const int position = shown.position[row];
      const std::int32_t item = shown.item[row];
      whole = position < slate_size && slate[position] < 0 && item >= 0 &&
              static_cast<std::size_t>(item) < store.num_items() &&
              std::find(slate.begin(), slate.end(), item) == slate.end();
      if (whole) slate[position] = item;
    }
    if (whole) out.insert(out.end(), slate.begin(), slate.end());
    start = stop;
  }
  return out;
}

std::unique_ptr<SlatePolicy> make_logged_slate_policy(std::vector<std::int32_t> slates,
                                                      int slate_size) {
  return std::make_unique<LoggedSlatePolicy>(std::move(slates), slate_size);
}

}  // namespace shoprl
