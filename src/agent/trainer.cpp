// The training loop (trainer.h).
#include "agent/trainer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

#include "agent/checkpoint.h"
#include "agent/job_training.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupts.h"
#include "core/progress.h"
#include "core/seconds_since.h"
#include "core/seeding.h"

namespace shoprl {

namespace {

constexpr int kCheckpointFormat = 1;
constexpr std::uint64_t kTorchStream = 0x7261696eULL;  // "rain": the per-iteration torch seed
constexpr const char* kMetricsFile = "metrics.jsonl";

// One metrics.jsonl line. Only quantities that are functions of (seed, iteration) go here -
// no wall-clock times - so a resumed run's lines equal an uninterrupted run's.
std::string metrics_line(std::int64_t iteration, const IterationMetrics& metrics) {
  nlohmann::ordered_json line;
  line["iteration"] = iteration;
  for (const auto& [name, value] : metrics) line[name] = value;
  return line.dump() + "\n";
}

// The lines of iterations < `keep` from an existing metrics file (a resumed run drops what
// the interrupted run wrote after its last checkpoint, and a torn last line).
std::string metrics_before(const std::filesystem::path& path, std::int64_t keep) {
  std::ifstream in(path);
  std::string kept;
  std::string line;
  std::int64_t expected = 0;
  while (expected < keep && std::getline(in, line)) {
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      break;  // a torn line ends what can be kept
    }
    if (!parsed.contains("iteration") || parsed["iteration"].get<std::int64_t>() != expected)
      throw DataError(fmt::format("{}: line {} is not iteration {}; cannot resume onto it",
                                  path.string(), expected + 1, expected));
    kept += line + "\n";
    ++expected;
  }
  if (expected < keep)
    throw DataError(fmt::format("{} holds {} iterations but the checkpoint is at {}", path.string(),
                                expected, keep));
  return kept;
}

nlohmann::json config_json(const std::map<std::string, std::string>& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : config) out[key] = value;
  return out;
}

// Collective in a job: every rank's own state goes into rank 0's checkpoint, and no rank goes
// on before the checkpoint is in place.
void save_checkpoint(Agent& agent, const TrainerOptions& options, std::int64_t next_iteration) {
  if (!is_root(options.parallel)) {
    gather_rank_states(agent, options.parallel, nullptr, next_iteration);
    options.parallel->barrier();
    return;
  }
  CheckpointWriter writer(checkpoint_folder(options.run_dir));
  agent.save(writer);
  gather_rank_states(agent, options.parallel, &writer, next_iteration);
  nlohmann::json& meta = writer.meta();
  meta["format_version"] = kCheckpointFormat;
  meta["agent"] = agent.kind();
  meta["iteration"] = next_iteration;
  meta["seed"] = options.seed;
  meta["data_hash"] = options.data_hash;
  meta["config"] = config_json(options.config);
  meta["world_size"] = world_size(options.parallel);
  writer.commit();
  if (options.parallel != nullptr) options.parallel->barrier();
  spdlog::info("checkpoint after iteration {} in {}", next_iteration,
               checkpoint_folder(options.run_dir).string());
}

// The torch seed of iteration t on this rank: rank 0's is a plain run's, the others' their own
// (dropout and sampled negatives differ between ranks as their data does).
std::uint64_t rank_torch_seed(const TrainerOptions& options, std::int64_t iteration) {
  const std::uint64_t seed = iteration_torch_seed(options.seed, iteration);
  const int rank = rank_of(options.parallel);
  return rank == 0 ? seed : derive_seed(seed, static_cast<std::uint64_t>(rank));
}

}  // namespace

std::filesystem::path checkpoint_folder(const std::filesystem::path& run_dir) {
  return run_dir / "checkpoint";
}

std::filesystem::path find_checkpoint(const std::filesystem::path& path) {
  if (std::filesystem::exists(path / "state.json")) return path;
  const std::filesystem::path inside = checkpoint_folder(path);
  if (std::filesystem::exists(inside / "state.json")) return inside;
  throw IoError(fmt::format(
      "{}: no checkpoint here (neither {} nor {} exists); give a run directory written by "
      "`shoprl train` or its checkpoint folder",
      path.string(), (path / "state.json").string(), (inside / "state.json").string()));
}

std::uint64_t iteration_torch_seed(std::uint64_t seed, std::int64_t iteration) {
  return derive_seed(seed, kTorchStream, static_cast<std::uint64_t>(iteration));
}

void check_checkpoint(const std::filesystem::path& folder, const TrainerOptions& options,
                      const Agent& agent) {
  const CheckpointReader reader(folder);
  const nlohmann::json& meta = reader.meta();
  const std::string where = (folder / "state.json").string();
  if (meta.value("format_version", 0) != kCheckpointFormat)
    throw ConfigError(fmt::format("{}: checkpoint format {} (this build reads {})", where,
                                  meta.value("format_version", 0), kCheckpointFormat));
  if (meta.value("agent", std::string()) != agent.kind())
    throw ConfigError(
        fmt::format("{}: the checkpoint is of agent.kind '{}', the config asks for "
                    "'{}'",
                    where, meta.value("agent", std::string()), agent.kind()));
  std::vector<std::string> mismatches;
  const nlohmann::json saved = meta.value("config", nlohmann::json::object());
  for (const auto& [key, value] : options.config) {
    if (options.resumable_keys.count(key)) continue;
    const std::string before = saved.contains(key) ? saved[key].get<std::string>() : "(absent)";
    if (before != value) mismatches.push_back(fmt::format("{}: {} -> {}", key, before, value));
  }
  for (const auto& [key, value] : saved.items())
    if (!options.config.count(key) && !options.resumable_keys.count(key))
      mismatches.push_back(fmt::format("{}: {} -> (absent)", key, value.get<std::string>()));
  if (!mismatches.empty()) {
    std::string list;
    for (const std::string& m : mismatches) list += "\n  " + m;
    throw ConfigError(fmt::format(
        "{}: the config differs from the checkpoint's (checkpoint -> now):{}\nResume with the "
        "run's own config.yaml, or start a new run (another run.name).",
        where, list));
  }
  const std::string data_hash = meta.value("data_hash", std::string());
  if (data_hash != options.data_hash)
    throw ConfigError(fmt::format(
        "{}: the training data changed since the checkpoint (hash {} -> {}): the store, world "
        "or simulator it learns from is not the same",
        where, data_hash, options.data_hash));
  const int saved_world = meta.value("world_size", 1);
  if (saved_world != world_size(options.parallel))
    throw ConfigError(fmt::format(
        "{}: the checkpoint was written by a job of {} rank(s), this one has {}: resume with "
        "the same WORLD_SIZE (each rank's share of the users and its replay buffer are its own)",
        where, saved_world, world_size(options.parallel)));
  if (meta.value("seed", std::uint64_t{0}) != options.seed)
    throw ConfigError(fmt::format("{}: run.seed {} differs from the checkpoint's {}", where,
                                  options.seed, meta.value("seed", std::uint64_t{0})));
}

std::int64_t restore_checkpoint(Agent& agent, const std::filesystem::path& folder,
                                const TrainerOptions& options) {
  const SharedCheckpoint shared(options.parallel, folder);
  check_checkpoint(shared.folder(), options, agent);
  const CheckpointReader reader(shared.folder());
  agent.load(reader);
  restore_rank_state(agent, reader, options.parallel);
  return reader.meta().at("iteration").get<std::int64_t>();
}

TrainingOutcome run_training(Agent& agent, const TrainerOptions& options,
                             const Evaluator& evaluate) {
  const std::filesystem::path metrics_path = options.run_dir / kMetricsFile;
  const std::filesystem::path folder = checkpoint_folder(options.run_dir);
  const bool root = is_root(options.parallel);
  TrainingOutcome outcome;
  std::string metrics_text;
  if (options.resume) {
    outcome.first_iteration = restore_checkpoint(agent, folder, options);
    if (root) metrics_text = metrics_before(metrics_path, outcome.first_iteration);
    spdlog::info("resuming {} at iteration {} of {}", options.run_dir.string(),
                 outcome.first_iteration, options.iterations);
  } else if (root && std::filesystem::exists(folder)) {
    throw ConfigError(fmt::format(
        "{} already holds a checkpoint: continue it with --resume {}, or choose another "
        "run.name (nothing was overwritten)",
        options.run_dir.string(), options.run_dir.string()));
  }
  // Every replica starts from rank 0's weights (they are equal already when the ranks built
  // them from the same seed or loaded the same checkpoint; this makes it so whatever happened).
  broadcast_from_root(options.parallel, agent.replicated_tensors());
  // The kept lines are rewritten atomically; later lines are appended one by one (a torn last
  // line is dropped on resume).
  std::ofstream metrics;
  if (root) {
    write_file_atomic(metrics_path, metrics_text);
    metrics.open(metrics_path, std::ios::app);
    if (!metrics) throw IoError(fmt::format("cannot append to {}", metrics_path.string()));
  }

  // SIGINT/SIGTERM: checkpoint and stop after the current iteration; a second one kills.
  const GracefulStop signals;
  std::optional<Progress> progress;  // rank 0's alone: one bar per job
  if (root)
    progress.emplace(fmt::format("train {}", agent.kind()), options.iterations, "iterations",
                     static_cast<std::uint64_t>(outcome.first_iteration));
  const auto start = std::chrono::steady_clock::now();
  std::int64_t iteration = outcome.first_iteration;
  std::int64_t checkpointed = options.resume ? iteration : -1;
  while (iteration < options.iterations) {
    torch::manual_seed(rank_torch_seed(options, iteration));
    bool stop = signals.received() != 0;
    IterationMetrics row = reduce_metrics(options.parallel, agent.train_iteration(iteration), stop);
    const bool last = iteration + 1 == options.iterations;
    if (root && options.eval_every > 0 && ((iteration + 1) % options.eval_every == 0 || last)) {
      const IterationMetrics evaluation = evaluate(agent, iteration);
      row.insert(row.end(), evaluation.begin(), evaluation.end());
    }
    if (root) {
      metrics << metrics_line(iteration, row) << std::flush;
      if (!metrics) throw IoError(fmt::format("cannot write {}", metrics_path.string()));
    }
    ++iteration;
    if (progress) progress->update(static_cast<std::uint64_t>(iteration));
    if (spdlog::should_log(spdlog::level::debug)) {
      std::ostringstream text;
      for (const auto& [name, value] : row) text << ' ' << name << '=' << value;
      spdlog::debug("iteration {}:{}", iteration - 1, text.str());
    }
    if (options.checkpoint_every > 0 && iteration % options.checkpoint_every == 0) {
      save_checkpoint(agent, options, iteration);
      checkpointed = iteration;
    }
    // In a job `stop` says whether any rank got a signal (reduce_metrics), so all stop here.
    if (stop || (options.parallel == nullptr && signals.received() != 0)) {
      outcome.interrupted = true;
      spdlog::warn("signal received: checkpointing after iteration {} and stopping", iteration - 1);
      break;
    }
  }
  if (progress) progress->finish();
  if (checkpointed != iteration) save_checkpoint(agent, options, iteration);
  finish_job(agent, options.parallel, options.run_dir);
  outcome.iterations_done = iteration;
  spdlog::info("trained iterations {}..{} in {:.1f} s", outcome.first_iteration, iteration,
               seconds_since(start));
  return outcome;
}

}  // namespace shoprl
