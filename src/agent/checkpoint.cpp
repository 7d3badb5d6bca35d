// Checkpoint folders (checkpoint.h).
#include "agent/checkpoint.h"

#include <fmt/format.h>

#include <memory>
#include <sstream>

#include "core/atomic_file.h"
#include "core/atomic_folder.h"
#include "core/error.h"

namespace shoprl {

namespace {

constexpr const char* kStateFile = "state.json";

std::string archive_file(const std::string& name) { return name + ".pt"; }

// Saves an archive through a temporary file renamed into place.
void save_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  AtomicFile file(path);
  try {
    archive.save_to(file.temp_path().string());
  } catch (const c10::Error& e) {
    throw IoError(fmt::format("cannot write {}: {}", path.string(), e.what_without_backtrace()));
  }
  file.commit();
}

torch::serialize::OutputArchive tensor_archive(
    const std::map<std::string, torch::Tensor>& tensors) {
  torch::serialize::OutputArchive archive;
  for (const auto& [key, tensor] : tensors) archive.write(key, tensor.cpu());
  return archive;
}

torch::serialize::InputArchive load_archive(const std::filesystem::path& path) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw IoError(fmt::format("cannot read {}: {}", path.string(), e.what_without_backtrace()));
  }
  return archive;
}

}  // namespace

struct CheckpointWriter::Staging {
  explicit Staging(std::filesystem::path destination) : folder(std::move(destination)) {}
  AtomicFolder folder;
};

CheckpointWriter::CheckpointWriter(std::filesystem::path destination)
    : staging_(std::make_unique<Staging>(std::move(destination))) {}

CheckpointWriter::~CheckpointWriter() = default;

const std::filesystem::path& CheckpointWriter::destination() const {
  return staging_->folder.target();
}

void CheckpointWriter::module(const std::string& name, const torch::nn::Module& module) {
  torch::serialize::OutputArchive archive;
  module.save(archive);
  save_archive(archive, staging_->folder.staging() / archive_file(name));
}

void CheckpointWriter::optimizer(const std::string& name,
                                 const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  save_archive(archive, staging_->folder.staging() / archive_file(name));
}

void CheckpointWriter::tensors(const std::string& name,
                               const std::map<std::string, torch::Tensor>& tensors) {
  torch::serialize::OutputArchive archive = tensor_archive(tensors);
  save_archive(archive, staging_->folder.staging() / archive_file(name));
}

void CheckpointWriter::archive(const std::string& name, const std::string& bytes) {
  write_file_atomic(staging_->folder.staging() / archive_file(name), bytes);
}

std::string tensors_archive(const std::map<std::string, torch::Tensor>& tensors) {
  torch::serialize::OutputArchive archive = tensor_archive(tensors);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void CheckpointWriter::commit() {
  write_file_atomic(staging_->folder.staging() / kStateFile, meta_.dump(2) + "\n");
  staging_->folder.commit();
}

CheckpointReader::CheckpointReader(std::filesystem::path folder) : folder_(std::move(folder)) {
  const std::filesystem::path state = folder_ / kStateFile;
  if (!std::filesystem::exists(state))
    throw IoError(
        fmt::format("{} is not a checkpoint: {} is missing", folder_.string(), state.string()));
  try {
    meta_ = nlohmann::json::parse(read_file_text(state));
  } catch (const nlohmann::json::exception& e) {
    throw IoError(fmt::format("{}: not valid JSON: {}", state.string(), e.what()));
  }
}

bool CheckpointReader::has(const std::string& name) const {
  return std::filesystem::exists(folder_ / archive_file(name));
}

void CheckpointReader::module(const std::string& name, torch::nn::Module& module) const {
  const std::filesystem::path path = folder_ / archive_file(name);
  torch::serialize::InputArchive archive = load_archive(path);
  try {
    module.load(archive);
  } catch (const c10::Error& e) {
    throw ConfigError(fmt::format(
        "{}: the checkpoint's {} does not fit the configured network (different sizes or "
        "heads?): {}",
        path.string(), name, e.what_without_backtrace()));
  }
}

void CheckpointReader::optimizer(const std::string& name,
                                 torch::optim::Optimizer& optimizer) const {
  const std::filesystem::path path = folder_ / archive_file(name);
  torch::serialize::InputArchive archive = load_archive(path);
  try {
    optimizer.load(archive);
  } catch (const c10::Error& e) {
    throw ConfigError(fmt::format("{}: cannot restore optimizer {}: {}", path.string(), name,
                                  e.what_without_backtrace()));
  }
}

std::map<std::string, torch::Tensor> CheckpointReader::tensors(const std::string& name) const {
  const std::filesystem::path path = folder_ / archive_file(name);
  torch::serialize::InputArchive archive = load_archive(path);
  std::map<std::string, torch::Tensor> out;
  for (const std::string& key : archive.keys()) {
    torch::Tensor tensor;
    archive.read(key, tensor);
    out.emplace(key, tensor);
  }
  return out;
}

}  // namespace shoprl
