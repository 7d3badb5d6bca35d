// An exported policy, the artifact that serving, evaluation and Python need and nothing else:
// a TorchScript module (torchscript_policy.h) with its metadata, in a model repository laid
// out as Triton Inference Server's pytorch_libtorch backend reads it (docs/serving.md):
//
//   REPOSITORY/NAME/config.pbtxt            platform, inputs, outputs, max_batch_size
//   REPOSITORY/NAME/VERSION/model.pt        the TorchScript module; its metadata inside, as the
//                                           extra file shoprl/metadata.json
//   REPOSITORY/NAME/VERSION/metadata.json   the same metadata beside it
//
// A version folder is written under a temporary name and renamed into place when complete, so
// a reader (a server polling for new versions) sees a whole version or none.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model_repository.h"  // kModelFile, kMetadataFile, model_versions
#include "policy/policy_network.h"
#include "policy/slate_rule.h"

namespace torch::jit {
struct Module;
}

namespace shoprl {

inline constexpr int kPolicyArtifactSchema = 1;
inline constexpr const char* kMetadataExtraFile = "shoprl/metadata.json";

struct PolicyMetadata {
  int schema_version = kPolicyArtifactSchema;
  std::string shoprl_version;
  std::string agent_kind;
  std::string encoder;
  std::string score_head;  // item, second_item, slateq
  std::int64_t num_items = 0;
  // Index -> raw item id: the model scores indices, a server speaks raw ids.
  std::vector<std::string> item_ids;
  std::vector<std::string> event_types = {"click", "cart", "purchase"};  // code -> name
  int history_length = 0;  // events of a session the policy reads (the most recent)
  int slate_size = 0;
  SlateRuleConfig slate_rule;
  std::string config_digest;  // of the training run's resolved config
  std::string data_digest;    // of the data it trained on (the checkpoint's data hash)
  std::string source;         // the checkpoint folder it came from
  std::int64_t iterations = 0;
};

// JSON, and back: DataError naming `where` and the key for missing or malformed fields, or a
// schema this build does not read.
std::string policy_metadata_json(const PolicyMetadata& metadata);
PolicyMetadata parse_policy_metadata(const std::string& text, const std::string& where);

// Triton's config.pbtxt for a policy of `num_items` items.
std::string triton_model_config(const std::string& name, std::int64_t num_items,
                                int max_batch_size);

// Writes a version of `name` into `repository`: config.pbtxt (rewritten atomically), then the
// version folder, complete or not at all. `version` 0 takes the next free number. An existing
// version is an IoError unless `force`. Returns the version folder.
std::filesystem::path write_policy_version(const std::filesystem::path& repository,
                                           const std::string& name, std::int64_t version,
                                           torch::jit::Module& module,
                                           const PolicyMetadata& metadata, bool force);

// A policy read back from a version folder (or a model folder: its newest version), on its own:
// no agent, trainer, optimizer, store, simulator or world.
class ExportedPolicy {
 public:
  // IoError when the path holds no model; DataError for a corrupt model, or metadata that does
  // not match the module (another catalogue size).
  static ExportedPolicy load(const std::filesystem::path& path);

  // [B, I] float32 scores on the CPU for a batch of histories (indices, -1 padded).
  torch::Tensor scores(const SessionBatch& batch) const;
  const PolicyMetadata& metadata() const { return metadata_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  ExportedPolicy() = default;
  std::filesystem::path folder_;
  PolicyMetadata metadata_;
  std::shared_ptr<torch::jit::Module> module_;
};

// The folder of `path`'s newest version when `path` is a model folder; `path` itself when it
// is a version folder. IoError when it is neither.
std::filesystem::path resolve_policy_version(const std::filesystem::path& path);

}  // namespace shoprl
