// Checkpoints: a folder written whole or not at all. A writer fills a staging folder; commit()
// swaps it into place with renames, so a crash at any moment leaves either the previous
// checkpoint or the new one, never a mix (core/atomic_file.h does the same for single files).
//
// Layout of <run>/checkpoint/:
//   state.json        iteration, seed, the resolved config, the training data's hash, and
//                     each part's own counters (meta())
//   <name>.pt         one torch archive per module, optimizer or tensor group
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace shoprl {

class CheckpointWriter {
 public:
  // Stages into a fresh hidden sibling of `destination`; destroyed uncommitted, it leaves the
  // destination as it was.
  explicit CheckpointWriter(std::filesystem::path destination);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  void module(const std::string& name, const torch::nn::Module& module);
  void optimizer(const std::string& name, const torch::optim::Optimizer& optimizer);
  void tensors(const std::string& name, const std::map<std::string, torch::Tensor>& tensors);
  // An archive made elsewhere by tensors_archive() (another rank's state, in a data-parallel
  // job), read back with CheckpointReader::tensors(name).
  void archive(const std::string& name, const std::string& bytes);
  // Counters and facts, saved as state.json at commit().
  nlohmann::json& meta() { return meta_; }

  // Writes state.json and moves the staged folder to the destination atomically.
  void commit();
  const std::filesystem::path& destination() const;

 private:
  struct Staging;  // the AtomicFolder (core/atomic_folder.h)
  std::unique_ptr<Staging> staging_;
  nlohmann::json meta_;
};

// The bytes CheckpointWriter::tensors() would write for `tensors`.
std::string tensors_archive(const std::map<std::string, torch::Tensor>& tensors);

class CheckpointReader {
 public:
  // IoError naming the folder when it or its state.json is missing or unreadable.
  explicit CheckpointReader(std::filesystem::path folder);

  // Loads into an already built module/optimizer of the same shape. Error naming the file and
  // the parameter when shapes or names differ.
  void module(const std::string& name, torch::nn::Module& module) const;
  void optimizer(const std::string& name, torch::optim::Optimizer& optimizer) const;
  std::map<std::string, torch::Tensor> tensors(const std::string& name) const;
  bool has(const std::string& name) const;
  const nlohmann::json& meta() const { return meta_; }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
  nlohmann::json meta_;
};

}  // namespace shoprl
