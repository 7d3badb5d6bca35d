// The exported policy artifact (policy_artifact.h).
#include "policy/policy_artifact.h"

#include <fmt/format.h>
#include <torch/script.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/atomic_folder.h"
#include "core/error.h"

namespace shoprl {
namespace {

using nlohmann::json;

template <typename T>
T field(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key))
    throw DataError(fmt::format("{}: metadata key \"{}\" is missing", where, key));
  try {
    return object.at(key).get<T>();
  } catch (const json::exception& e) {
    throw DataError(fmt::format("{}: metadata key \"{}\": {}", where, key, e.what()));
  }
}

bool is_version_folder(const std::filesystem::path& path) {
  return std::filesystem::is_regular_file(path / kModelFile);
}

}  // namespace

std::string policy_metadata_json(const PolicyMetadata& m) {
  const json out = {
      {"schema_version", m.schema_version},
      {"shoprl_version", m.shoprl_version},
      {"agent_kind", m.agent_kind},
      {"encoder", m.encoder},
      {"score_head", m.score_head},
      {"num_items", m.num_items},
      {"history_length", m.history_length},
      {"slate_size", m.slate_size},
      {"slate_rule",
       {{"rule", m.slate_rule.rule},
        {"epsilon", m.slate_rule.epsilon},
        {"temperature", m.slate_rule.temperature}}},
      {"event_types", m.event_types},
      {"config_digest", m.config_digest},
      {"data_digest", m.data_digest},
      {"source", m.source},
      {"iterations", m.iterations},
      {"item_ids", m.item_ids},
  };
  return out.dump(1) + "\n";
}

PolicyMetadata parse_policy_metadata(const std::string& text, const std::string& where) {
  json in;
  try {
    in = json::parse(text);
  } catch (const json::exception& e) {
    throw DataError(fmt::format("{}: metadata is not JSON: {}", where, e.what()));
  }
  PolicyMetadata m;
  m.schema_version = field<int>(in, "schema_version", where);
  if (m.schema_version != kPolicyArtifactSchema)
    throw DataError(fmt::format("{}: metadata schema {} (this build reads {})", where,
                                m.schema_version, kPolicyArtifactSchema));
  m.shoprl_version = field<std::string>(in, "shoprl_version", where);
  m.agent_kind = field<std::string>(in, "agent_kind", where);
  m.encoder = field<std::string>(in, "encoder", where);
  m.score_head = field<std::string>(in, "score_head", where);
  m.num_items = field<std::int64_t>(in, "num_items", where);
  m.history_length = field<int>(in, "history_length", where);
  m.slate_size = field<int>(in, "slate_size", where);
  const json rule = field<json>(in, "slate_rule", where);
  m.slate_rule.rule = field<std::string>(rule, "rule", where);
  m.slate_rule.epsilon = field<double>(rule, "epsilon", where);
  m.slate_rule.temperature = field<double>(rule, "temperature", where);
  m.event_types = field<std::vector<std::string>>(in, "event_types", where);
  m.config_digest = field<std::string>(in, "config_digest", where);
  m.data_digest = field<std::string>(in, "data_digest", where);
  m.source = field<std::string>(in, "source", where);
  m.iterations = field<std::int64_t>(in, "iterations", where);
  m.item_ids = field<std::vector<std::string>>(in, "item_ids", where);
  if (m.num_items <= 0 || static_cast<std::int64_t>(m.item_ids.size()) != m.num_items)
    throw DataError(
        fmt::format("{}: {} item ids for num_items {}", where, m.item_ids.size(), m.num_items));
  if (m.history_length <= 0 || m.slate_size <= 0 || m.slate_size > m.num_items)
    throw DataError(
        fmt::format("{}: history_length {} and slate_size {} must be positive (and "
                    "the slate no larger than the catalogue)",
                    where, m.history_length, m.slate_size));
  return m;
}

std::string triton_model_config(const std::string& name, std::int64_t num_items,
                                int max_batch_size) {
  // Triton's PyTorch backend maps inputs by the <name>__<index> convention, in forward's order.
  return fmt::format(
      R"(# Written by `shoprl export`: a shoprl policy for Triton's PyTorch backend (docs/serving.md).
# Inputs: session histories, right-padded with -1: item indices, event type codes (0 click,
# 1 cart, 2 purchase) and lengths. Output: a score for every catalogue item.
name: "{0}"
platform: "pytorch_libtorch"
max_batch_size: {1}
input [
  {{ name: "items__0" data_type: TYPE_INT64 dims: [ -1 ] }},
  {{ name: "types__1" data_type: TYPE_INT64 dims: [ -1 ] }},
  {{ name: "lengths__2" data_type: TYPE_INT64 dims: [ 1 ] }}
]
output [
  {{ name: "scores__0" data_type: TYPE_FP32 dims: [ {2} ] }}
]
version_policy: {{ latest: {{ num_versions: 1 }} }}
)",
      name, max_batch_size, num_items);
}

std::filesystem::path write_policy_version(const std::filesystem::path& repository,
                                           const std::string& name, std::int64_t version,
                                           torch::jit::Module& module,
                                           const PolicyMetadata& metadata, bool force) {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    throw ConfigError(fmt::format("--name '{}': a model name is one folder name", name));
  if (version < 0) throw ConfigError(fmt::format("--version {}: must be positive", version));
  const std::filesystem::path model_dir = repository / name;
  if (version == 0) {
    const std::vector<std::int64_t> existing = model_versions(model_dir);
    version = existing.empty() ? 1 : existing.back() + 1;
  }
  const std::filesystem::path version_dir = model_dir / std::to_string(version);
  if (std::filesystem::exists(version_dir) && !force)
    throw IoError(
        fmt::format("{}: version {} of {} exists; replace it with --force, or export "
                    "a new version (--version 0 takes the next)",
                    version_dir.string(), version, name));
  AtomicFolder folder(version_dir);
  const std::string text = policy_metadata_json(metadata);
  try {
    module.save((folder.staging() / kModelFile).string(), {{kMetadataExtraFile, text}});
  } catch (const c10::Error& e) {
    throw IoError(fmt::format("{}: cannot save the model: {}", version_dir.string(),
                              e.what_without_backtrace()));
  }
  write_file_atomic(folder.staging() / kMetadataFile, text);
  write_file_atomic(model_dir / "config.pbtxt", triton_model_config(name, metadata.num_items, 256));
  folder.commit();
  return version_dir;
}

std::filesystem::path resolve_policy_version(const std::filesystem::path& path) {
  if (is_version_folder(path)) return path;
  const std::vector<std::int64_t> versions = model_versions(path);
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const std::filesystem::path candidate = path / std::to_string(*it);
    if (is_version_folder(candidate)) return candidate;
  }
  throw IoError(
      fmt::format("{}: no exported policy here (neither {} nor a numbered version "
                  "folder holding one)",
                  path.string(), (path / kModelFile).string()));
}

ExportedPolicy ExportedPolicy::load(const std::filesystem::path& path) {
  ExportedPolicy policy;
  policy.folder_ = resolve_policy_version(path);
  const std::string model_path = (policy.folder_ / kModelFile).string();
  torch::jit::ExtraFilesMap extra{{kMetadataExtraFile, ""}};
  try {
    policy.module_ = std::make_shared<torch::jit::Module>(
        torch::jit::load(model_path, torch::Device(torch::kCPU), extra));
  } catch (const c10::Error& e) {
    throw DataError(fmt::format("{}: not a loadable TorchScript model: {}", model_path,
                                e.what_without_backtrace()));
  }
  if (extra[kMetadataExtraFile].empty())
    throw DataError(fmt::format("{}: holds no {} (not written by shoprl export)", model_path,
                                kMetadataExtraFile));
  policy.metadata_ =
      parse_policy_metadata(extra[kMetadataExtraFile], model_path + ":" + kMetadataExtraFile);
  policy.module_->eval();
  // One empty history: the module runs and scores the catalogue the metadata names.
  const auto index = torch::dtype(torch::kInt64);
  const torch::Tensor scores = policy.scores(
      {torch::full({1, 1}, -1, index), torch::full({1, 1}, -1, index), torch::zeros({1}, index)});
  if (scores.dim() != 2 || scores.size(0) != 1 || scores.size(1) != policy.metadata_.num_items)
    throw DataError(fmt::format("{}: the model scores {} items, its metadata says {}", model_path,
                                scores.dim() == 2 ? scores.size(1) : -1,
                                policy.metadata_.num_items));
  return policy;
}

torch::Tensor ExportedPolicy::scores(const SessionBatch& batch) const {
  c10::InferenceMode inference;
  try {
    return module_
        ->forward({batch.items.to(torch::kInt64), batch.types.to(torch::kInt64),
                   batch.lengths.to(torch::kInt64)})
        .toTensor();
  } catch (const c10::Error& e) {
    throw DataError(fmt::format("{}: the model failed: {}", (folder_ / kModelFile).string(),
                                e.what_without_backtrace()));
  }
}

}  // namespace shoprl
