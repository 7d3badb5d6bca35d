// The training loop's collective steps in a data-parallel job (job_training.h).
#include "agent/job_training.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "agent/checkpoint.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace shoprl {

namespace {

constexpr const char* kManifestKey = "shoprl/resume/manifest";

// Metrics that are counts of the rank's own share: the job's value is their sum.
bool is_count(const std::string& name) {
  static const std::set<std::string> counts = {"transitions", "steps", "replay_size"};
  return counts.count(name) > 0;
}

std::string resume_key(const std::string& file) { return "shoprl/resume/" + file; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

std::string rank_state_name(int rank) { return fmt::format("rank_state.rank{}", rank); }

IterationMetrics reduce_metrics(DataParallel* parallel, const IterationMetrics& row, bool& stop) {
  if (parallel == nullptr) return row;
  std::vector<double> values;
  values.reserve(row.size() + 1);
  for (const auto& [name, value] : row) values.push_back(value);
  values.push_back(stop ? 1.0 : 0.0);
  const std::vector<double> sums = sum_over_ranks(parallel, values);
  IterationMetrics out;
  out.reserve(row.size());
  const double ranks = parallel->world_size();
  for (std::size_t i = 0; i < row.size(); ++i)
    out.emplace_back(row[i].first, is_count(row[i].first) ? sums[i] : sums[i] / ranks);
  stop = sums.back() > 0;
  return out;
}

void gather_rank_states(Agent& agent, DataParallel* parallel, CheckpointWriter* root_writer,
                        std::int64_t iteration) {
  if (parallel == nullptr) return;
  const std::map<std::string, torch::Tensor> own = agent.rank_state();
  // Every rank holds the same agent kind and config, so all agree on whether there is state.
  if (own.empty()) return;
  const auto key = [iteration](int rank) {
    return fmt::format("shoprl/checkpoint/{}/rank{}", iteration, rank);
  };
  if (!is_root(parallel)) parallel->publish(key(parallel->rank()), tensors_archive(own));
  parallel->barrier();  // every rank's state is in the store
  if (root_writer == nullptr) return;
  root_writer->tensors(rank_state_name(0), own);
  for (int r = 1; r < parallel->world_size(); ++r) {
    root_writer->archive(rank_state_name(r), parallel->fetch(key(r)));
    parallel->erase(key(r));
  }
}

SharedCheckpoint::SharedCheckpoint(DataParallel* parallel, const std::filesystem::path& root_folder)
    : folder_(root_folder) {
  if (parallel == nullptr || parallel->world_size() == 1) return;
  if (is_root(parallel)) {
    std::string manifest;
    for (const auto& entry : std::filesystem::directory_iterator(root_folder)) {
      if (!entry.is_regular_file()) continue;
      const std::string name = entry.path().filename().string();
      parallel->publish(resume_key(name), read_file_text(entry.path()));
      manifest += name + "\n";
    }
    parallel->publish(kManifestKey, manifest);
  }
  parallel->barrier();  // the files are in the store
  if (!is_root(parallel)) {
    copy_ = std::filesystem::temp_directory_path() /
            fmt::format("shoprl-rank{}-{}", parallel->rank(), ::getpid());
    std::filesystem::remove_all(copy_);
    std::filesystem::create_directories(copy_);
    for (const std::string& name : lines_of(parallel->fetch(kManifestKey))) {
      // Other ranks' own state is theirs alone.
      const bool foreign = name.rfind("rank_state.rank", 0) == 0 &&
                           name != rank_state_name(parallel->rank()) + ".pt";
      if (!foreign) write_file_atomic(copy_ / name, parallel->fetch(resume_key(name)));
    }
    folder_ = copy_;
  }
  parallel->barrier();  // every rank has its copy
  if (is_root(parallel)) {
    for (const std::string& name : lines_of(parallel->fetch(kManifestKey)))
      parallel->erase(resume_key(name));
    parallel->erase(kManifestKey);
  }
}

SharedCheckpoint::~SharedCheckpoint() {
  if (copy_.empty()) return;
  std::error_code ignored;  // a leftover temporary folder is not worth failing the run over
  std::filesystem::remove_all(copy_, ignored);
}

void restore_rank_state(Agent& agent, const CheckpointReader& reader, DataParallel* parallel) {
  if (parallel == nullptr) return;
  const std::string name = rank_state_name(parallel->rank());
  const std::string source = (reader.folder() / (name + ".pt")).string();
  agent.load_rank_state(
      reader.has(name) ? reader.tensors(name) : std::map<std::string, torch::Tensor>{}, source);
}

void finish_job(Agent& agent, DataParallel* parallel, const std::filesystem::path& run_dir) {
  if (parallel == nullptr) return;
  const std::string digest = tensors_digest(agent.replicated_tensors());
  const DataParallel::Traffic& traffic = parallel->gradient_traffic;
  const double per_step_ms =
      traffic.steps > 0 ? 1000.0 * traffic.seconds / static_cast<double>(traffic.steps) : 0.0;
  spdlog::info(
      "rank {}: parameter digest {}; all-reduce of gradients: {} steps, {:.2f} MB each, "
      "{:.2f} ms per step",
      parallel->rank(), digest, traffic.steps,
      traffic.steps > 0 ? static_cast<double>(traffic.bytes) / traffic.steps / 1e6 : 0.0,
      per_step_ms);
  nlohmann::ordered_json mine;
  mine["rank"] = parallel->rank();
  mine["digest"] = digest;
  mine["all_reduce_steps"] = traffic.steps;
  mine["all_reduce_bytes"] = traffic.bytes;
  mine["all_reduce_seconds"] = traffic.seconds;
  const auto key = [](int rank) { return fmt::format("shoprl/finish/rank{}", rank); };
  parallel->publish(key(parallel->rank()), mine.dump());
  parallel->barrier();
  if (!is_root(parallel)) return;
  nlohmann::ordered_json report;
  report["world_size"] = parallel->world_size();
  report["digest"] = digest;
  report["ranks"] = nlohmann::json::array();
  std::vector<std::string> differing;
  for (int r = 0; r < parallel->world_size(); ++r) {
    const nlohmann::ordered_json rank = nlohmann::ordered_json::parse(parallel->fetch(key(r)));
    if (rank.at("digest").get<std::string>() != digest)
      differing.push_back(fmt::format("rank {} has {}", r, rank.at("digest").get<std::string>()));
    report["ranks"].push_back(rank);
  }
  if (!differing.empty())
    throw Error(fmt::format("the replicas diverged: rank 0's parameters have digest {}, {}", digest,
                            fmt::format("{}", fmt::join(differing, "; "))));
  report["replicas_identical"] = true;
  write_file_atomic(run_dir / "distributed.json", report.dump(2) + "\n");
  spdlog::info("parameters identical on all {} ranks (digest {})", parallel->world_size(), digest);
}

}  // namespace shoprl
